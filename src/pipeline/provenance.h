// Run provenance: who started a run, where, with which code. Recorded in
// runs.provenance (docs/formats/catalog.md, schema v3).
// Thread-safe (reads process state, runs `git` as a child process).
#pragma once

#include <string>
#include <vector>

#include "n4a/records.h"

namespace n4a::pipeline {

// {"user", "host", "n4a_version", "command_line": [args...], "cwd", "pid"}
// plus "git": {"root", "commit", "dirty"} when the current directory lies in
// a git work tree. Git runs quietly (no output, no optional locks); without
// git or outside a repository the "git" key is absent, never an error. In a
// repository without commits "commit" is absent; "dirty" means tracked files
// differ from HEAD (untracked files do not count).
Json collect_provenance(const std::vector<std::string>& command_line);

}  // namespace n4a::pipeline
