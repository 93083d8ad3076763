#include "util/uuid.h"

#include <pthread.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>

namespace n4a {
namespace {

struct Generator {
  std::mutex mu;
  // Empty again in a forked child: it must not repeat its parent's ids.
  std::optional<std::mt19937_64> rng;
  uint64_t last_ms = 0;
  uint16_t counter = 0;  // the 12-bit rand_a field, used as a monotonic counter
};

// The process's generator, constant-initialized: a lazily built one would let
// a fork() racing its first use leave the child waiting forever on an
// initialization that a thread it does not have was running.
constinit Generator generator;

// fork() takes the generator's lock first, so that a child never starts with
// it held by a thread that the child does not have, and the child reseeds (no
// getpid() syscall per id to notice a fork). Registered when the library
// loads, before any thread can make an id.
[[maybe_unused]] const int kForkHandlers =
    ::pthread_atfork([] { generator.mu.lock(); }, [] { generator.mu.unlock(); },
                     [] {
                       generator.rng.reset();
                       generator.mu.unlock();
                     });

void PutHex(std::string& out, uint64_t value, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) out.push_back(kHex[(value >> (4 * i)) & 0xf]);
}

}  // namespace

std::string NewUuidV7() {
  uint64_t ms, counter, rand_b;
  {
    std::lock_guard lock(generator.mu);
    if (!generator.rng) {
      std::random_device rd;
      generator.rng.emplace((static_cast<uint64_t>(rd()) << 32) ^ rd() ^
                            static_cast<uint64_t>(::getpid()));
    }
    uint64_t now = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
    if (now > generator.last_ms) {
      generator.last_ms = now;
      generator.counter =
          static_cast<uint16_t>((*generator.rng)() & 0x1ff);  // leave room to count up
    } else if (++generator.counter > 0xfff) {
      ++generator.last_ms;  // counter exhausted: borrow the next millisecond
      generator.counter = 0;
    }
    ms = generator.last_ms;
    counter = generator.counter;
    rand_b = (*generator.rng)() & 0x3fffffffffffffffULL;
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
