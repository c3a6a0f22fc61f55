#include "cli/compare_plot.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "cli/output_file.hpp"
#include "report/compare_report.hpp"

extern char** environ;

namespace eosim::cli {
namespace {

// Runs `gnuplot SCRIPT`, found on PATH; its own messages go to our stderr.
void run_gnuplot(const std::string& script) {
    std::vector<char*> argv{const_cast<char*>("gnuplot"), const_cast<char*>(script.c_str()), nullptr};
    pid_t pid = 0;
    const int spawned = posix_spawnp(&pid, "gnuplot", nullptr, nullptr, argv.data(), environ);
    if (spawned != 0) {
        throw OutputError("--plot: cannot run gnuplot (" + std::string(std::strerror(spawned)) +
                          "); install Debian's gnuplot-nox, or run `gnuplot " + script + "` elsewhere");
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) throw OutputError("--plot: lost track of gnuplot");
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw OutputError("--plot: gnuplot failed on " + script);
}

}  // namespace

void write_compare_plots(const explore::Comparison& comparison, const std::string& dir) {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) throw OutputError("--plot: cannot create " + dir + ": " + error.message());
    OutputFile data(dir + "/compare.dat");
    OutputFile script(dir + "/compare.gp");
    report::write_comparison_plot_script(data.stream(), script.stream(), comparison, dir);
    data.commit();
    script.commit();
    run_gnuplot(dir + "/compare.gp");
}

}  // namespace eosim::cli
