#pragma once
// `eosim knockout`: each exactly-once mechanism switched off alone (a scenario's `knockouts`),
// the scenario swept until a seed fails its expectations, and that seed shrunk: mechanism ->
// the anomaly its absence lets through, the first seed, a small witness. Seed 002's claim
// ("strip any one and there is a duplicate path") made executable.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace eosim::explore {

struct Mechanism {
    std::string knockout;     // the `knockouts` key that switches it off
    std::string description;  // what the mechanism does
};

// broker_dedup, epoch_fencing, offsets_in_transaction, read_committed, idempotent_marker_retry,
// init_epoch_bump, timeout_abort_bump, prepare_recovery, markers_before_complete,
// txn_offset_commit_fencing.
const std::vector<Mechanism>& mechanisms();

struct KnockoutRow {
    Mechanism mechanism;
    std::uint64_t seeds_tried = 0;
    std::optional<std::uint64_t> first_failing_seed;
    std::string failure;  // that seed's first unmet expectation
    // The shrunk witness, when asked for.
    bool shrunk = false;
    std::size_t faults_before = 0;
    std::size_t faults_after = 0;
    nlohmann::json witness;
    std::string shrink_error;  // why there is no witness, if shrinking failed
};

struct KnockoutMatrix {
    std::string scenario;
    std::uint64_t first_seed = 0;
    std::uint64_t last_seed = 0;
    bool baseline_clean = true;  // the scenario itself met its expectations on the seeds tried
    std::optional<std::uint64_t> baseline_failing_seed;
    std::vector<KnockoutRow> rows;
    bool interrupted = false;
    bool all_caught() const;
};

// Sweeps path (a scenario file, swarm or not) with each mechanism knocked out, over
// first..last in blocks, stopping at the first failing seed. With shrink, each first failing
// seed is shrunk (eosim shrink). Throws ScenarioError for a scenario without expectations.
KnockoutMatrix knockout(const std::string& path, const std::vector<std::string>& wanted, std::uint64_t first_seed,
                        std::uint64_t last_seed, unsigned jobs, bool shrink_witness,
                        const std::atomic<bool>* interrupt = nullptr);

}  // namespace eosim::explore
