#include "scenario/overrides.hpp"

#include <charconv>

#include <fmt/format.h>

#include "base/strict_json.hpp"
#include "scenario/json_reader.hpp"

namespace eosim::scenario {
namespace {

// RFC 6901 tokens, ~1 and ~0 unescaped; "" is the whole document.
std::vector<std::string> pointer_tokens(const std::string& pointer) {
    std::vector<std::string> tokens;
    if (pointer.empty()) return tokens;
    if (pointer.front() != '/') throw ScenarioError(fmt::format("\"{}\": a JSON pointer starts with '/'", pointer));
    std::size_t start = 1;
    while (true) {
        const std::size_t end = pointer.find('/', start);
        std::string token = pointer.substr(start, end == std::string::npos ? std::string::npos : end - start);
        std::string unescaped;
        for (std::size_t i = 0; i < token.size(); ++i) {
            if (token[i] != '~') { unescaped += token[i]; continue; }
            if (i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
                unescaped += token[i + 1] == '0' ? '~' : '/';
                ++i;
                continue;
            }
            throw ScenarioError(fmt::format("\"{}\": '~' must be followed by 0 or 1", pointer));
        }
        tokens.push_back(std::move(unescaped));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return tokens;
}

bool array_index(const std::string& token, std::size_t& index) {
    if (token.empty() || (token.size() > 1 && token.front() == '0')) return false;
    const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), index);
    return error == std::errc() && end == token.data() + token.size();
}

struct Applier {
    const Override& override_;
    const std::vector<std::string>& tokens;
    const std::string& file;

    [[noreturn]] void fail(const std::string& at, const std::string& message) const {
        throw ScenarioError(fmt::format("{}: --set {}: at {}: {}", file, override_.text(), at.empty() ? "/" : at, message));
    }

    void set(nlohmann::json& node, std::size_t depth, const std::string& at) const {
        const std::string& token = tokens[depth];
        const bool last = depth + 1 == tokens.size();
        if (token == "*") {
            if (!node.is_array() && !node.is_object()) fail(at, "'*' needs an array or object here");
            if (last) fail(at, "'*' cannot be the last token");
            for (auto it = node.begin(); it != node.end(); ++it) {
                const std::string key = node.is_array() ? std::to_string(it - node.begin()) : it.key();
                set(*it, depth + 1, at + "/" + key);
            }
            return;
        }
        if (node.is_null()) node = nlohmann::json::object();  // a missing object on the way
        if (node.is_object()) {
            if (last) {
                if (override_.value.is_null()) node.erase(token);
                else node[token] = override_.value;
                return;
            }
            // Nothing to remove, or no elements for a '*': do not create the way there.
            if (!node.contains(token) && (override_.value.is_null() || tokens[depth + 1] == "*")) return;
            set(node[token], depth + 1, at + "/" + token);
            return;
        }
        if (!node.is_array()) fail(at, fmt::format("expected an object or array, got {}", describe_json_type(node)));
        std::size_t index = 0;
        if (!array_index(token, index) || index >= node.size()) {
            fail(at, fmt::format("no element \"{}\" (the array has {})", token, node.size()));
        }
        if (last && override_.value.is_null()) {
            node.erase(index);
        } else if (last) {
            node[index] = override_.value;
        } else {
            set(node[index], depth + 1, at + "/" + token);
        }
    }
};

}  // namespace

std::string Override::text() const { return pointer + "=" + value.dump(); }

Override parse_override(std::string_view text, std::string_view option) {
    const std::size_t equals = text.find('=');
    if (equals == std::string_view::npos || equals == 0) {
        throw ScenarioError(fmt::format("{} {}: expected POINTER=VALUE, e.g. /producers/0/config/acks=all", option, text));
    }
    Override o;
    o.pointer = std::string(text.substr(0, equals));
    const std::string value(text.substr(equals + 1));
    try {
        o.value = base::parse_strict_json(value);
    } catch (const base::JsonTextError&) {
        o.value = value;  // not JSON: a string
    }
    try {
        (void)pointer_tokens(o.pointer);
    } catch (const ScenarioError& e) {
        throw ScenarioError(fmt::format("{} {}: {}", option, text, e.what()));
    }
    return o;
}

void apply_overrides(nlohmann::json& json, const std::vector<Override>& overrides, const std::string& file) {
    for (const Override& o : overrides) {
        const std::vector<std::string> tokens = pointer_tokens(o.pointer);
        if (tokens.empty()) throw ScenarioError(fmt::format("{}: --set {}: cannot replace the whole scenario", file, o.text()));
        Applier{o, tokens, file}.set(json, 0, "");
    }
}

}  // namespace eosim::scenario
