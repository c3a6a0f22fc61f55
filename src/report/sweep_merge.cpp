// `eosim merge`: shards of one sweep (run as GNU parallel jobs or a Slurm array) back into the
// report the unsharded sweep writes.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "report/sweep_report.hpp"
#include "scenario/json_reader.hpp"

namespace eosim::report {
namespace {

using Json = nlohmann::ordered_json;
using Counts = std::map<std::string, std::uint64_t>;

struct ShardReport {
    std::string file;
    const Json* json = nullptr;
    scenario::Shard shard;
    scenario::SeedRange seeds;
    scenario::SeedRange whole;
};

[[noreturn]] void fail(const std::string& file, const std::string& what) {
    throw scenario::ScenarioError(fmt::format("{}: {}", file, what));
}

scenario::SeedRange range_of(const Json& j) { return {j.at("first").get<std::uint64_t>(), j.at("last").get<std::uint64_t>()}; }

void add_counts(Counts& total, const Json& counts) {
    for (const auto& [name, value] : counts.items()) total[name] += value.get<std::uint64_t>();
}

ShardReport read_shard(const std::string& file, const Json& j) {
    try {
        ShardReport r{file, &j, {}, range_of(j.at("seeds")), range_of(j.at("shard").at("seeds"))};
        r.shard.index = j.at("shard").at("index").get<std::uint64_t>();
        r.shard.count = j.at("shard").at("count").get<std::uint64_t>();
        if (r.shard.index < 1 || r.shard.index > r.shard.count || r.whole.first > r.whole.last ||
            r.shard.count > r.whole.count()) {
            fail(file, "at /shard: expected 1 <= index <= count <= the whole range's seeds");
        }
        const scenario::SeedRange expected = scenario::shard_range(r.whole, r.shard);
        if (r.seeds.first != expected.first || r.seeds.last != expected.last) {
            fail(file, fmt::format("at /seeds: shard {}/{} of {}..{} is {}..{}, got {}..{}", r.shard.index,
                                   r.shard.count, r.whole.first, r.whole.last, expected.first, expected.last,
                                   r.seeds.first, r.seeds.last));
        }
        return r;
    } catch (const nlohmann::json::exception& e) {
        // nlohmann's text after its "[json.exception.out_of_range.403] " tag: "key 'shard' not found".
        const std::string what = e.what();
        const auto tag_end = what.find("] ");
        fail(file, fmt::format("not a report of `eosim sweep --shard K/N --format json`: {}",
                               tag_end == std::string::npos ? what : what.substr(tag_end + 2)));
    }
}

// Every shard of one sweep, once: same scenario, range, shard count and expectations.
std::vector<ShardReport> check_shards(const std::vector<std::pair<std::string, Json>>& inputs) {
    if (inputs.empty()) throw scenario::ScenarioError("eosim merge: expected the shard reports to merge");
    std::vector<ShardReport> shards;
    for (const auto& [file, json] : inputs) shards.push_back(read_shard(file, json));
    std::sort(shards.begin(), shards.end(),
              [](const ShardReport& a, const ShardReport& b) { return a.shard.index < b.shard.index; });
    const ShardReport& first = shards.front();
    std::uint64_t expected = 1;  // the next shard index
    for (const ShardReport& s : shards) {
        const auto same = [&](const char* key) { return s.json->at(key) == first.json->at(key); };
        if (!same("scenario") || !same("has_expectations")) fail(s.file, fmt::format("another scenario than {}", first.file));
        if (s.shard.count != first.shard.count || s.whole.first != first.whole.first || s.whole.last != first.whole.last) {
            fail(s.file, fmt::format("another sweep than {}: shard {}/{} of {}..{}", first.file, s.shard.index,
                                     s.shard.count, s.whole.first, s.whole.last));
        }
        if (s.shard.index < expected) fail(s.file, fmt::format("shard {}/{} is given twice", s.shard.index, s.shard.count));
        if (s.shard.index > expected) {
            throw scenario::ScenarioError(fmt::format("eosim merge: shard {}/{} is missing", expected, s.shard.count));
        }
        ++expected;
    }
    if (expected <= first.shard.count) {
        throw scenario::ScenarioError(fmt::format("eosim merge: shard {}/{} is missing", expected, first.shard.count));
    }
    return shards;
}

Json merged_tallies(const std::vector<ShardReport>& shards, std::uint64_t total, bool& all_met) {
    Json tallies = Json::array();
    const Json& first = shards.front().json->at("expect_sweep");
    for (std::size_t i = 0; i < first.size(); ++i) {
        std::uint64_t seeds = 0;
        for (const ShardReport& s : shards) {
            const Json& t = s.json->at("expect_sweep").at(i);
            if (t.at("expectation") != first.at(i).at("expectation")) fail(s.file, "other sweep expectations");
            seeds += t.at("seeds").get<std::uint64_t>();
        }
        const std::uint64_t min_seeds = first.at(i).at("min_seeds").get<std::uint64_t>();
        const std::uint64_t min_percent = first.at(i).at("min_percent").get<std::uint64_t>();
        const std::uint64_t required = std::max(min_seeds, (total * min_percent + 99) / 100);  // as sweep() does
        all_met = all_met && seeds >= required;
        tallies.push_back({{"expectation", first.at(i).at("expectation")}, {"seeds", seeds}, {"required", required},
                           {"min_seeds", min_seeds}, {"min_percent", min_percent}, {"met", seeds >= required}});
    }
    return tallies;
}

}  // namespace

nlohmann::ordered_json merge_shards(const std::vector<std::pair<std::string, nlohmann::ordered_json>>& inputs) {
    const std::vector<ShardReport> shards = check_shards(inputs);
    const scenario::SeedRange whole = shards.front().whole;
    Counts verdict_held, count_positive, anomaly_found;
    std::map<std::string, Counts> swarm_tally;
    Json failing = Json::array(), halted = Json::array(), runs = Json::array();
    std::set<std::string> hashes;
    std::uint64_t duplicates = 0;
    std::uint64_t lost = 0;
    try {
        for (const ShardReport& s : shards) {
            const Json& j = *s.json;
            add_counts(verdict_held, j.at("verdict_held"));
            add_counts(count_positive, j.at("count_positive"));
            add_counts(anomaly_found, j.at("anomaly_found"));
            for (const auto& [path, values] : j.at("swarm_tally").items()) add_counts(swarm_tally[path], values);
            for (const Json& seed : j.at("failing_seeds")) failing.push_back(seed);
            for (const Json& seed : j.at("halted_seeds")) halted.push_back(seed);
            for (const Json& hash : j.at("trace_hashes")) hashes.insert(hash.get<std::string>());
            for (const Json& run : j.at("runs")) runs.push_back(run);
            duplicates += j.at("duplicates_total").get<std::uint64_t>();
            lost += j.at("lost_total").get<std::uint64_t>();
        }
    } catch (const nlohmann::json::exception& e) {
        throw scenario::ScenarioError(fmt::format("eosim merge: a shard report is malformed: {}", e.what()));
    }
    bool all_met = failing.empty();
    Json tallies = merged_tallies(shards, whole.count(), all_met);
    // The keys and their order of to_json(SweepSummary).
    Json j;
    j["scenario"] = shards.front().json->at("scenario");
    j["seeds"] = {{"first", whole.first}, {"last", whole.last}};
    j["all_met"] = all_met;
    j["has_expectations"] = shards.front().json->at("has_expectations");
    j["verdict_held"] = verdict_held;
    j["count_positive"] = count_positive;
    j["anomaly_found"] = anomaly_found;
    j["failing_seeds"] = std::move(failing);
    j["halted_seeds"] = std::move(halted);
    j["distinct_trace_hashes"] = hashes.size();
    j["duplicates_total"] = duplicates;
    j["lost_total"] = lost;
    j["expect_sweep"] = std::move(tallies);
    j["swarm_tally"] = swarm_tally;
    j["runs"] = std::move(runs);
    return j;
}

}  // namespace eosim::report
