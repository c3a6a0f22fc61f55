// A deliberate sanitizer finding, chosen by argv[1], for the exit-code test: "overflow" is
// signed integer overflow (UBSan), "heap" reads past a heap block (ASan), "leak" leaks (LSan).
#include <climits>
#include <cstdio>
#include <cstring>

namespace {
int* volatile kept = nullptr;  // the leaked block's last reference, then dropped
}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) return 3;
    volatile int big = INT_MAX - 1 + argc - 1;  // INT_MAX, not known to the compiler
    if (std::strcmp(argv[1], "overflow") == 0) {
        const volatile int sum = big + 1;
        return sum < 0 ? 4 : 5;
    }
    if (std::strcmp(argv[1], "heap") == 0) {
        int* block = new int[2];
        const int value = block[argc];  // block[2]
        delete[] block;
        return value == 0 ? 4 : 5;
    }
    if (std::strcmp(argv[1], "leak") == 0) {
        kept = new int[64];
        std::printf("leaking %p\n", static_cast<void*>(kept));
        kept = nullptr;
        return 0;
    }
    return 3;
}
