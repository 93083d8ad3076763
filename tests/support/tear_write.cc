// An LD_PRELOAD shim for tests/cli/torn_checkpoint.sh: what a SIGKILL in the
// middle of a write() leaves. The first pwrite() of more than 4 KB at offset
// $N4A_TEAR_OFFSET writes its first 4 KB, then the process kills itself; a
// pwrite() at offset $N4A_KILL_BEFORE_OFFSET kills it before writing.
// Linux checks for a fatal signal between the pages of a write, so a real kill
// can leave exactly this.
#include <dlfcn.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstdlib>

namespace {

using Pwrite = ssize_t (*)(int, const void*, size_t, off_t);

ssize_t TearingPwrite(const char* name, int fd, const void* buf, size_t n, off_t offset) {
  static const Pwrite real = reinterpret_cast<Pwrite>(dlsym(RTLD_NEXT, name));
  constexpr size_t kPage = 4096;
  const char* at = std::getenv("N4A_TEAR_OFFSET");
  if (at != nullptr && offset == std::atoll(at) && n > kPage) {
    (void)real(fd, buf, kPage, offset);
    ::kill(::getpid(), SIGKILL);
  }
  const char* before = std::getenv("N4A_KILL_BEFORE_OFFSET");
  if (before != nullptr && offset == std::atoll(before)) ::kill(::getpid(), SIGKILL);
  return real(fd, buf, n, offset);
}

}  // namespace

extern "C" ssize_t pwrite(int fd, const void* buf, size_t n, off_t offset) {
  return TearingPwrite("pwrite", fd, buf, n, offset);
}

extern "C" ssize_t pwrite64(int fd, const void* buf, size_t n, off_t offset) {
  return TearingPwrite("pwrite64", fd, buf, n, offset);
}
