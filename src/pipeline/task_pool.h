// TaskPool: a fixed set of threads running prioritized tasks that may submit
// more tasks. run() returns when no task is queued or running, or, once the
// stop condition holds, as soon as the running tasks have finished (queued tasks
// are dropped). Thread-safe: submit() may be called from tasks.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <queue>
#include <vector>

namespace n4a::pipeline {

// The most threads a pool runs: more than any machine n4a runs on has cores,
// and few enough that their stacks fit in memory.
constexpr int kMaxThreads = 1024;

class TaskPool {
 public:
  using Task = std::function<void()>;

  // `threads` <= 0 means std::thread::hardware_concurrency(); at most
  // kMaxThreads.
  explicit TaskPool(int threads);

  // Queues `task`; lower `priority` runs first, ties in submission order.
  void submit(uint64_t priority, Task task);

  // Runs the queue to completion (see the file comment) on the pool's
  // threads; `should_stop` may be empty. Returns true when stopped early.
  // When the system refuses to start a thread (std::system_error: a process
  // or memory limit), runs on the threads it did start and the caller's.
  bool run(const std::function<bool()>& should_stop);

  int threads() const { return threads_; }

 private:
  struct Item {
    uint64_t priority;
    uint64_t seq;
    Task task;
    bool operator<(const Item& o) const {  // max-heap: invert
      return priority != o.priority ? priority > o.priority : seq > o.seq;
    }
  };
  void worker(const std::function<bool()>& should_stop);

  int threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::priority_queue<Item> queue_;
  uint64_t seq_ = 0;
  int running_ = 0;
  bool stopped_ = false;
};

}  // namespace n4a::pipeline
