// Who this process is, for records that other processes read: lock holders,
// in-flight files, run provenance. Thread-safe.
#pragma once

#include <string>

namespace n4a {

// This process's command line, arguments separated by spaces (from
// /proc/self/cmdline; empty where there is none).
const std::string& CurrentCommandLine();

// The machine's host name (gethostname); empty if unknown.
std::string HostName();

}  // namespace n4a
