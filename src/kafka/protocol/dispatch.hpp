#pragma once
// One exhaustive dispatch per node (as KafkaApis.handle matches every ApiKeys value): a node
// std::visits its MessageBody with Overloaded{...}, one case per message it handles, naming the
// handler, and one `const OneOf<...> auto&` case listing the messages that are not for it (which
// end the run: receiving one is a bug elsewhere). A message type in neither list has no matching
// overload, so adding one to MessageBody without deciding where it goes is a compile error, not
// a fall-through at run time.
#include <concepts>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>

#include "base/assert.hpp"
#include "kafka/protocol/messages.hpp"

namespace eosim::kafka {

template <typename... Handlers>
struct Overloaded : Handlers... {
    using Handlers::operator()...;
};
template <typename... Handlers>
Overloaded(Handlers...) -> Overloaded<Handlers...>;

// T is one of Types (for a constrained `const OneOf<A, B> auto&` case).
template <typename T, typename... Types>
concept OneOf = (std::same_as<std::remove_cvref_t<T>, Types> || ...);

// A message listed as not for this node arrived: some node sent it to the wrong place.
[[noreturn]] inline void not_for_this_node(std::string_view node, const KafkaMessage& message) {
    EOSIM_UNREACHABLE(fmt::format("{} received {}, which is not for it", node, message.type_name()));
}

}  // namespace eosim::kafka
