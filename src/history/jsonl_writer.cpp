#include "history/jsonl_writer.hpp"

#include <nlohmann/json.hpp>

namespace eosim::history {

void JsonlWriter::observe(const Operation& op) {
    nlohmann::ordered_json line;
    line["index"] = op.index;
    line["time_us"] = op.time_us;
    line["process"] = names_.process_name(op.process);
    line["type"] = op_type_name(op.type);
    line["f"] = op_function_name(op.f);
    if (op.group != kNoGroup) line["group"] = names_.group_name(op.group);
    if (op.read_committed) line["read_committed"] = true;
    if (op.subscribe) line["subscribe"] = true;
    if (op.processor) line["processor"] = true;
    nlohmann::ordered_json values = nlohmann::ordered_json::array();
    for (const Element& e : op.elements) {
        nlohmann::ordered_json element;
        element["key"] = names_.key_name(e.key);
        if (e.offset != kUnknownOffset) element["offset"] = e.offset;
        if (op.f != OpFunction::commit && op.f != OpFunction::assign) element["value"] = e.value;
        if (e.source != kNoSource) element["source"] = e.source;
        if (e.read) element["op"] = "poll";
        values.push_back(std::move(element));
    }
    line["values"] = std::move(values);
    if (!op.error.empty()) line["error"] = op.error;
    if (op.acked_us != kNoTime) line["acked_us"] = op.acked_us;
    out_ << line.dump() << '\n';
}

}  // namespace eosim::history
