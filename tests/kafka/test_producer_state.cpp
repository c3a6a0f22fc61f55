// One test per broker-side idempotence rule (kafka-protocol.md §1).
#include <doctest/doctest.h>

#include <limits>

#include "kafka/log/producer_state.hpp"

using namespace eosim::kafka;

namespace {

RecordBatch batch(std::int64_t pid, std::int16_t epoch, std::int32_t base_sequence, int records) {
    RecordBatch b;
    b.producer_id = pid;
    b.producer_epoch = epoch;
    b.base_sequence = base_sequence;
    for (int i = 0; i < records; ++i) b.records.push_back(Record{static_cast<std::uint64_t>(i), 0});
    return b;
}

// Appends through the table the way the broker does, returning the check.
AppendCheck append(ProducerStateTable& table, const RecordBatch& b, std::int64_t& next_offset) {
    const AppendCheck check = table.check(b);
    if (check.kind == AppendCheck::Kind::append) {
        table.on_append(b, next_offset);
        next_offset += b.record_count();
    }
    return check;
}

}  // namespace

TEST_CASE("rule: no state accepts any sequence (KIP-360)") {
    ProducerStateTable table;
    CHECK(table.check(batch(1, 0, 42, 1)).kind == AppendCheck::Kind::append);
    CHECK(table.check(batch(1, 3, 7, 2)).kind == AppendCheck::Kind::append);
}

TEST_CASE("rule: the next sequence is accepted") {
    ProducerStateTable table;
    std::int64_t offset = 0;
    REQUIRE(append(table, batch(1, 0, 0, 3), offset).kind == AppendCheck::Kind::append);
    CHECK(append(table, batch(1, 0, 3, 2), offset).kind == AppendCheck::Kind::append);
    CHECK(table.find(1)->last_sequence() == 4);
}

TEST_CASE("rule: a duplicate answers success with the original offsets") {
    ProducerStateTable table;
    std::int64_t offset = 10;
    append(table, batch(1, 0, 0, 3), offset);
    append(table, batch(1, 0, 3, 2), offset);
    const AppendCheck dup = table.check(batch(1, 0, 0, 3));
    CHECK(dup.kind == AppendCheck::Kind::duplicate);
    CHECK(dup.original.first_offset == 10);
    CHECK(dup.original.last_offset == 12);
    // A duplicate must match the cached (first, last) range exactly.
    CHECK(table.check(batch(1, 0, 0, 2)).kind == AppendCheck::Kind::reject);
}

TEST_CASE("rule: only the last 5 batches are cached") {
    ProducerStateTable table;
    std::int64_t offset = 0;
    for (int i = 0; i < 6; ++i) append(table, batch(1, 0, i, 1), offset);
    CHECK(table.find(1)->batches.size() == ProducerStateEntry::kNumBatchesToRetain);
    CHECK(table.check(batch(1, 0, 1, 1)).kind == AppendCheck::Kind::duplicate);
    const AppendCheck evicted = table.check(batch(1, 0, 0, 1));
    CHECK(evicted.kind == AppendCheck::Kind::reject);
    CHECK(evicted.error == ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
}

TEST_CASE("rule: a gap in sequences is OUT_OF_ORDER_SEQUENCE_NUMBER") {
    ProducerStateTable table;
    std::int64_t offset = 0;
    append(table, batch(1, 0, 0, 2), offset);
    const AppendCheck gap = table.check(batch(1, 0, 5, 1));
    CHECK(gap.kind == AppendCheck::Kind::reject);
    CHECK(gap.error == ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
}

TEST_CASE("rule: an older epoch is INVALID_PRODUCER_EPOCH") {
    ProducerStateTable table;
    std::int64_t offset = 0;
    append(table, batch(1, 2, 0, 1), offset);
    const AppendCheck stale = table.check(batch(1, 1, 1, 1));
    CHECK(stale.kind == AppendCheck::Kind::reject);
    CHECK(stale.error == ErrorCode::INVALID_PRODUCER_EPOCH);
}

TEST_CASE("rule: a new epoch must start at sequence 0") {
    ProducerStateTable table;
    std::int64_t offset = 0;
    append(table, batch(1, 0, 0, 4), offset);
    const AppendCheck not_zero = table.check(batch(1, 1, 4, 1));
    CHECK(not_zero.kind == AppendCheck::Kind::reject);
    CHECK(not_zero.error == ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
    CHECK(append(table, batch(1, 1, 0, 1), offset).kind == AppendCheck::Kind::append);
}

TEST_CASE("rule: an epoch change clears the duplicate cache") {
    ProducerStateTable table;
    std::int64_t offset = 0;
    append(table, batch(1, 0, 0, 1), offset);
    append(table, batch(1, 1, 0, 1), offset);
    CHECK(table.find(1)->batches.size() == 1);
    CHECK(table.find(1)->producer_epoch == 1);
    // The old epoch's batch is now rejected, not treated as a duplicate.
    CHECK(table.check(batch(1, 0, 0, 1)).error == ErrorCode::INVALID_PRODUCER_EPOCH);
}

TEST_CASE("rule: sequences wrap from INT32_MAX to 0") {
    ProducerStateTable table;
    std::int64_t offset = 0;
    const std::int32_t max = std::numeric_limits<std::int32_t>::max();
    append(table, batch(1, 0, max - 1, 2), offset);
    CHECK(table.find(1)->last_sequence() == max);
    CHECK(table.check(batch(1, 0, 0, 1)).kind == AppendCheck::Kind::append);
    CHECK(batch(1, 0, max, 3).last_sequence() == 1);
}

TEST_CASE("rule: producers are independent") {
    ProducerStateTable table;
    std::int64_t offset = 0;
    append(table, batch(1, 0, 0, 1), offset);
    CHECK(table.check(batch(2, 0, 9, 1)).kind == AppendCheck::Kind::append);
}

TEST_CASE("replaying the log rebuilds the same state") {
    ProducerStateTable live;
    std::vector<LogBatch> log;
    std::int64_t offset = 0;
    for (int i = 0; i < 7; ++i) {
        const RecordBatch b = batch(1, 0, i * 2, 2);
        log.push_back(LogBatch{offset, b});
        append(live, b, offset);
    }
    ProducerStateTable rebuilt;
    for (const LogBatch& stored : log) rebuilt.replay(stored);
    REQUIRE(rebuilt.find(1) != nullptr);
    CHECK(rebuilt.find(1)->batches.size() == live.find(1)->batches.size());
    CHECK(rebuilt.find(1)->last_sequence() == 13);
    CHECK(rebuilt.check(batch(1, 0, 12, 2)).original.first_offset == 12);
}
