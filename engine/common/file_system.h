#pragma once
// The few file-system operations the engine needs, on POSIX calls. std::filesystem is avoided on
// purpose: with PyTorch's prebuilt libtorch, its symbols can bind to an incompatible copy and
// crash (seen with PyTorch 2.11 wheels).

#include <cstdint>
#include <string>
#include <vector>

namespace chatterbox::fs {

bool exists(const std::string& path);
bool is_directory(const std::string& path);
bool is_regular_file(const std::string& path);
uint64_t file_size(const std::string& path);  // throws kNotFound

// Creates `path` and its missing parents; throws kInvalidArgument if that fails.
void create_directories(const std::string& path);
// Names (not paths) of the entries of a directory, sorted; throws kNotFound.
std::vector<std::string> list_directory(const std::string& path);
// Removes a file or a whole tree; no error if absent.
void remove_all(const std::string& path);
// Joins with a single '/'.
std::string join(const std::string& dir, const std::string& name);
std::string file_name(const std::string& path);
std::string parent_path(const std::string& path);
// $TMPDIR or /tmp.
std::string temp_directory();
// A new, empty directory under temp_directory() whose name starts with `prefix`.
std::string make_temp_directory(const std::string& prefix);

}  // namespace chatterbox::fs
