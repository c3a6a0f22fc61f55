#pragma once
#include <string_view>
#include <vector>

namespace eosim::kafka {

// The type name of every message, in MessageBody order (what a trace record of one is called).
std::vector<std::string_view> message_type_names();

}  // namespace eosim::kafka
