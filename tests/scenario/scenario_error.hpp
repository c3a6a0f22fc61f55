// The loader's error message for a scenario text, shared by the tests that feed it bad input.
#pragma once

#include <string>

#include "scenario/scenario.hpp"

namespace eosim::test {

// The error message for a scenario text, or "" if it loads.
inline std::string scenario_error_of(const std::string& text) {
    try {
        scenario::parse_scenario(text, "s.json");
    } catch (const scenario::ScenarioError& e) {
        return e.what();
    }
    return "";
}

}  // namespace eosim::test
