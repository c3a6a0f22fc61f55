#include "check/history_check.hpp"

#include "history/jsonl_reader.hpp"

namespace eosim::check {
namespace {

// Feeds one history to several checkers.
class Fanout final : public history::HistorySink {
public:
    Fanout(history::HistorySink& a, history::HistorySink& b) : a_(a), b_(b) {}
    void observe(const history::Operation& op) override {
        a_.observe(op);
        b_.observe(op);
    }

private:
    history::HistorySink& a_;
    history::HistorySink& b_;
};

}  // namespace

bool HistoryCheck::valid() const {
    for (const auto& [name, verdict] : result.verdicts) {
        if (!verdict.holds) return false;
    }
    return anomalies.valid();
}

HistoryCheck check_history(std::istream& in, const std::string& file) {
    history::Names names;
    DeliveryChecker delivery(names);
    QueueAnomalyChecker queue(names);
    Fanout both(delivery, queue);
    HistoryCheck out;
    out.file = file;
    out.operations = history::read_jsonl(in, file, names, both);
    out.result = delivery.finish();
    out.anomalies = queue.finish();
    return out;
}

}  // namespace eosim::check
