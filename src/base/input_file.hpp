#pragma once
// Opening an input file the way a user means it: a directory, a missing file and an endless
// device (/dev/zero) each get their own clear error instead of an empty read or a run out of memory.
#include <cstddef>
#include <fstream>
#include <stdexcept>
#include <string>

namespace eosim::base {

// A scenario is a few kilobytes; 16 MiB leaves room for generated ones (100,000 topics is 4 MB).
constexpr std::size_t kMaxScenarioBytes = std::size_t{16} << 20;

class InputFileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Opens path for reading; throws InputFileError ("PATH: is a directory", "PATH: cannot open the
// file") otherwise.
std::ifstream open_input_file(const std::string& path);

// The whole file; throws InputFileError as above and when it is longer than max_bytes.
std::string read_input_file(const std::string& path, std::size_t max_bytes);

}  // namespace eosim::base
