#include "check/history_check.hpp"

#include <vector>

#include "history/jsonl_reader.hpp"

namespace eosim::check {
namespace {

// Feeds one history to several checkers.
class Fanout final : public history::HistorySink {
public:
    explicit Fanout(std::vector<history::HistorySink*> sinks) : sinks_(std::move(sinks)) {}
    void observe(const history::Operation& op) override {
        for (history::HistorySink* sink : sinks_) sink->observe(op);
    }

private:
    std::vector<history::HistorySink*> sinks_;
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
    FiguresCollector figures(names);
    Fanout all({&delivery, &queue, &figures});
    HistoryCheck out;
    out.file = file;
    out.operations = history::read_jsonl(in, file, names, all);
    out.result = delivery.finish();
    out.anomalies = queue.finish();
    out.figures = figures.finish();
    return out;
}

}  // namespace eosim::check
