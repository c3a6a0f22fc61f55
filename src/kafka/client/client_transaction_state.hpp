#pragma once
// The transactional producer's client-side state machine (Kafka's TransactionManager.State).
#include <cstdint>
#include <string_view>

namespace eosim::kafka {

enum class ClientTxnState : std::uint8_t {
    UNINITIALIZED,
    INITIALIZING,
    READY,
    IN_TRANSACTION,
    COMMITTING_TRANSACTION,
    ABORTING_TRANSACTION,
    ABORTABLE_ERROR,
    FATAL_ERROR,
};

std::string_view client_txn_state_name(ClientTxnState state);
// State.isTransitionValid.
bool is_valid_client_transition(ClientTxnState from, ClientTxnState to);

}  // namespace eosim::kafka
