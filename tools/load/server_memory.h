#pragma once
// The resident memory of the server under load: VmRSS of /proc/<pid>/status when the server runs
// on this machine, else process_resident_memory_bytes from its GET /metrics.

#include <cstdint>
#include <string>

namespace chatterbox::load {

// Bytes, or -1 when the process or the field is not there.
int64_t resident_bytes_of_pid(int pid);
// Bytes from a Prometheus text exposition, or -1 when it holds no such sample.
int64_t resident_bytes_in_metrics(const std::string& exposition);

}  // namespace chatterbox::load
