#pragma once
// A sweep's progress on a terminal: seeds done, failing, seeds per second and the time left,
// redrawn on one stderr line twice a second while the sweep runs, erased when it ends. Nothing
// is printed when stderr is not a terminal (CI logs, pipes). Wall-clock time is read here only
// for this display: it never reaches a simulation or a report.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "explore/sweep.hpp"

namespace eosim::cli {

class ProgressLine {
public:
    ProgressLine(const explore::SweepProgress& progress, std::uint64_t total);
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;
    ~ProgressLine();  // stops the display and erases the line

private:
    void draw(double elapsed_s) const;

    const explore::SweepProgress& progress_;
    std::uint64_t total_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;  // not started when stderr is not a terminal
};

}  // namespace eosim::cli
