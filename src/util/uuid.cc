#include "util/uuid.h"

#include <pthread.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>

namespace n4a {
namespace {

struct Generator {
  std::mutex mu;
  std::mt19937_64 rng;
  bool seeded = false;  // false again in a forked child: it must not repeat its parent's ids
  uint64_t last_ms = 0;
  uint16_t counter = 0;  // the 12-bit rand_a field, used as a monotonic counter
};

// The process's generator. fork() takes its lock first, so that a child never
// starts with it held by a thread that the child does not have, and the
// child reseeds (no getpid() syscall per id to notice a fork).
Generator& TheGenerator() {
  static Generator* gen = [] {
    auto* g = new Generator;  // never destroyed: the fork handlers use it
    ::pthread_atfork([] { TheGenerator().mu.lock(); }, [] { TheGenerator().mu.unlock(); },
                     [] {
                       Generator& child = TheGenerator();
                       child.seeded = false;
                       child.mu.unlock();
                     });
    return g;
  }();
  return *gen;
}

void PutHex(std::string& out, uint64_t value, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) out.push_back(kHex[(value >> (4 * i)) & 0xf]);
}

}  // namespace

std::string NewUuidV7() {
  Generator& gen = TheGenerator();
  uint64_t ms, counter, rand_b;
  {
    std::lock_guard lock(gen.mu);
    if (!gen.seeded) {
      std::random_device rd;
      gen.rng.seed((static_cast<uint64_t>(rd()) << 32) ^ rd() ^ static_cast<uint64_t>(::getpid()));
      gen.seeded = true;
    }
    uint64_t now = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
    if (now > gen.last_ms) {
      gen.last_ms = now;
      gen.counter = static_cast<uint16_t>(gen.rng() & 0x1ff);  // leave room to count up
    } else if (++gen.counter > 0xfff) {
      ++gen.last_ms;  // counter exhausted: borrow the next millisecond
      gen.counter = 0;
    }
    ms = gen.last_ms;
    counter = gen.counter;
    rand_b = gen.rng() & 0x3fffffffffffffffULL;
  }
  std::string out;
  out.reserve(36);
  PutHex(out, ms >> 16, 8);
  out.push_back('-');
  PutHex(out, ms & 0xffff, 4);
  out.push_back('-');
  PutHex(out, 0x7000 | counter, 4);
  out.push_back('-');
  PutHex(out, 0x8000 | (rand_b >> 48), 4);
  out.push_back('-');
  PutHex(out, rand_b & 0xffffffffffffULL, 12);
  return out;
}

}  // namespace n4a
