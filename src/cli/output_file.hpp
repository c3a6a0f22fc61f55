#pragma once
// Output files the CLI writes: each goes to a temporary file in its directory and is renamed over
// the target only once complete, so a target is never left half-written. Every write and the
// close are checked. A target that exists and is not a regular file (/dev/stdout, /dev/full, a
// FIFO) is written in place, since it cannot be renamed over.
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace eosim::cli {

// An output that cannot be opened, written or closed.
class OutputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class OutputFile {
public:
    explicit OutputFile(std::string path);  // throws OutputError
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;
    ~OutputFile();  // removes the temporary file unless committed

    std::ostream& stream() { return file_; }
    // Flushes, closes and renames into place; throws OutputError on any failure.
    void commit();

private:
    std::string path_;
    std::string temporary_;  // "" when written in place
    std::ofstream file_;
    bool committed_ = false;
};

// One file named by two options (after resolving ./, .. and symbolic links): the message, else "".
// Each entry is {option, path}; empty paths are skipped.
std::string same_output_error(const std::vector<std::pair<std::string, std::string>>& outputs);

// Flushes standard output and throws OutputError if anything written to it failed.
void check_stdout();

}  // namespace eosim::cli
