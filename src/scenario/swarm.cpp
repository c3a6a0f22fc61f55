#include "scenario/swarm.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "scenario/json_reader.hpp"
#include "sim/prng.hpp"

namespace eosim::scenario {
namespace {

using Json = nlohmann::json;
using Pointer = nlohmann::json::json_pointer;

// ---- JSON pointers with wildcards -------------------------------------------------------------

std::vector<std::string> tokens_of(const std::string& path) {
    std::vector<std::string> tokens;
    std::size_t at = 1;
    while (at <= path.size()) {
        const std::size_t slash = path.find('/', at);
        const std::size_t end = slash == std::string::npos ? path.size() : slash;
        tokens.push_back(path.substr(at, end - at));
        at = end + 1;
    }
    return tokens;
}

std::string join_tokens(const std::vector<std::string>& tokens) {
    std::string path;
    for (const std::string& t : tokens) path += "/" + t;
    return path;
}

bool is_pointer(const Json& operand) {
    if (!operand.is_string()) return false;
    const std::string& text = operand.get_ref<const std::string&>();
    return text.rfind("/", 0) == 0 || text.rfind("#/", 0) == 0;
}

// Replaces the `*` tokens of path, in order, by the bound indices.
std::string bind_stars(const std::string& path, const std::vector<std::string>& stars) {
    std::vector<std::string> tokens = tokens_of(path);
    std::size_t next = 0;
    for (std::string& t : tokens) {
        if (t == "*" && next < stars.size()) t = stars[next++];
    }
    return join_tokens(tokens);
}

struct Binding {
    std::string path;                // concrete
    std::vector<std::string> stars;  // what each `*` stood for
};

// Every concrete path a (wildcard) pointer names in doc. Tokens after the last `*` need not exist.
void expand_from(const Json* node, const std::vector<std::string>& tokens, std::size_t at, Binding current,
                 std::vector<Binding>& out) {
    const bool more_stars = std::find(tokens.begin() + static_cast<std::ptrdiff_t>(at), tokens.end(), "*") != tokens.end();
    if (!more_stars) {
        std::vector<std::string> rest(tokens.begin() + static_cast<std::ptrdiff_t>(at), tokens.end());
        current.path += join_tokens(rest);
        out.push_back(std::move(current));
        return;
    }
    if (node == nullptr) return;
    const std::string& token = tokens[at];
    if (token == "*") {
        const auto visit = [&](const std::string& key, const Json& child) {
            Binding next = current;
            next.path += "/" + key;
            next.stars.push_back(key);
            expand_from(&child, tokens, at + 1, std::move(next), out);
        };
        if (node->is_array()) {
            for (std::size_t i = 0; i < node->size(); ++i) visit(std::to_string(i), (*node)[i]);
        } else if (node->is_object()) {
            for (const auto& [key, child] : node->items()) visit(key, child);
        }
        return;
    }
    const Json* child = nullptr;
    if (node->is_object() && node->contains(token)) child = &(*node)[token];
    if (node->is_array() && !token.empty() && std::all_of(token.begin(), token.end(), ::isdigit) &&
        std::stoul(token) < node->size()) {
        child = &(*node)[std::stoul(token)];
    }
    current.path += "/" + token;
    expand_from(child, tokens, at + 1, std::move(current), out);
}

std::vector<Binding> expand(const Json& doc, const std::string& path) {
    std::vector<Binding> out;
    expand_from(&doc, tokens_of(path), 0, Binding{}, out);
    return out;
}

const Json* find_at(const Json& doc, const std::string& path) {
    try {
        const Pointer pointer(path);
        return doc.contains(pointer) ? &doc.at(pointer) : nullptr;
    } catch (const Json::exception&) {
        return nullptr;
    }
}

// ---- operands and conditions ------------------------------------------------------------------

Json operand_value(const Json& doc, const Json& operand, const std::vector<std::string>& stars) {
    if (!is_pointer(operand)) return operand;
    const std::string& text = operand.get_ref<const std::string&>();
    if (text.rfind("#/", 0) == 0) {
        const Json* found = find_at(doc, bind_stars(text.substr(1), stars));
        return found != nullptr && (found->is_array() || found->is_object()) ? found->size() : 0;
    }
    const Json* found = find_at(doc, bind_stars(text, stars));
    return found == nullptr ? Json() : *found;
}

std::string operand_text(const Json& doc, const Json& operand, const std::vector<std::string>& stars) {
    const std::string value = operand_value(doc, operand, stars).dump();
    if (!is_pointer(operand)) return value;
    const std::string& text = operand.get_ref<const std::string&>();
    const std::string path = text.rfind("#/", 0) == 0 ? "#" + bind_stars(text.substr(1), stars) : bind_stars(text, stars);
    return path + " = " + value;
}

std::string condition_text(const SwarmCondition& c, const Json& doc, const std::vector<std::string>& stars) {
    return fmt::format("{} [{} {} {}]: {}, {}", c.where, c.left.dump(), c.op, c.right.dump(),
                       operand_text(doc, c.left, stars), operand_text(doc, c.right, stars));
}

bool holds(const SwarmCondition& c, const Json& doc, const std::vector<std::string>& stars) {
    const Json left = operand_value(doc, c.left, stars);
    const Json right = operand_value(doc, c.right, stars);
    if (c.op == "==") return left == right;
    if (c.op == "!=") return left != right;
    if (c.op == "in") {
        if (!right.is_array()) throw SwarmDrawError("expected an array on the right of \"in\": " + condition_text(c, doc, stars));
        return std::find(right.begin(), right.end(), left) != right.end();
    }
    if (!left.is_number() || !right.is_number()) {
        throw SwarmDrawError("cannot order non-numbers: " + condition_text(c, doc, stars));
    }
    const double l = left.get<double>();
    const double r = right.get<double>();
    if (c.op == "<") return l < r;
    if (c.op == "<=") return l <= r;
    if (c.op == ">") return l > r;
    return l >= r;
}

// A condition with `*` holds for every binding of its first wildcard pointer.
void check_required(const SwarmCondition& c, const Json& doc) {
    const Json* wild = nullptr;
    for (const Json* side : {&c.left, &c.right}) {
        if (wild == nullptr && is_pointer(*side) && side->get_ref<const std::string&>().find('*') != std::string::npos) wild = side;
    }
    std::vector<std::vector<std::string>> all{{}};
    if (wild != nullptr) {
        std::string text = wild->get<std::string>();
        if (text[0] == '#') text = text.substr(1);
        all.clear();
        for (const Binding& b : expand(doc, text)) all.push_back(b.stars);
    }
    for (const auto& stars : all) {
        if (!holds(c, doc, stars)) throw SwarmDrawError("requirement does not hold: " + condition_text(c, doc, stars));
    }
}

// ---- drawing ----------------------------------------------------------------------------------

std::int64_t integer_operand(const Json& doc, const Json& operand, const std::vector<std::string>& stars,
                             const SwarmChoice& choice) {
    const Json value = operand_value(doc, operand, stars);
    if (!value.is_number_integer()) {
        throw SwarmDrawError(fmt::format("{}: expected an integer bound, got {}", choice.where, operand_text(doc, operand, stars)));
    }
    return value.get<std::int64_t>();
}

std::string substitute_text(std::string text, std::size_t i, std::size_t n) {
    for (const auto& [mark, value] : {std::pair<std::string, std::size_t>{"{i}", i}, {"{n}", n}}) {
        if (value == std::string::npos) continue;
        for (std::size_t at = text.find(mark); at != std::string::npos; at = text.find(mark, at)) {
            text.replace(at, mark.size(), std::to_string(value));
        }
    }
    return text;
}

Json instantiate(const Json& item, std::size_t i, std::size_t n) {
    if (item.is_string()) {
        const std::string& text = item.get_ref<const std::string&>();
        if (text == "{i}") return i;
        if (text == "{n}" && n != std::string::npos) return n;
        return substitute_text(text, i, n);
    }
    Json out = item;
    if (item.is_array()) {
        for (std::size_t k = 0; k < item.size(); ++k) out[k] = instantiate(item[k], i, n);
    } else if (item.is_object()) {
        for (const auto& [key, child] : item.items()) out[key] = instantiate(child, i, n);
    }
    return out;
}

std::string stream_name(const SwarmChoice& choice, const Binding& b) {
    if (choice.stream.empty()) return "swarm" + b.path;
    std::string name = "swarm:" + choice.stream;
    for (const std::string& star : b.stars) name += "/" + star;
    return name;
}

// forced: the index of the value to take (values/merge), or npos to draw.
Json draw_value(const SwarmChoice& choice, const Json& doc, const Binding& b, sim::Prng& prng, std::size_t forced) {
    switch (choice.kind) {
        case SwarmChoice::Kind::values:
        case SwarmChoice::Kind::merge:
            return choice.values[forced != std::string::npos ? forced : prng.below(choice.values.size())];
        case SwarmChoice::Kind::copy: {
            const std::string from = bind_stars(choice.from, b.stars);
            if (from.find('*') != std::string::npos) {  // every match, in order (e.g. all processors' names)
                Json all = Json::array();
                for (const Binding& match : expand(doc, from)) {
                    if (const Json* found = find_at(doc, match.path)) all.push_back(*found);
                }
                return all;
            }
            const Json* found = find_at(doc, from);
            if (found == nullptr) throw SwarmDrawError(fmt::format("{}: nothing to copy at {}", choice.where, bind_stars(choice.from, b.stars)));
            return *found;
        }
        case SwarmChoice::Kind::range:
        case SwarmChoice::Kind::repeat: {
            const std::int64_t low = integer_operand(doc, choice.low, b.stars, choice);
            const std::int64_t high = integer_operand(doc, choice.high, b.stars, choice);
            if (low > high || low < 0) {
                throw SwarmDrawError(fmt::format("{}: empty range [{}, {}] ({}, {})", choice.where, low, high,
                                                 operand_text(doc, choice.low, b.stars), operand_text(doc, choice.high, b.stars)));
            }
            return prng.between(low, high);
        }
    }
    return Json();
}

void apply(const SwarmChoice& choice, Json& doc, const Binding& b, const Json& value) {
    const bool append = b.path.size() >= 2 && b.path.compare(b.path.size() - 2, 2, "/-") == 0;
    const Pointer pointer(append ? b.path.substr(0, b.path.size() - 2) : b.path);
    if (value.is_null() && !append && choice.kind != SwarmChoice::Kind::repeat) {  // null: leave the key out
        if (doc.contains(pointer.parent_pointer()) && doc[pointer.parent_pointer()].is_object()) {
            doc[pointer.parent_pointer()].erase(pointer.back());
        }
        return;
    }
    Json& target = doc[pointer];
    if (choice.kind == SwarmChoice::Kind::merge) {
        if (!target.is_null() && !target.is_object()) throw SwarmDrawError(fmt::format("{}: {} is not an object to merge into", choice.where, b.path));
        target.merge_patch(value);
    } else if (choice.kind == SwarmChoice::Kind::repeat) {
        const auto count = value.get<std::size_t>();
        if (!target.is_null() && !target.is_array()) throw SwarmDrawError(fmt::format("{}: {} is not an array", choice.where, pointer.to_string()));
        if (!append) target = Json::array();
        if (target.is_null()) target = Json::array();
        for (std::size_t i = 0; i < count; ++i) target.push_back(instantiate(choice.item, i, count));
    } else if (append) {
        if (!target.is_null() && !target.is_array()) throw SwarmDrawError(fmt::format("{}: {} is not an array", choice.where, pointer.to_string()));
        if (target.is_null()) target = Json::array();
        const bool spread = choice.kind == SwarmChoice::Kind::copy && choice.from.find('*') != std::string::npos;
        if (spread) {
            for (const Json& v : value) target.push_back(v);  // a wildcard copy appends each match
        } else {
            target.push_back(value);
        }
    } else {
        target = value;
    }
}

}  // namespace

std::string SwarmDrawn::text() const { return path + " = " + value.dump(); }

Json draw_swarm(const SwarmSpec& spec, const Json& source, std::uint64_t seed, std::vector<SwarmDrawn>& drawn,
                std::optional<SwarmForce> force) {
    Json doc = source;
    for (std::size_t k = 0; k < spec.choices.size(); ++k) {
        const SwarmChoice& choice = spec.choices[k];
        const std::size_t forced = force && force->choice == k ? force->value : std::string::npos;
        for (const Binding& b : expand(doc, choice.path)) {
            bool applies = true;
            for (const SwarmCondition& c : choice.when) applies = applies && holds(c, doc, b.stars);
            if (!applies) continue;
            sim::Prng prng = sim::Prng::stream(seed, stream_name(choice, b));
            Json value = draw_value(choice, doc, b, prng, forced);
            if (!b.stars.empty() && choice.kind != SwarmChoice::Kind::repeat && !b.stars.back().empty() &&
                std::all_of(b.stars.back().begin(), b.stars.back().end(), ::isdigit)) {
                value = instantiate(value, std::stoul(b.stars.back()), std::string::npos);  // "{i}": the element's index
            }
            apply(choice, doc, b, value);
            // Copies and fixed counts follow from earlier draws: not listed.
            const bool determined = choice.kind == SwarmChoice::Kind::copy || choice.values.size() == 1 ||
                                    ((choice.kind == SwarmChoice::Kind::repeat || choice.kind == SwarmChoice::Kind::range) &&
                                     choice.low == choice.high);
            if (!determined) drawn.push_back({b.path, value});  // for repeat: the count
        }
    }
    for (const SwarmCondition& c : spec.requires_) check_required(c, doc);
    return doc;
}

}  // namespace eosim::scenario
