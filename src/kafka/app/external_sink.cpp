#include "kafka/app/external_sink.hpp"

#include "sim/simulation.hpp"

namespace eosim::kafka {

void ExternalSink::on_start() {
    process_ = recorder_.new_process(name());
    pending_.clear();
}

void ExternalSink::on_message(const sim::Envelope& envelope) {
    const auto* write = dynamic_cast<const SinkWrite*>(envelope.payload);
    if (write == nullptr) return;
    const std::uint64_t tag = next_tag_++;
    pending_[tag] = Pending{envelope.connection, write->key, write->request_id, write->group};
    sim().set_timer(id(), config_.latency_us, tag);
}

void ExternalSink::on_timer(std::uint64_t tag) {
    const auto found = pending_.find(tag);
    if (found == pending_.end()) return;
    const Pending write = found->second;
    pending_.erase(found);
    const bool duplicate = config_.idempotent && applied_keys_.count({write.group, write.key}) > 0;
    if (!duplicate) {
        applied_keys_.insert({write.group, write.key});
        // The side effect happens here, whatever becomes of the caller's transaction.
        const std::uint32_t group = write.group.empty() ? history::kNoGroup : recorder_.names().group(write.group);
        recorder_.instant(sim().now(), process_, history::OpFunction::effect, group,
                          {history::Element{recorder_.names().key(name()), history::kUnknownOffset, write.key,
                                           history::kNoSource}});
    }
    sim().send(id(), write.connection, std::make_unique<SinkAck>(write.request_id, duplicate));
}

}  // namespace eosim::kafka
