#include "cli/progress_line.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <unistd.h>

namespace eosim::cli {
namespace {

std::string duration_text(double seconds) {
    const auto s = static_cast<std::uint64_t>(seconds);
    if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, s / 60 % 60);
    if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
    return fmt::format("{}s", s);
}

}  // namespace

ProgressLine::ProgressLine(const explore::SweepProgress& progress, std::uint64_t total)
    : progress_(progress), total_(total) {
    if (isatty(STDERR_FILENO) == 0) return;
    thread_ = std::thread([this] {
        const auto start = std::chrono::steady_clock::now();
        std::unique_lock<std::mutex> lock(mutex_);
        while (!wake_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stop_; })) {
            draw(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        }
    });
}

ProgressLine::~ProgressLine() {
    if (!thread_.joinable()) return;
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
    std::fputs("\r\033[K", stderr);  // erase the line: the report follows on stdout
    std::fflush(stderr);
}

void ProgressLine::draw(double elapsed_s) const {
    const std::uint64_t done = progress_.done.load();
    const std::uint64_t failing = progress_.failing.load();
    const double rate = elapsed_s > 0 ? static_cast<double>(done) / elapsed_s : 0;
    const std::string eta = rate > 0 ? duration_text(static_cast<double>(total_ - done) / rate) : "?";
    const std::string line = fmt::format("\r\033[Kseeds {}/{}  failing {}  {:.1f} seeds/s  ETA {}", done, total_,
                                         failing, rate, eta);
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
}

}  // namespace eosim::cli
