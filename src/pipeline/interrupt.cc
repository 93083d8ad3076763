#include "pipeline/interrupt.h"

#include <atomic>
#include <csignal>

namespace n4a::pipeline {
namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM};

std::atomic<int> g_signal{0};
struct sigaction g_previous[std::size(kSignals)];

void on_stop_signal(int signal) {
  int none = 0;
  g_signal.compare_exchange_strong(none, signal);
  // The next signal gets the default action: the sender insists.
  for (int s : kSignals) std::signal(s, SIG_DFL);
}

static_assert(std::atomic<int>::is_always_lock_free, "needed in a signal handler");

}  // namespace

InterruptGuard::InterruptGuard() {
  g_signal = 0;
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  for (size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &action, &g_previous[i]);
}

InterruptGuard::~InterruptGuard() {
  for (size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &g_previous[i], nullptr);
}

bool InterruptGuard::interrupted() {
  return g_signal.load() != 0;
}

int InterruptGuard::signal_number() {
  return g_signal.load();
}

}  // namespace n4a::pipeline
