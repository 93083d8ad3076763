#include "pipeline/task_pool.h"

#include <algorithm>
#include <chrono>
#include <system_error>
#include <thread>

namespace n4a::pipeline {

TaskPool::TaskPool(int threads) : threads_(threads) {
  if (threads_ <= 0) threads_ = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads_ = std::min(threads_, kMaxThreads);
}

void TaskPool::submit(uint64_t priority, Task task) {
  {
    std::lock_guard lock(mu_);
    queue_.push({priority, seq_++, std::move(task)});
  }
  cv_.notify_one();
}

void TaskPool::worker(const std::function<bool()>& should_stop) {
  auto stop = [&] { return should_stop && should_stop(); };
  std::unique_lock lock(mu_);
  while (true) {
    // Wake up now and then to notice the stop flag (set from a signal handler).
    cv_.wait_for(lock, std::chrono::milliseconds(50),
                 [&] { return stopped_ || !queue_.empty() || running_ == 0 || stop(); });
    if (stopped_ || (queue_.empty() && running_ == 0)) break;
    if (stop()) {
      stopped_ = true;
      break;
    }
    if (queue_.empty()) continue;
    Task task = std::move(const_cast<Item&>(queue_.top()).task);
    queue_.pop();
    ++running_;
    lock.unlock();
    task();
    lock.lock();
    --running_;
    cv_.notify_all();
  }
  cv_.notify_all();
}

bool TaskPool::run(const std::function<bool()>& should_stop) {
  std::vector<std::thread> workers;
  try {
    for (int i = 1; i < threads_; ++i)
      workers.emplace_back([this, &should_stop] { worker(should_stop); });
  } catch (const std::system_error&) {
    // Fewer threads do the same work: each task runs once on any of them.
  }
  worker(should_stop);
  for (std::thread& t : workers) t.join();
  std::lock_guard lock(mu_);
  return stopped_;
}

}  // namespace n4a::pipeline
