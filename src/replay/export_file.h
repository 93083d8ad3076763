// Writing export files (include/n4a/replay.h "Exports").
#pragma once

#include <string>
#include <string_view>

#include "n4a/status.h"

namespace n4a::replay {

// Publishes `data` at `path` atomically. IOError naming the path when its
// folder does not exist or cannot be written.
Status write_export(const std::string& path, std::string_view data);

}  // namespace n4a::replay
