#include "cli/output_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <unistd.h>

namespace eosim::cli {
namespace {

std::string reason() { return errno != 0 ? std::strerror(errno) : "I/O error"; }

bool is_special(const std::string& path) {
    std::error_code ec;
    const std::filesystem::file_status status = std::filesystem::status(path, ec);
    return !ec && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status);
}

std::string temporary_for(const std::string& path) {
    const std::filesystem::path target(path);
    const std::string name = fmt::format(".{}.tmp.{}", target.filename().string(), ::getpid());
    return (target.parent_path() / name).string();
}

}  // namespace

OutputFile::OutputFile(std::string path) : path_(std::move(path)) {
    if (!is_special(path_)) temporary_ = temporary_for(path_);
    const std::string& open_path = temporary_.empty() ? path_ : temporary_;
    errno = 0;
    file_.open(open_path, std::ios::binary | std::ios::trunc);
    if (!file_) throw OutputError(fmt::format("{}: cannot open for writing: {}", path_, reason()));
}

OutputFile::~OutputFile() {
    if (committed_ || temporary_.empty()) return;
    file_.close();
    std::error_code ignored;
    std::filesystem::remove(temporary_, ignored);
}

void OutputFile::commit() {
    errno = 0;
    file_.flush();
    const bool written = !file_.fail();
    file_.close();
    if (!written || file_.fail()) throw OutputError(fmt::format("{}: write failed: {}", path_, reason()));
    if (!temporary_.empty()) {
        std::error_code ec;
        std::filesystem::rename(temporary_, path_, ec);
        if (ec) throw OutputError(fmt::format("{}: cannot replace: {}", path_, ec.message()));
    }
    committed_ = true;
}

std::string same_output_error(const std::vector<std::pair<std::string, std::string>>& outputs) {
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        for (std::size_t j = i + 1; j < outputs.size(); ++j) {
            if (outputs[i].second.empty() || outputs[j].second.empty()) continue;
            std::error_code ec_i;
            std::error_code ec_j;
            const auto a = std::filesystem::weakly_canonical(outputs[i].second, ec_i);
            const auto b = std::filesystem::weakly_canonical(outputs[j].second, ec_j);
            if (outputs[i].second == outputs[j].second || (!ec_i && !ec_j && a == b)) {
                return fmt::format("{} and {} name the same file \"{}\": give each its own", outputs[i].first,
                                   outputs[j].first, outputs[j].second);
            }
        }
    }
    return "";
}

void check_stdout() {
    errno = 0;
    std::cout.flush();  // synchronised with stdio: fmt::print's and std::cout's output both end here
    const bool failed = std::cout.fail() || std::fflush(stdout) != 0 || std::ferror(stdout) != 0;
    if (failed) throw OutputError(fmt::format("standard output: write failed: {}", reason()));
}

}  // namespace eosim::cli
