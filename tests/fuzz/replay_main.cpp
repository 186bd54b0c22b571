// Without libFuzzer (the ordinary gcc build): runs a fuzz target over its seed corpus and over
// deterministic mutations of each seed, so that CI's label `fuzz` exercises every harness.
// Usage: <target>_fuzz_replay [-mutations=N] CORPUS_DIR...  (N per seed, default 1000).
// A crash or an exception escaping the harness ends the process abnormally (std::terminate).

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

// One to four byte edits: overwrite, truncate, insert, or a NUL (the harnesses' separator).
std::vector<uint8_t> mutate(std::vector<uint8_t> v, std::mt19937& rng) {
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits && !v.empty(); ++e) {
    const size_t at = rng() % v.size();
    switch (rng() % 4) {
      case 0:
        v[at] = static_cast<uint8_t>(rng());
        break;
      case 1:
        v.resize(at);
        break;
      case 2:
        v.insert(v.begin() + static_cast<std::ptrdiff_t>(at), static_cast<uint8_t>(rng()));
        break;
      default:
        v[at] = 0;
        break;
    }
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  std::mt19937 rng(12345);
  long mutations = 1000;
  size_t runs = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "-mutations=", 11) == 0) {
      mutations = std::stol(argv[i] + 11);
      continue;
    }
    for (const auto& entry : std::filesystem::directory_iterator(argv[i])) {
      std::ifstream in(entry.path(), std::ios::binary);
      const std::vector<uint8_t> seed((std::istreambuf_iterator<char>(in)), {});
      LLVMFuzzerTestOneInput(seed.data(), seed.size());
      ++runs;
      for (long m = 0; m < mutations; ++m, ++runs) {
        const std::vector<uint8_t> v = mutate(seed, rng);
        LLVMFuzzerTestOneInput(v.data(), v.size());
      }
    }
  }
  if (runs == 0) {
    std::cerr << "no corpus input found\n";
    return 1;
  }
  std::cout << "replayed " << runs << " inputs\n";
  return 0;
}
