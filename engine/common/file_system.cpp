#include "engine/common/file_system.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "engine/common/error.h"

namespace chatterbox::fs {
namespace {
bool stat_path(const std::string& path, struct stat* st) {
  return ::stat(path.c_str(), st) == 0;
}
}  // namespace

bool exists(const std::string& path) {
  struct stat st {};
  return stat_path(path, &st);
}

bool is_directory(const std::string& path) {
  struct stat st {};
  return stat_path(path, &st) && S_ISDIR(st.st_mode);
}

bool is_regular_file(const std::string& path) {
  struct stat st {};
  return stat_path(path, &st) && S_ISREG(st.st_mode);
}

uint64_t file_size(const std::string& path) {
  struct stat st {};
  if (!stat_path(path, &st)) fail(ErrorCode::kNotFound, "cannot stat " + path);
  return static_cast<uint64_t>(st.st_size);
}

void create_directories(const std::string& path) {
  if (path.empty() || is_directory(path)) return;
  std::string parent = parent_path(path);
  if (!parent.empty() && parent != path) create_directories(parent);
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST)
    fail(ErrorCode::kInvalidArgument,
         "cannot create directory " + path + ": " + std::strerror(errno));
}

std::vector<std::string> list_directory(const std::string& path) {
  DIR* dir = ::opendir(path.c_str());
  if (!dir) fail(ErrorCode::kNotFound, "cannot list directory " + path);
  std::vector<std::string> names;
  while (dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

void remove_all(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return;
  if (S_ISDIR(st.st_mode)) {
    for (const auto& name : list_directory(path)) remove_all(join(path, name));
    ::rmdir(path.c_str());
  } else {
    ::unlink(path.c_str());
  }
}

std::string join(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

std::string file_name(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string parent_path(const std::string& path) {
  auto end = path.find_last_not_of('/');
  if (end == std::string::npos) return "";
  auto slash = path.find_last_of('/', end);
  if (slash == std::string::npos) return "";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string temp_directory() {
  const char* env = std::getenv("TMPDIR");
  return env && *env ? env : "/tmp";
}

std::string make_temp_directory(const std::string& prefix) {
  std::string pattern = join(temp_directory(), prefix + "XXXXXX");
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (!::mkdtemp(buffer.data()))
    fail(ErrorCode::kInternal,
         "cannot create a temporary directory: " + std::string(std::strerror(errno)));
  return buffer.data();
}

}  // namespace chatterbox::fs
