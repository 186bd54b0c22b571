#pragma once

namespace chatterbox::runtime {

// Sets libtorch's intra-op thread count; 0 means all cores. Debian's libtorch otherwise
// starts with a single thread. Returns the count in effect.
int configure_threads(int requested);

}  // namespace chatterbox::runtime
