#include "pipeline/task_pool.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <string>

namespace n4a::pipeline {
namespace {

// This process's virtual memory size in bytes (VmSize of /proc/self/status).
uint64_t virtual_memory_bytes() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmSize:", 0) == 0) return std::stoull(line.substr(7)) * 1024;
  }
  return 0;
}

TEST(TaskPoolTest, ThreadsAreBounded) {
  EXPECT_EQ(TaskPool(100'000).threads(), kMaxThreads);
  EXPECT_EQ(TaskPool(3).threads(), 3);
  EXPECT_GE(TaskPool(0).threads(), 1);
}

// When the system refuses threads (here: an address-space limit leaves room
// for a few thread stacks only), the pool runs every task on those it has
// instead of letting std::system_error end the process. In a child process,
// whose limit cannot hurt the test runner.
TEST(TaskPoolTest, RefusedThreadsLeaveTheWorkToTheOthers) {
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const rlim_t limit = virtual_memory_bytes() + (rlim_t{64} << 20);
    const rlimit rl{limit, limit};
    if (setrlimit(RLIMIT_AS, &rl) != 0) _exit(3);
    TaskPool pool(kMaxThreads);
    std::atomic<int> done{0};
    for (int i = 0; i < 500; ++i) pool.submit(static_cast<uint64_t>(i), [&] { ++done; });
    pool.run({});
    _exit(done == 500 ? 0 : 2);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "the child died of signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace n4a::pipeline
