#pragma once
// Renders a seed sweep's summary.
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "explore/sweep.hpp"
#include "scenario/seed_range.hpp"

namespace eosim::report {

// all_runs: one entry per seed under "runs"; otherwise only the seeds that missed expectations.
nlohmann::ordered_json to_json(const explore::SweepSummary& summary, bool all_runs = true);
void write_table(std::ostream& out, const explore::SweepSummary& summary);

// One shard of a sweep (`eosim sweep --shard K/N`): to_json's report of the shard's seeds plus
// "shard" {index, count, seeds: the whole range} and "trace_hashes" (its distinct hashes), which
// `eosim merge` needs to rebuild the whole sweep's report.
nlohmann::ordered_json shard_json(const explore::SweepSummary& summary, bool all_runs, const scenario::Shard& shard,
                                  const scenario::SeedRange& whole);

// `eosim merge`: the shards' reports (file name, parsed JSON), in any order, as the one report an
// unsharded sweep of the whole range writes (same keys, same order). Throws ScenarioError naming
// the file: not a shard report, another scenario, range or shard count, a shard missing or twice.
nlohmann::ordered_json merge_shards(const std::vector<std::pair<std::string, nlohmann::ordered_json>>& shards);

}  // namespace eosim::report
