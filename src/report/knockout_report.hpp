#pragma once
// The knock-out matrix as a table (mechanism -> what its absence let through) or JSON.
#include <ostream>

#include <nlohmann/json.hpp>

#include "explore/knockout.hpp"

namespace eosim::report {

void print_knockout_table(std::ostream& out, const explore::KnockoutMatrix& matrix);
nlohmann::ordered_json knockout_json(const explore::KnockoutMatrix& matrix);

}  // namespace eosim::report
