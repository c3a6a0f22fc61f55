#include "kafka/client/client_transaction_state.hpp"

#include <initializer_list>

namespace eosim::kafka {

std::string_view client_txn_state_name(ClientTxnState state) {
    switch (state) {
        case ClientTxnState::UNINITIALIZED: return "UNINITIALIZED";
        case ClientTxnState::INITIALIZING: return "INITIALIZING";
        case ClientTxnState::READY: return "READY";
        case ClientTxnState::IN_TRANSACTION: return "IN_TRANSACTION";
        case ClientTxnState::COMMITTING_TRANSACTION: return "COMMITTING_TRANSACTION";
        case ClientTxnState::ABORTING_TRANSACTION: return "ABORTING_TRANSACTION";
        case ClientTxnState::ABORTABLE_ERROR: return "ABORTABLE_ERROR";
        case ClientTxnState::FATAL_ERROR: return "FATAL_ERROR";
    }
    return "?";
}

bool is_valid_client_transition(ClientTxnState from, ClientTxnState to) {
    using S = ClientTxnState;
    const auto from_any_of = [from](std::initializer_list<S> states) {
        for (const S s : states) {
            if (s == from) return true;
        }
        return false;
    };
    switch (to) {
        case S::UNINITIALIZED: return from_any_of({S::READY, S::ABORTABLE_ERROR});
        case S::INITIALIZING: return from_any_of({S::UNINITIALIZED, S::ABORTING_TRANSACTION});
        case S::READY: return from_any_of({S::INITIALIZING, S::COMMITTING_TRANSACTION, S::ABORTING_TRANSACTION});
        case S::IN_TRANSACTION: return from == S::READY;
        case S::COMMITTING_TRANSACTION: return from == S::IN_TRANSACTION;
        case S::ABORTING_TRANSACTION: return from_any_of({S::IN_TRANSACTION, S::ABORTABLE_ERROR});
        case S::ABORTABLE_ERROR:
            return from_any_of({S::IN_TRANSACTION, S::COMMITTING_TRANSACTION, S::ABORTABLE_ERROR, S::INITIALIZING});
        case S::FATAL_ERROR: return true;
    }
    return false;
}

}  // namespace eosim::kafka
