"""The editor schema agrees with the loader: shipped scenarios validate, bad ones do not."""
import glob
import json
import sys

import jsonschema

schema_path, scenarios_dir, bad_dir = sys.argv[1:4]
with open(schema_path) as f:
    schema = json.load(f)
jsonschema.Draft7Validator.check_schema(schema)
validator = jsonschema.Draft7Validator(schema)
failures = []
for path in sorted(glob.glob(scenarios_dir + "/*.json")):
    with open(path) as f:
        errors = list(validator.iter_errors(json.load(f)))
    if errors:
        failures.append(f"{path}: {errors[0].message}")
# Structural mistakes the schema can see (references to unknown names it cannot).
for name in ("unknown-key", "wrong-type", "out-of-range", "not-an-object", "event-unknown-error",
             "event-count-and-min"):
    with open(f"{bad_dir}/{name}.json") as f:
        if validator.is_valid(json.load(f)):
            failures.append(f"{bad_dir}/{name}.json: accepted by the schema")
# The corpus's name rules (tests/bad-input) are structural too.
for name in ("node-named-controller", "node-name-illegal-chars", "node-name-too-long", "topic-consumer-offsets",
             "topic-transaction-state", "topic-illegal-chars", "topic-non-ascii", "topic-too-long", "topic-dot",
             "topic-newline", "node-name-newline", "expect-verdicts-unknown", "expect-counts-unknown",
             "expect-unknown", "fault-missing-type", "producer-config-unknown"):
    path = f"{bad_dir}/../bad-input/scenario-{name}.json"
    with open(path) as f:
        if validator.is_valid(json.load(f)):
            failures.append(f"{path}: accepted by the schema")
for failure in failures:
    print(failure)
sys.exit(1 if failures else 0)
