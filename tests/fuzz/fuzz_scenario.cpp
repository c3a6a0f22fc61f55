// libFuzzer target: the scenario loader and validator (`eosim validate`), and for a swarm the
// draw of two seeds (`eosim draw`). Bad input must end in the errors the CLI turns into exit 2;
// any other exception escapes, aborts, and is a finding, as is every sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string>

#include "base/input_file.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const eosim::scenario::Scenario s = eosim::scenario::parse_scenario(text, "fuzz.json");
        if (!s.swarm.empty()) {
            for (std::uint64_t seed : {1U, 2U}) (void)eosim::scenario::scenario_for_seed(s, seed);
        }
    } catch (const eosim::scenario::ScenarioError&) {
    } catch (const eosim::base::InputFileError&) {
    }
    return 0;
}
