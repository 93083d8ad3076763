#include "util/process_info.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>

namespace n4a {

const std::string& CurrentCommandLine() {
  static const std::string cmd = [] {
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::replace(raw.begin(), raw.end(), '\0', ' ');
    while (!raw.empty() && raw.back() == ' ') raw.pop_back();
    return raw;
  }();
  return cmd;
}

std::string HostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return {};
  return buf;
}

}  // namespace n4a
