#pragma once
// Writes a history as JSON Lines, one operation per line (format in docs/history-format.md).
#include <ostream>

#include "history/operation.hpp"

namespace eosim::history {

class JsonlWriter final : public HistorySink {
public:
    JsonlWriter(std::ostream& out, const Names& names) : out_(out), names_(names) {}
    void observe(const Operation& op) override;

private:
    std::ostream& out_;
    const Names& names_;
};

}  // namespace eosim::history
