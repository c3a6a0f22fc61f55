#include "kafka/coordinator/transaction_state.hpp"

namespace eosim::kafka {

std::string_view txn_state_name(TxnState state) {
    switch (state) {
        case TxnState::Empty: return "Empty";
        case TxnState::Ongoing: return "Ongoing";
        case TxnState::PrepareCommit: return "PrepareCommit";
        case TxnState::PrepareAbort: return "PrepareAbort";
        case TxnState::CompleteCommit: return "CompleteCommit";
        case TxnState::CompleteAbort: return "CompleteAbort";
        case TxnState::Dead: return "Dead";
        case TxnState::PrepareEpochFence: return "PrepareEpochFence";
    }
    return "?";
}

bool is_valid_transition(TxnState from, TxnState to, bool transaction_version_2) {
    using S = TxnState;
    const auto any_of = [from](std::initializer_list<S> states) {
        for (const S s : states) {
            if (s == from) return true;
        }
        return false;
    };
    switch (to) {
        case S::Empty: return any_of({S::Empty, S::CompleteCommit, S::CompleteAbort});
        case S::Ongoing: return any_of({S::Ongoing, S::Empty, S::CompleteCommit, S::CompleteAbort});
        case S::PrepareCommit: return from == S::Ongoing;
        case S::PrepareAbort:
            return any_of({S::Ongoing, S::PrepareEpochFence}) ||
                   (transaction_version_2 && any_of({S::Empty, S::CompleteCommit, S::CompleteAbort}));
        case S::CompleteCommit: return from == S::PrepareCommit;
        case S::CompleteAbort: return from == S::PrepareAbort;
        case S::Dead: return any_of({S::Empty, S::CompleteCommit, S::CompleteAbort});
        case S::PrepareEpochFence: return from == S::Ongoing;
    }
    return false;
}

TransactionLogRecord to_log_record(const TransactionMetadata& m) {
    TransactionLogRecord r;
    r.transactional_id = m.transactional_id;
    r.producer_id = m.producer_id;
    r.producer_epoch = m.producer_epoch;
    r.txn_timeout_ms = m.txn_timeout_ms;
    r.state = m.state;
    if (m.state != TxnState::Empty) r.partitions.assign(m.partitions.begin(), m.partitions.end());
    r.txn_start_us = m.txn_start_us;
    r.last_update_us = m.last_update_us;
    return r;
}

TransactionMetadata from_log_record(const TransactionLogRecord& r) {
    TransactionMetadata m;
    m.transactional_id = r.transactional_id;
    m.producer_id = r.producer_id;
    m.producer_epoch = r.producer_epoch;
    m.txn_timeout_ms = r.txn_timeout_ms;
    m.state = r.state;
    m.partitions.insert(r.partitions.begin(), r.partitions.end());
    m.txn_start_us = r.txn_start_us;
    m.last_update_us = r.last_update_us;
    return m;
}

}  // namespace eosim::kafka
