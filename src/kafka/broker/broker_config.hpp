#pragma once
// A broker's config and knock-outs, apart from the broker so that what configures a cluster (the
// scenario) does not rebuild with every change to the broker's insides.
#include <cstdint>

#include "kafka/coordinator/coordinator_config.hpp"

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

struct BrokerConfig {
    BrokerKnockouts knockouts;
    TxnCoordinatorConfig transactions;
    std::int32_t request_timeout_ms = 30000;  // for the broker's own requests (markers)
    // transaction.partition.verification.enable (KIP-890 part 1; Kafka's default is true).
    bool partition_verification = true;
    GroupCoordinatorConfig groups;
};

}  // namespace eosim::kafka
