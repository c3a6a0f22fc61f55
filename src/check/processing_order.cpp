// Order through a pipeline: Kafka's transactions_test with one partition checks that the copied
// output equals the input in order, and TransactionsBounceTest that each output partition is
// sorted; in both, one input partition feeds one output partition. Generally: the committed
// outputs of one input key that land on one output key sit in the inputs' order.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "check/checker_text.hpp"
#include "check/delivery_checker.hpp"

namespace eosim::check {

void DeliveryChecker::processing_order(CheckResult& result) const {
    struct Copy {
        std::int64_t output_offset;
        std::int64_t input_offset;
        std::uint64_t input;
        std::uint64_t output;
    };
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<Copy>> streams;  // (input key, output key)
    for (const std::uint64_t input : owed_inputs()) {
        const ValueState& in = values_.at(input);
        if (in.ack_offset == history::kUnknownOffset) continue;
        for (const std::uint64_t output : committed_outputs(input)) {
            const ValueState& out = values_.at(output);
            const std::int64_t offset =
                out.ack_offset != history::kUnknownOffset ? out.ack_offset : out.first_delivered_offset;
            if (offset == history::kUnknownOffset) continue;
            streams[{in.key, out.key}].push_back(Copy{offset, in.ack_offset, input, output});
        }
    }
    Verdict verdict;
    for (auto& [stream, copies] : streams) {
        std::sort(copies.begin(), copies.end(),
                  [](const Copy& a, const Copy& b) { return a.output_offset < b.output_offset; });
        for (std::size_t i = 1; i < copies.size(); ++i) {
            const Copy& before = copies[i - 1];
            const Copy& after = copies[i];
            if (after.input_offset > before.input_offset) continue;
            add_violation(verdict, fmt::format("{} -> {}: input {} (offset {}) was copied to offset {} after input {} "
                                               "(offset {}) at offset {}",
                                               names_.key_name(stream.first), names_.key_name(stream.second),
                                               after.input, after.input_offset, after.output_offset, before.input,
                                               before.input_offset, before.output_offset));
        }
    }
    result.verdicts[VerdictName::processing_order] = std::move(verdict);
}

}  // namespace eosim::check
