#include <gtest/gtest.h>

#include <cstdlib>

#include "engine/runtime/precision.h"
#include "engine/runtime/threads.h"

// ctest runs test processes side by side (-j), so each uses one intra-op thread unless
// CHATTERBOX_TEST_THREADS says otherwise (0: all cores).
int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const char* threads = std::getenv("CHATTERBOX_TEST_THREADS");
  chatterbox::runtime::configure_threads(threads && *threads ? std::atoi(threads) : 1);
  chatterbox::runtime::set_allow_tf32(false);  // parity is checked in exact float32
  chatterbox::runtime::set_deterministic_kernels(true);
  return RUN_ALL_TESTS();
}
