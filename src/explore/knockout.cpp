#include "explore/knockout.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "explore/shrink.hpp"
#include "explore/sweep.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/overrides.hpp"
#include "scenario/scenario.hpp"

namespace eosim::explore {
namespace {

constexpr std::uint64_t kBlockSeeds = 50;  // seeds swept at a time before looking for a failure

struct FirstFailure {
    std::uint64_t seeds_tried = 0;
    std::optional<std::uint64_t> seed;
    std::string failure;
    bool interrupted = false;
};

FirstFailure first_failure(const scenario::Scenario& s, std::uint64_t first, std::uint64_t last, unsigned jobs,
                           const std::atomic<bool>* interrupt) {
    FirstFailure found;
    for (std::uint64_t a = first; a <= last; a += kBlockSeeds) {
        const std::uint64_t b = std::min(last, a + kBlockSeeds - 1);
        const SweepSummary summary = sweep(s, a, b, jobs, interrupt);
        if (summary.interrupted) {
            found.interrupted = true;
            return found;
        }
        for (const SeedResult& r : summary.seeds) {
            ++found.seeds_tried;
            if (r.expectations_met) continue;
            found.seed = r.seed;
            found.failure = r.expectation_failures.empty() ? r.halt : r.expectation_failures.front();
            return found;
        }
        if (b == last) break;
    }
    return found;
}

}  // namespace

const std::vector<Mechanism>& mechanisms() {
    static const std::vector<Mechanism> all{
        {"broker_dedup", "the partition leader drops a retried batch it already has (ProducerStateManager's duplicate check)"},
        {"epoch_fencing", "partitions refuse writes from an older producer epoch (zombie fencing)"},
        {"offsets_in_transaction", "a processor commits its input offsets inside its transaction (sendOffsetsToTransaction)"},
        {"read_committed", "read_committed readers stop at the last stable offset and drop aborted data"},
        {"idempotent_marker_retry", "a partition accepts a retried marker of the current epoch (KAFKA-19999's fix, TV2)"},
        {"init_epoch_bump", "InitProducerId bumps the epoch, fencing the previous instance of a transactional.id"},
        {"timeout_abort_bump", "a transaction the coordinator aborts on timeout gets a new epoch (KAFKA-6119)"},
        {"prepare_recovery", "a new transaction coordinator completes the Prepare* transactions it loads"},
        {"markers_before_complete", "the coordinator writes Complete* only once every marker is written"},
        {"txn_offset_commit_fencing", "TxnOffsetCommit checks generation, member and instance id (KIP-447)"},
        {"partition_verification", "a leader appends a transactional write only once the coordinator confirms its partition is in the transaction (KIP-890 part 1)"},
    };
    return all;
}

bool KnockoutMatrix::all_caught() const {
    return std::all_of(rows.begin(), rows.end(), [](const KnockoutRow& r) { return r.first_failing_seed.has_value(); });
}

KnockoutMatrix knockout(const std::string& path, const std::vector<std::string>& wanted, std::uint64_t first_seed,
                        std::uint64_t last_seed, unsigned jobs, bool shrink_witness, const std::atomic<bool>* interrupt) {
    KnockoutMatrix matrix;
    for (const std::string& name : wanted) {
        const auto known = std::find_if(mechanisms().begin(), mechanisms().end(), [&](const Mechanism& m) { return m.knockout == name; });
        if (known == mechanisms().end()) {
            std::vector<std::string> names;
            for (const Mechanism& m : mechanisms()) names.push_back(m.knockout);
            throw scenario::ScenarioError(fmt::format("--mechanisms: unknown \"{}\"; expected one of {}", name, fmt::join(names, ", ")));
        }
    }
    const scenario::Scenario base = scenario::load_scenario(path);
    if (!base.expect) throw scenario::ScenarioError(path + ": no expect block: a knock-out has nothing to fail");
    if (!base.source.value("knockouts", nlohmann::json::object()).empty()) {
        // Its own knock-outs would fail every row: each mechanism must be the only one off.
        throw scenario::ScenarioError(path + ": at /knockouts: the scenario already switches mechanisms off (" +
                                      base.source["knockouts"].dump() + "); knockout starts from a scenario with none");
    }
    matrix.scenario = base.name;
    matrix.first_seed = first_seed;
    matrix.last_seed = last_seed;
    const FirstFailure baseline = first_failure(base, first_seed, std::min(last_seed, first_seed + kBlockSeeds - 1), jobs, interrupt);
    matrix.baseline_clean = !baseline.seed;
    matrix.baseline_failing_seed = baseline.seed;
    for (const Mechanism& m : mechanisms()) {
        if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), m.knockout) == wanted.end()) continue;
        if (interrupt != nullptr && interrupt->load()) break;
        KnockoutRow row;
        row.mechanism = m;
        const scenario::Scenario s = scenario::load_scenario(path, {scenario::Override{"/knockouts/" + m.knockout, true}});
        const FirstFailure found = first_failure(s, first_seed, last_seed, jobs, interrupt);
        row.seeds_tried = found.seeds_tried;
        row.first_failing_seed = found.seed;
        row.failure = found.failure;
        if (found.seed && shrink_witness) {
            try {
                const ShrinkResult shrunk = shrink(s, *found.seed, {}, interrupt);
                row.shrunk = !shrunk.interrupted;
                row.faults_before = shrunk.faults_before;
                row.faults_after = shrunk.faults_after;
                row.witness = shrunk.scenario;
            } catch (const scenario::ScenarioError& e) {
                row.shrink_error = e.what();  // the row stands; its witness could not be made
            }
        }
        matrix.rows.push_back(std::move(row));
    }
    matrix.interrupted = interrupt != nullptr && interrupt->load();
    return matrix;
}

}  // namespace eosim::explore
