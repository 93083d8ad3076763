#include "pipeline/interrupt.h"

#include <atomic>
#include <csignal>

namespace n4a::pipeline {
namespace {

std::atomic<bool> g_interrupted{false};
struct sigaction g_previous;

void on_sigint(int) {
  g_interrupted.store(true);
  // The next Ctrl-C gets the default action: the user insists.
  std::signal(SIGINT, SIG_DFL);
}

static_assert(std::atomic<bool>::is_always_lock_free, "needed in a signal handler");

}  // namespace

InterruptGuard::InterruptGuard() {
  g_interrupted = false;
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &g_previous);
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &g_previous, nullptr);
}

bool InterruptGuard::interrupted() {
  return g_interrupted.load();
}

}  // namespace n4a::pipeline
