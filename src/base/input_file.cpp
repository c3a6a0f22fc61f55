#include "base/input_file.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>
#include <vector>

namespace eosim::base {

std::ifstream open_input_file(const std::string& path) {
    std::error_code ec;
    // std::ifstream opens a directory on Linux and then reads nothing: say what it is.
    if (std::filesystem::is_directory(path, ec)) {
        throw InputFileError(fmt::format("{}: is a directory, expected a file", path));
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputFileError(fmt::format("{}: cannot open the file", path));
    return in;
}

std::string read_input_file(const std::string& path, std::size_t max_bytes) {
    std::ifstream in = open_input_file(path);
    std::string text;
    std::vector<char> chunk(64 * 1024);
    while (in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
        if (text.size() > max_bytes) {
            throw InputFileError(fmt::format("{}: larger than the limit of {} bytes ({} MiB) for this input", path,
                                             max_bytes, max_bytes >> 20));
        }
    }
    if (in.bad()) throw InputFileError(fmt::format("{}: read error", path));
    return text;
}

}  // namespace eosim::base
