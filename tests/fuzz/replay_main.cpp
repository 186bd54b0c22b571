// Without libFuzzer (no clang), runs the fuzz target over the seed corpus and over
// deterministic mutations of it, so the label `fuzz` still exercises the parser.

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  std::mt19937 rng(12345);
  size_t runs = 0;
  for (int i = 1; i < argc; ++i) {
    for (const auto& entry : std::filesystem::directory_iterator(argv[i])) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::vector<uint8_t> seed((std::istreambuf_iterator<char>(in)), {});
      LLVMFuzzerTestOneInput(seed.data(), seed.size());
      for (int m = 0; m < 20000; ++m, ++runs) {
        std::vector<uint8_t> v = seed;
        int edits = 1 + rng() % 4;
        for (int e = 0; e < edits && !v.empty(); ++e) {
          size_t at = rng() % v.size();
          switch (rng() % 3) {
            case 0:
              v[at] = static_cast<uint8_t>(rng());
              break;
            case 1:
              v.resize(at);
              break;
            default:
              v.insert(v.begin() + at, static_cast<uint8_t>(rng()));
              break;
          }
        }
        LLVMFuzzerTestOneInput(v.data(), v.size());
      }
    }
  }
  std::cout << "replayed " << runs << " mutated inputs\n";
  return 0;
}
