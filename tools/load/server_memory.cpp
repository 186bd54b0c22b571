#include "tools/load/server_memory.h"

#include <fstream>
#include <sstream>

namespace chatterbox::load {

int64_t resident_bytes_of_pid(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) != 0) continue;
    std::istringstream fields(line.substr(6));
    int64_t kib = -1;
    fields >> kib;
    return kib < 0 ? -1 : kib * 1024;
  }
  return -1;
}

int64_t resident_bytes_in_metrics(const std::string& exposition) {
  const std::string name = "process_resident_memory_bytes ";
  std::istringstream lines(exposition);
  std::string line;
  while (std::getline(lines, line))
    if (line.rfind(name, 0) == 0) return static_cast<int64_t>(std::stod(line.substr(name.size())));
  return -1;
}

}  // namespace chatterbox::load
