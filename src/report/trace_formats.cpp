#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "report/trace_export.hpp"

namespace eosim::report {
namespace {

std::string fields_text(const TraceEvent& event) {
    std::string text;
    for (const TraceField& field : event.fields) fmt::format_to(std::back_inserter(text), " {}={}", field.name, field.text);
    return text;
}

nlohmann::ordered_json field_value(const TraceField& field) {
    if (field.is_number) return field.number;
    return field.text;
}

bool is_message(const TraceEvent& event) {
    return event.kind == TraceEventKind::send || event.kind == TraceEventKind::deliver ||
           event.kind == TraceEventKind::drop;
}

// Perfetto: args as an object; a name that repeats (one per partition) becomes an array.
nlohmann::ordered_json perfetto_args(const TraceEvent& event) {
    nlohmann::ordered_json args = nlohmann::ordered_json::object();
    std::map<std::string, int> count;
    for (const TraceField& field : event.fields) ++count[field.name];
    for (const TraceField& field : event.fields) {
        if (count[field.name] == 1) {
            args[field.name] = field_value(field);
        } else {
            args[field.name].push_back(field_value(field));
        }
    }
    if (event.message != 0) args["message"] = event.message;
    return args;
}

const TraceField* find_field(const TraceEvent& event, std::string_view name) {
    for (const TraceField& field : event.fields) {
        if (field.name == name) return &field;
    }
    return nullptr;
}

constexpr int kSendThread = 1;
constexpr int kReceiveThread = 2;
constexpr int kStateThread = 3;

// Writes the events of one trace as a JSON array, one event per line.
class PerfettoWriter {
public:
    PerfettoWriter(std::ostream& out, const std::vector<TraceEvent>& events) : out_(out) {
        for (const TraceEvent& event : events) {
            if (event.kind == TraceEventKind::send) sent_.insert(event.message);
            if (event.kind == TraceEventKind::deliver || event.kind == TraceEventKind::drop) arrived_.insert(event.message);
        }
    }
    void write(const TraceEvent& event) {
        const int pid = process(event.node);
        if (event.peer.size() > 0) process(event.peer);
        switch (event.kind) {
            case TraceEventKind::send: return write_message(event, pid, kSendThread, event.type, "s");
            case TraceEventKind::deliver: return write_message(event, pid, kReceiveThread, event.type, "f");
            case TraceEventKind::drop: return write_message(event, pid, kReceiveThread, "dropped " + event.type, "f");
            case TraceEventKind::fault: return write_fault(event, pid);
            case TraceEventKind::state:
            case TraceEventKind::node: return write_instant(event, pid);
        }
    }

private:
    int process(const std::string& node) {
        const auto [it, added] = pids_.emplace(node, static_cast<int>(pids_.size()) + 1);
        if (added) {
            emit({{"ph", "M"}, {"name", "process_name"}, {"pid", it->second}, {"tid", 0}, {"ts", 0},
                  {"args", {{"name", node}}}});
            const std::pair<int, const char*> threads[] = {{kSendThread, "send"}, {kReceiveThread, "receive"},
                                                           {kStateThread, "state"}};
            for (const auto& [tid, name] : threads) {
                emit({{"ph", "M"}, {"name", "thread_name"}, {"pid", it->second}, {"tid", tid}, {"ts", 0},
                      {"args", {{"name", name}}}});
            }
        }
        return it->second;
    }
    void write_message(const TraceEvent& event, int pid, int tid, const std::string& name, const char* flow) {
        emit({{"ph", "X"}, {"name", name}, {"cat", std::string(trace_event_kind_name(event.kind))}, {"pid", pid},
              {"tid", tid}, {"ts", event.time_us}, {"dur", 1}, {"args", perfetto_args(event)}});
        // A flow joins the send to its delivery when both are in the trace.
        if (sent_.count(event.message) == 0 || arrived_.count(event.message) == 0) return;
        nlohmann::ordered_json f = {{"ph", flow}, {"name", event.type}, {"cat", "message"}, {"id", event.message},
                                    {"pid", pid}, {"tid", tid}, {"ts", event.time_us}};
        if (flow[0] == 'f') f["bp"] = "e";
        emit(f);
    }
    void write_fault(const TraceEvent& event, int pid) {
        const TraceField* number = find_field(event, "fault");
        const TraceField* kind = find_field(event, "kind");
        const bool starts = event.type == "fault.start";
        if (number == nullptr || kind == nullptr || (!starts && event.type != "fault.end")) {
            return write_instant(event, pid);
        }
        if (!starts && open_faults_.erase(number->number) == 0) return;  // began before the window
        if (starts) open_faults_.insert(number->number);
        emit({{"ph", starts ? "b" : "e"}, {"name", "fault " + kind->text}, {"cat", "fault"}, {"id", number->number},
              {"pid", pid}, {"tid", kStateThread}, {"ts", event.time_us}, {"args", perfetto_args(event)}});
    }
    void write_instant(const TraceEvent& event, int pid) {
        emit({{"ph", "i"}, {"s", "t"}, {"name", event.type}, {"cat", std::string(trace_event_kind_name(event.kind))},
              {"pid", pid}, {"tid", kStateThread}, {"ts", event.time_us}, {"args", perfetto_args(event)}});
    }
    void emit(const nlohmann::ordered_json& event) {
        out_ << (first_ ? "\n" : ",\n") << event.dump();
        first_ = false;
    }

    std::ostream& out_;
    std::map<std::string, int> pids_;
    std::set<std::uint64_t> sent_;
    std::set<std::uint64_t> arrived_;
    std::set<std::int64_t> open_faults_;
    bool first_ = true;
};

constexpr std::size_t kMermaidTextMax = 160;

}  // namespace

void write_trace_text(std::ostream& out, const std::vector<TraceEvent>& events) {
    std::string line;
    for (const TraceEvent& event : events) {
        line.clear();
        fmt::format_to(std::back_inserter(line), "{:>12}ms {:<7} {}", sim::format_time_ms(event.time_us),
                       trace_event_kind_name(event.kind), event.node);
        if (!event.peer.empty()) {
            fmt::format_to(std::back_inserter(line), " {} {}", event.kind == TraceEventKind::send ? "->" : "<-", event.peer);
        }
        fmt::format_to(std::back_inserter(line), " {}{}", event.type, fields_text(event));
        if (event.message != 0) fmt::format_to(std::back_inserter(line), " message={}", event.message);
        out << line << '\n';
    }
}

void write_trace_jsonl(std::ostream& out, const std::vector<TraceEvent>& events) {
    for (const TraceEvent& event : events) {
        nlohmann::ordered_json j = {{"time_us", event.time_us}, {"kind", std::string(trace_event_kind_name(event.kind))},
                                    {"node", event.node}, {"peer", event.peer}, {"type", event.type}};
        nlohmann::ordered_json fields = nlohmann::ordered_json::array();
        for (const TraceField& field : event.fields) fields.push_back({field.name, field_value(field)});
        j["fields"] = std::move(fields);
        if (is_message(event)) {
            j["message"] = event.message;
            j["sent_us"] = event.sent_us;
        }
        out << j.dump() << '\n';
    }
}

void write_trace_perfetto(std::ostream& out, const std::vector<TraceEvent>& events, const TraceHeader& header) {
    out << "{\"displayTimeUnit\":\"ms\",\"otherData\":"
        << nlohmann::ordered_json{{"scenario", header.scenario}, {"seed", header.seed},
                                  {"trace_hash", fmt::format("{:016x}", header.trace_hash)}}.dump()
        << ",\"traceEvents\":[";
    PerfettoWriter writer(out, events);
    for (const TraceEvent& event : events) writer.write(event);
    out << "\n]}\n";
}

std::string mermaid_text(const std::string& text) {
    std::string clean;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool word_start = i == 0 || text[i - 1] == ' ';
        if (word_start && text.compare(i, 3, "end") == 0 && (i + 3 == text.size() || text[i + 3] == ' ')) {
            clean += "End";  // a bare "end" closes a block in Mermaid's grammar
            i += 2;
            continue;
        }
        switch (c) {
            case ';': clean += ','; break;   // a statement separator
            case '#': clean += "no."; break; // starts an entity code
            case '<': clean += '('; break;   // HTML
            case '>': clean += ')'; break;
            case '\n': clean += ' '; break;
            default: clean += c;
        }
    }
    if (clean.size() > kMermaidTextMax) clean = clean.substr(0, kMermaidTextMax - 3) + "...";
    return clean;
}

void write_trace_mermaid(std::ostream& out, const std::vector<TraceEvent>& events, const TraceHeader& header) {
    std::map<std::string, std::string> alias;
    std::vector<std::string> participants;  // in order of first appearance
    auto participant = [&](const std::string& node) -> const std::string& {
        const auto [it, added] = alias.emplace(node, fmt::format("n{}", alias.size()));
        if (added) participants.push_back(fmt::format("    participant {} as {}", it->second, node));
        return it->second;
    };
    std::vector<std::string> body;
    for (const TraceEvent& event : events) {
        if (event.kind == TraceEventKind::send) continue;  // drawn at its delivery
        const std::string& to = participant(event.node);
        if (event.kind == TraceEventKind::deliver || event.kind == TraceEventKind::drop) {
            const std::string& from = participant(event.peer);
            const std::string text = fmt::format("{}{}{} ({}..{} ms)", event.kind == TraceEventKind::drop ? "dropped " : "",
                                                 event.type, fields_text(event), sim::format_time_ms(event.sent_us),
                                                 sim::format_time_ms(event.time_us));
            body.push_back(fmt::format("    {}{}{}: {}", from, event.kind == TraceEventKind::drop ? "-x" : "->>", to,
                                       mermaid_text(text)));
            continue;
        }
        const std::string over = event.peer.empty() ? to : to + "," + participant(event.peer);
        body.push_back(fmt::format("    Note over {}: {}", over,
                                   mermaid_text(fmt::format("{} ms {}{}", sim::format_time_ms(event.time_us),
                                                            event.type, fields_text(event)))));
    }
    out << "%% eosim trace " << header.scenario << " seed " << header.seed << " trace_hash "
        << fmt::format("{:016x}", header.trace_hash) << '\n'
        << "sequenceDiagram\n";
    for (const std::string& line : participants) out << line << '\n';
    for (const std::string& line : body) out << line << '\n';
}

}  // namespace eosim::report
