#include "base/strict_json.hpp"

#include <fmt/format.h>

#include <set>
#include <vector>

namespace eosim::base {
namespace {

using nlohmann::json;

// A SAX pass that tracks where it is, so each error names its JSON path. It builds nothing; the
// DOM is parsed afterwards from text known to be clean.
class StrictSax final : public json::json_sax_t {
public:
    explicit StrictSax(std::size_t max_depth) : max_depth_(max_depth) {}

    const std::string& error() const { return error_; }

    bool null() override { return placed(); }
    bool boolean(bool) override { return placed(); }
    bool number_integer(json::number_integer_t) override { return placed(); }
    bool number_unsigned(json::number_unsigned_t) override { return placed(); }
    bool number_float(json::number_float_t, const json::string_t&) override { return placed(); }
    bool string(json::string_t&) override { return placed(); }
    bool binary(json::binary_t&) override { return placed(); }
    bool start_object(std::size_t) override { return open(true); }
    bool start_array(std::size_t) override { return open(false); }
    bool end_object() override { return close(); }
    bool end_array() override { return close(); }

    bool key(json::string_t& name) override {
        Frame& frame = frames_.back();
        frame.key = name;
        if (!frame.keys.insert(name).second) {
            return fail(fmt::format("duplicate key \"{}\" (each key may appear once in an object)", name));
        }
        return true;
    }

    bool parse_error(std::size_t, const std::string& token, const nlohmann::detail::exception& e) override {
        if (e.id == 406) return fail(fmt::format("number {} is out of range", token));
        error_ = e.what();
        return false;
    }

private:
    struct Frame {
        bool object = false;
        std::set<std::string> keys;
        std::string key;
        std::size_t index = 0;
    };

    std::string path() const {
        std::string out;
        for (const Frame& frame : frames_) {
            out += frame.object ? json_pointer_segment(frame.key) : "/" + std::to_string(frame.index);
        }
        return out.empty() ? "/" : out;
    }
    bool fail(const std::string& what) {
        error_ = fmt::format("at {}: {}", path(), what);
        return false;
    }
    // A value is complete: the enclosing array moves to its next index.
    bool placed() {
        if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
        return true;
    }
    bool open(bool object) {
        if (frames_.size() >= max_depth_) {
            return fail(fmt::format("nested deeper than {} levels", max_depth_));
        }
        frames_.push_back(Frame{object, {}, {}, 0});
        return true;
    }
    bool close() {
        frames_.pop_back();
        return placed();
    }

    std::size_t max_depth_;
    std::vector<Frame> frames_;
    std::string error_;
};

}  // namespace

std::string json_pointer_segment(std::string_view key) {
    std::string out = "/";
    for (const char c : key) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

json parse_strict_json(std::string_view text, std::size_t max_depth) {
    if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
        throw JsonTextError(fmt::format("a NUL byte at byte {}: JSON text cannot contain one", nul + 1));
    }
    StrictSax sax(max_depth);
    if (!json::sax_parse(text, &sax)) throw JsonTextError(sax.error());
    return json::parse(text);
}

}  // namespace eosim::base
