#pragma once
// `eosim test` results as JUnit XML (the schema CI servers read: testsuites > testsuite > testcase
// with failure, error or skipped), and as the plain lines a person reads.
#include <ostream>
#include <string>
#include <vector>

#include "explore/test_suite.hpp"

namespace eosim::report {

struct TestTotals {
    std::size_t passed = 0, failed = 0, skipped = 0, errors = 0;
};

TestTotals totals_of(const std::vector<explore::TestCase>& cases);
std::string xml_escaped(const std::string& text);
void write_junit(std::ostream& out, const std::vector<explore::TestCase>& cases);
// "PASS name (file, seeds A..B)" and the failures below it.
void write_test_case(std::ostream& out, const explore::TestCase& c);
// "N passed, N failed" (and skipped, errors when there are any).
std::string totals_line(const TestTotals& totals);

}  // namespace eosim::report
