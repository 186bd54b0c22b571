#include <gtest/gtest.h>

#include "engine/runtime/threads.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  chatterbox::runtime::configure_threads(0);
  return RUN_ALL_TESTS();
}
