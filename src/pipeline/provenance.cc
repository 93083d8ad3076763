#include "pipeline/provenance.h"

#include <fcntl.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "util/process_info.h"

extern char** environ;

namespace n4a::pipeline {
namespace {

// Runs `git args...` with stdin and stderr on /dev/null; its stdout when it
// exits 0, nullopt when it cannot start or fails.
std::optional<std::string> run_git(const std::vector<std::string>& args) {
  std::vector<std::string> argv_text{"git"};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  // No optional locks: `git status` would otherwise refresh the index and
  // could collide with the user's own git commands.
  std::vector<std::string> env_text{"GIT_OPTIONAL_LOCKS=0", "GIT_TERMINAL_PROMPT=0"};
  std::vector<char*> envp;
  for (std::string& e : env_text) envp.push_back(e.data());
  for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
  envp.push_back(nullptr);

  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return std::nullopt;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  int spawned = posix_spawnp(&pid, "git", &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  std::string text;
  if (spawned == 0) {
    char buf[4096];
    ssize_t n = 0;
    while ((n = read(out[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
      if (n > 0) text.append(buf, static_cast<size_t>(n));
    }
  }
  close(out[0]);
  if (spawned != 0) return std::nullopt;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

std::optional<Json> git_state(const std::string& dir) {
  auto root = run_git({"-C", dir, "rev-parse", "--show-toplevel"});
  if (!root) return std::nullopt;
  Json git = {{"root", *root}};
  if (auto commit = run_git({"-C", dir, "rev-parse", "--verify", "--quiet", "HEAD"})) {
    git["commit"] = *commit;
  }
  if (auto changes = run_git({"-C", dir, "status", "--porcelain", "--untracked-files=no"})) {
    git["dirty"] = !changes->empty();
  }
  return git;
}

std::string user_name() {
  if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') return user;
  if (const passwd* pw = getpwuid(geteuid()); pw != nullptr) return pw->pw_name;
  return std::to_string(geteuid());
}

}  // namespace

Json collect_provenance(const std::vector<std::string>& command_line) {
  std::error_code ec;
  const std::string cwd = std::filesystem::current_path(ec).string();
  Json p = {{"user", user_name()},
            {"host", HostName()},
            {"n4a_version", N4A_VERSION},
            {"command_line", command_line},
            {"cwd", cwd},
            {"pid", static_cast<int64_t>(getpid())}};
  if (!cwd.empty()) {
    if (auto git = git_state(cwd)) p["git"] = std::move(*git);
  }
  return p;
}

}  // namespace n4a::pipeline
