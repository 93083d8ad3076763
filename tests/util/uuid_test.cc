#include "util/uuid.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <thread>
#include <utility>
#include <vector>

namespace n4a {
namespace {

TEST(UuidV7Test, FormatAndStrictlyIncreasing) {
  std::string prev;
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    std::string id = NewUuidV7();
    ASSERT_EQ(id.size(), 36u);
    EXPECT_EQ(id[14], '7');
    EXPECT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b');
    EXPECT_GT(id, prev);
    prev = id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 10000u);
}

TEST(UuidV7Test, IdsIncreaseInEachThreadAndNeverRepeat) {
  constexpr int kThreads = 4, kPerThread = 5000;
  std::vector<std::vector<std::string>> made(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&made, t] {
      for (int i = 0; i < kPerThread; ++i) made[t].push_back(NewUuidV7());
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& ids : made) {
    for (size_t i = 1; i < ids.size(); ++i) ASSERT_LT(ids[i - 1], ids[i]);
    all.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(all.size(), size_t{kThreads * kPerThread});
}

// Waits up to `seconds` for `pid`; kills it and returns false if it is still running.
bool ExitedCleanly(pid_t pid, int seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// The id a forked child makes right after fork(), and the parent's.
std::pair<std::string, std::string> IdsAfterFork() {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  pid_t pid = ::fork();
  if (pid < 0) return {};
  if (pid == 0) {
    std::string id = NewUuidV7();
    ssize_t written = ::write(fds[1], id.data(), id.size());
    ::_exit(written == static_cast<ssize_t>(id.size()) ? 0 : 1);
  }
  ::close(fds[1]);
  std::string parent_id = NewUuidV7();
  if (!ExitedCleanly(pid, 10)) parent_id = "the child hung or failed";
  char buf[64] = {};
  const ssize_t n = ::read(fds[0], buf, sizeof buf);
  ::close(fds[0]);
  return {std::string(buf, n > 0 ? n : 0), parent_id};
}

// A child must not repeat its parent's ids: same clock, same generator
// state would give the same id.
TEST(UuidV7Test, AForkedChildDoesNotRepeatItsParentsIds) {
  (void)NewUuidV7();
  for (int i = 0; i < 20; ++i) {
    auto [child, parent] = IdsAfterFork();
    ASSERT_EQ(child.size(), 36u) << parent;
    EXPECT_NE(child.substr(19), parent.substr(19)) << child << " " << parent;
  }
}

// A child forked while another thread holds the generator's lock, or while it
// makes the process's first id, does not inherit either half done.
TEST(UuidV7Test, AForkDuringIdsLeavesTheChildAbleToMakeIds) {
  std::jthread busy([](std::stop_token stop) {
    while (!stop.stop_requested()) (void)NewUuidV7();
  });
  for (int i = 0; i < 50; ++i) {
    auto [child, parent] = IdsAfterFork();
    ASSERT_EQ(child.size(), 36u) << "fork " << i << ": " << parent;
  }
}

}  // namespace
}  // namespace n4a
