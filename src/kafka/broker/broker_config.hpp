#pragma once
// A broker's config and knock-outs, apart from the broker so that what configures a cluster (the
// scenario) does not rebuild with every change to the broker's insides.
#include <cstdint>

#include "kafka/coordinator/coordinator_config.hpp"
#include "sim/time.hpp"

namespace eosim::kafka {

// Knock-out switches for experiments: each disables one mechanism. Off by default and always
// reported by the run.
struct BrokerKnockouts {
    bool disable_idempotent_dedup = false;  // no duplicate-batch check
    bool disable_epoch_fencing = false;     // partitions accept writes from older epochs
    bool disable_idempotent_marker_retry = false;  // KAFKA-19999 unfixed: a retried TV2 marker is refused
    bool disable_txn_offset_commit_fencing = false;  // TxnOffsetCommit skips KIP-447's member checks
    bool disable_partition_verification = false;  // leaders append unverified transactional writes (KIP-890 part 1)
};

// The time a broker spends on requests: num.io.threads request handler threads, each handling
// one request at a time for request_us, plus byte_ns per byte of the request, plus append_us per
// record batch it appends (a produce's partitions, a WriteTxnMarkers' markers). A request waits
// for a free thread, so a saturated broker shows as latency. All zero (the default): requests
// are handled at once, as before the cost model.
struct BrokerCost {
    std::int32_t request_handler_threads = 8;  // num.io.threads
    sim::TimeUs request_us = 0;
    std::int64_t byte_ns = 0;
    sim::TimeUs append_us = 0;
    bool free() const { return request_us == 0 && byte_ns == 0 && append_us == 0; }
};

struct BrokerConfig {
    BrokerKnockouts knockouts;
    TxnCoordinatorConfig transactions;
    std::int32_t request_timeout_ms = 30000;  // for the broker's own requests (markers)
    // transaction.partition.verification.enable (KIP-890 part 1; Kafka's default is true).
    bool partition_verification = true;
    GroupCoordinatorConfig groups;
    BrokerCost cost;
};

}  // namespace eosim::kafka
