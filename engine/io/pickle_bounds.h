#pragma once
// A bounds check of a pickle stream before libtorch's unpickler reads it. The unpickler trusts
// the stream's numbers: a memo index sizes its memo table (a LONG_BINPUT of 1.26e9 asked for
// 20 GB) and a length prefix sizes a string before the bytes are known to exist. This walk
// reads every opcode's argument and refuses an index or a length the stream cannot hold.

#include <cstddef>
#include <string>

namespace chatterbox::io {

// Throws chatterbox::Error (kCorruptData) naming `what` when an opcode is unknown, an argument
// runs past the end, a length exceeds the bytes left, or a memo index exceeds what a stream of
// this size can have written (a pickler numbers its memo entries from 0, one per put).
void check_pickle_bounds(const char* data, size_t size, const std::string& what);

}  // namespace chatterbox::io
