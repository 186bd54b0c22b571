#pragma once
// What the harnesses share: an input cut into sections (files of a checkpoint or voice, then
// text), and a scratch directory of this process where sections become the files that the
// production loaders open by path.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace chatterbox::fuzz {

// Sections separated by NUL bytes; a missing section is empty. At most `count` sections: the
// last one takes the rest of the input, NULs included.
std::vector<std::string> split_sections(const uint8_t* data, size_t size, size_t count);

// A fresh, empty directory under the process's scratch directory (one per process, removed at
// exit; the same path again on every call, emptied first).
const std::string& fresh_scratch_dir();

// Writes `bytes` to `dir`/`name`.
void write_file(const std::string& dir, const std::string& name, const std::string& bytes);

}  // namespace chatterbox::fuzz
