#pragma once
// `eosim saturate`'s report: each load step and the saturation throughput, as a table or JSON.
#include <ostream>
#include <string>

#include "explore/saturation.hpp"

namespace eosim::report {

void write_saturation(std::ostream& out, const explore::SaturationSearch& search, const std::string& format);

}  // namespace eosim::report
