#include "kafka/client/producer_config.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

namespace eosim::kafka {
namespace {

// A conflict with idempotence: an error if idempotence was asked for, else it is switched off.
bool conflict(ProducerConfig& config, bool violated, const char* message,
              std::vector<std::string>& notes, std::string& error) {
    if (!violated || !config.enable_idempotence) return false;
    if (config.idempotence_set) {
        error = message;
        return true;
    }
    config.enable_idempotence = false;
    notes.push_back(fmt::format("enable.idempotence defaulted to true but was disabled: {}",
                                message));
    return false;
}

}  // namespace

std::string resolve_producer_config(ProducerConfig& config, std::vector<std::string>& notes) {
    std::string error;
    if (config.transactional_id.has_value()) {
        if (!config.enable_idempotence && config.idempotence_set) {
            return "Cannot set a transactional.id without also enabling idempotence.";
        }
        config.idempotence_set = true;  // conflicts are now errors, as in Kafka
    }
    if (conflict(config, config.max_in_flight_requests_per_connection > 5,
                 "Must set max.in.flight.requests.per.connection to at most 5 when using the "
                 "idempotent producer.",
                 notes, error) ||
        conflict(config, config.retries == 0,
                 "Must set retries to non-zero when using the idempotent producer.", notes,
                 error) ||
        conflict(config, config.acks != -1,
                 "Must set acks to all in order to use the idempotent producer. Otherwise we "
                 "cannot guarantee idempotence.",
                 notes, error)) {
        return error;
    }
    // KafkaProducer.configureDeliveryTimeout: the sum in 64 bits, clamped to Integer.MAX_VALUE.
    const std::int64_t minimum = std::min<std::int64_t>(std::int64_t{config.linger_ms} + config.request_timeout_ms,
                                                        std::numeric_limits<std::int32_t>::max());
    if (config.delivery_timeout_ms < minimum) {
        if (config.delivery_timeout_set) {
            return "delivery.timeout.ms should be equal to or larger than linger.ms + "
                   "request.timeout.ms";
        }
        config.delivery_timeout_ms = static_cast<std::int32_t>(minimum);
        notes.push_back(fmt::format("delivery.timeout.ms raised to linger.ms + "
                                    "request.timeout.ms = {}", minimum));
    }
    return "";
}

}  // namespace eosim::kafka
