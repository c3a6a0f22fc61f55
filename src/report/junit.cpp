#include "report/junit.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

namespace eosim::report {
namespace {

using Status = explore::TestCase::Status;

std::string seeds_text(const explore::TestCase& c) {
    return c.seeds.first == c.seeds.last ? fmt::format("seed {}", c.seeds.first)
                                         : fmt::format("seeds {}..{}", c.seeds.first, c.seeds.last);
}

std::string joined(const std::vector<std::string>& lines) { return fmt::format("{}", fmt::join(lines, "\n")); }

}  // namespace

TestTotals totals_of(const std::vector<explore::TestCase>& cases) {
    TestTotals t;
    for (const auto& c : cases) {
        if (c.status == Status::passed) ++t.passed;
        if (c.status == Status::failed) ++t.failed;
        if (c.status == Status::skipped) ++t.skipped;
        if (c.status == Status::error) ++t.errors;
    }
    return t;
}

// XML 1.0 text and attribute values: markup escaped; control characters XML cannot carry become '?'.
std::string xml_escaped(const std::string& text) {
    std::string out;
    for (const char ch : text) {
        switch (ch) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            case '\n': out += "&#10;"; break;
            case '\t': out += "&#9;"; break;
            default: out += static_cast<unsigned char>(ch) < 0x20 ? '?' : ch;
        }
    }
    return out;
}

void write_junit(std::ostream& out, const std::vector<explore::TestCase>& cases) {
    const TestTotals t = totals_of(cases);
    fmt::print(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fmt::print(out, "<testsuites name=\"eosim\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n",
               cases.size(), t.failed, t.errors, t.skipped);
    fmt::print(out, "  <testsuite name=\"eosim test\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n",
               cases.size(), t.failed, t.errors, t.skipped);
    for (const auto& c : cases) {
        fmt::print(out, "    <testcase classname=\"{}\" name=\"{}\"", xml_escaped(c.file), xml_escaped(c.name));
        if (c.status == Status::passed) {
            fmt::print(out, ">\n      <system-out>{}</system-out>\n    </testcase>\n", xml_escaped(seeds_text(c)));
            continue;
        }
        const char* tag = c.status == Status::failed ? "failure" : c.status == Status::error ? "error" : "skipped";
        const std::string first = c.failures.empty() ? "" : c.failures.front();
        fmt::print(out, ">\n      <{} message=\"{}\">{}</{}>\n    </testcase>\n", tag, xml_escaped(first),
                   xml_escaped(seeds_text(c) + "\n" + joined(c.failures)), tag);
    }
    fmt::print(out, "  </testsuite>\n</testsuites>\n");
}

void write_test_case(std::ostream& out, const explore::TestCase& c) {
    fmt::print(out, "{:<5} {} ({}, {})\n", explore::status_name(c.status), c.name, c.file, seeds_text(c));
    for (const auto& line : c.failures) fmt::print(out, "      {}\n", line);
}

std::string totals_line(const TestTotals& t) {
    std::string line = fmt::format("{} passed, {} failed", t.passed, t.failed);
    if (t.skipped > 0) line += fmt::format(", {} skipped", t.skipped);
    if (t.errors > 0) line += fmt::format(", {} errors", t.errors);
    return line;
}

}  // namespace eosim::report
