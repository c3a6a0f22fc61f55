"""`eosim test` over a directory with a passing, a failing, an expectation-less and a broken
scenario: the per-case lines, the totals line, the exit code and the JUnit XML structure; and a
sweep of the expectation-less one says it judged nothing.
With --all SCENARIO_DIR: every shipped scenario passes and the JUnit file says so."""
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

eosim, cases_dir = sys.argv[1], sys.argv[2]
failures = []


def run(args):
    return subprocess.run([eosim, "test", *args], capture_output=True, text=True, timeout=1800)


def junit(path):
    root = ET.parse(path).getroot()
    if root.tag != "testsuites":
        failures.append(f"root element {root.tag}, expected testsuites")
    suites = root.findall("testsuite")
    if len(suites) != 1:
        failures.append(f"{len(suites)} testsuite elements, expected 1")
    return root, {c.get("name"): c for c in root.iter("testcase")}


with tempfile.TemporaryDirectory() as work:
    if len(sys.argv) == 4 and sys.argv[3] == "--all":
        out = run([cases_dir, "--junit", f"{work}/all.xml"])
        root, cases = junit(f"{work}/all.xml")
        bad = [n for n, c in cases.items() if len(c) and c[0].tag != "system-out"]
        if out.returncode != 0 or bad or root.get("failures") != "0":
            failures.append(f"shipped scenarios: exit {out.returncode}, not passed: {bad}\n{out.stdout[-2000:]}")
        if not out.stdout.rstrip().endswith(f"{len(cases)} passed, 0 failed"):
            failures.append(f"last line: {out.stdout.rstrip().splitlines()[-1]!r}")
    else:
        out = run([cases_dir, "--junit", f"{work}/out.xml"])
        if out.returncode != 2:
            failures.append(f"exit {out.returncode}, expected 2 (a file does not load)\n{out.stdout}{out.stderr}")
        last = out.stdout.rstrip().splitlines()[-1]
        if last != "1 passed, 1 failed, 1 skipped, 1 errors":
            failures.append(f"totals line {last!r}")
        for expected in ("PASS  passes (", "seeds 1..3", "FAIL  fails <&> (", "seed 2: count delivered",
                         "SKIP  no-expectations", "ERROR broken", "unknown key"):
            if expected not in out.stdout:
                failures.append(f"stdout lacks {expected!r}:\n{out.stdout}")
        root, cases = junit(f"{work}/out.xml")
        if (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) != ("4", "1", "1", "1"):
            failures.append(f"testsuites attributes {root.attrib}")
        kinds = {name: (c[0].tag if len(c) else None) for name, c in cases.items()}
        if kinds != {"passes": "system-out", "fails <&>": "failure", "no-expectations": "skipped", "broken": "error"}:
            failures.append(f"testcase children {kinds}")
        if "delivered" not in (cases.get("fails <&>")[0].get("message") or ""):
            failures.append("the failure's message does not say why")
        strict = run([f"{cases_dir}/passes.json", f"{cases_dir}/no-expectations.json", "--strict"])
        if strict.returncode != 1 or "--strict requires" not in strict.stdout:
            failures.append(f"--strict: exit {strict.returncode}\n{strict.stdout}")
        one = run([f"{cases_dir}/passes.json", "--seeds", "7"])
        if one.returncode != 0 or "(" not in one.stdout or "seed 7)" not in one.stdout:
            failures.append(f"--seeds 7: exit {one.returncode}\n{one.stdout}")
        sweep = subprocess.run([eosim, "sweep", f"{cases_dir}/no-expectations.json", "--seeds", "1..2"],
                               capture_output=True, text=True, timeout=600)
        if sweep.returncode != 0 or "no expectations (the scenario has no expect block)" not in sweep.stdout:
            failures.append(f"a sweep without expectations must say so: {sweep.stdout[-500:]}")
        for args, message in ((["/nonexistent"], "no such file or directory"), ([cases_dir, "--seeds", "5..1"], "--seeds")):
            bad = run(args)
            if bad.returncode != 2 or message not in bad.stderr:
                failures.append(f"{args}: exit {bad.returncode}, stderr {bad.stderr!r}")

print("\n".join(failures) if failures else "ok")
sys.exit(1 if failures else 0)
