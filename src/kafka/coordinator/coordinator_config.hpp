#pragma once
// The coordinators' configs (broker-side settings), apart from the coordinators so that what
// configures a cluster does not include them.
#include <cstdint>

#include "sim/time.hpp"

namespace eosim::kafka {

struct TxnCoordinatorConfig {
    bool transaction_version_2 = false;                    // transaction.version=2 (KIP-890 part 2)
    std::int32_t transaction_max_timeout_ms = 900000;      // transaction.max.timeout.ms
    std::int32_t abort_timed_out_interval_ms = 10000;      // ...cleanup.interval.ms
    // Durable (acks=-1) append latency of the unreplicated log; a replicated log takes what its
    // replication takes.
    sim::TimeUs log_write_us = 2000;
    std::int32_t marker_retry_backoff_ms = 100;
    // Knock-outs (experiments; eosim knockout): each disables one mechanism.
    bool knockout_init_epoch_bump = false;     // InitProducerId keeps the epoch: a zombie is not fenced
    bool knockout_timeout_abort_bump = false;  // a timed-out transaction aborts without a bump (KAFKA-6119)
    bool knockout_prepare_recovery = false;    // a new coordinator leaves a loaded Prepare* as it is
    bool knockout_markers_before_complete = false;  // Complete* is written before the markers land
};

struct GroupCoordinatorConfig {
    std::int32_t initial_rebalance_delay_ms = 3000;   // group.initial.rebalance.delay.ms
    std::int32_t new_member_join_timeout_ms = 300000;  // classicGroupNewMemberJoinTimeoutMs
    std::int32_t min_session_timeout_ms = 6000;        // group.min.session.timeout.ms
    std::int32_t max_session_timeout_ms = 1800000;     // group.max.session.timeout.ms
};

}  // namespace eosim::kafka
