// The POSIX Env: plain syscalls, every failure turned into a Status that names
// the path and the errno text.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <thread>

#include "n4a/env.h"

namespace n4a {
namespace {

Status PosixError(const std::string& what, const std::string& path, int err) {
  std::string msg = what + " " + path + ": " + std::strerror(err);
  if (err == ENOENT) return Status::NotFound(msg);
  return Status::IOError(msg);
}

class FdHolder {
 public:
  explicit FdHolder(int fd) : fd_(fd) {}
  ~FdHolder() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdHolder(const FdHolder&) = delete;
  FdHolder& operator=(const FdHolder&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status append(std::string_view data) override {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return PosixError("write", path_, errno);
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }

  Status sync() override {
    if (::fdatasync(fd_) != 0) return PosixError("fsync", path_, errno);
    return Status::Ok();
  }

  Status start_sync() override {
#ifdef __linux__
    if (::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE) != 0)
      return PosixError("start write-back of", path_, errno);
#endif
    return Status::Ok();
  }

  Status close() override {
    if (fd_ < 0) return Status::Ok();
    int rc = ::close(std::exchange(fd_, -1));
    if (rc != 0) return PosixError("close", path_, errno);
    return Status::Ok();
  }

 private:
  std::string path_;
  int fd_;
};

class PosixSequentialFile final : public SequentialFile {
 public:
  PosixSequentialFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  Result<size_t> read(size_t n, char* scratch) override {
    while (true) {
      ssize_t r = ::read(fd_.get(), scratch, n);
      if (r >= 0) return static_cast<size_t>(r);
      if (errno != EINTR) return PosixError("read", path_, errno);
    }
  }

 private:
  std::string path_;
  FdHolder fd_;
};

class PosixLockFile final : public LockFile {
 public:
  PosixLockFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

  Result<bool> try_lock(uint64_t byte, LockMode mode) override {
    struct flock fl {};
    fl.l_type = mode == LockMode::kExclusive ? F_WRLCK : F_RDLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = static_cast<off_t>(byte);
    fl.l_len = 1;
    if (::fcntl(fd_.get(), F_OFD_SETLK, &fl) == 0) return true;
    if (errno == EAGAIN || errno == EACCES) return false;
    return PosixError("lock", path_, errno);
  }

  Status unlock(uint64_t byte) override {
    struct flock fl {};
    fl.l_type = F_UNLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = static_cast<off_t>(byte);
    fl.l_len = 1;
    if (::fcntl(fd_.get(), F_OFD_SETLK, &fl) != 0) return PosixError("unlock", path_, errno);
    return Status::Ok();
  }

  Status write_content(std::string_view content) override {
    if (::ftruncate(fd_.get(), 0) != 0) return PosixError("truncate", path_, errno);
    if (::pwrite(fd_.get(), content.data(), content.size(), 0) !=
        static_cast<ssize_t>(content.size())) {
      return PosixError("write", path_, errno);
    }
    return Status::Ok();
  }

  Status append_content(std::string_view content) override {
    const off_t end = ::lseek(fd_.get(), 0, SEEK_END);
    if (end < 0) return PosixError("seek", path_, errno);
    if (::pwrite(fd_.get(), content.data(), content.size(), end) !=
        static_cast<ssize_t>(content.size())) {
      return PosixError("write", path_, errno);
    }
    return Status::Ok();
  }

  Result<std::string> read_content() override {
    std::string out(4096, '\0');
    ssize_t n = ::pread(fd_.get(), out.data(), out.size(), 0);
    if (n < 0) return PosixError("read", path_, errno);
    out.resize(static_cast<size_t>(n));
    return out;
  }

 private:
  std::string path_;
  FdHolder fd_;
};

class PosixEnv final : public Env {
 public:
  Result<std::unique_ptr<WritableFile>> new_writable_file(const std::string& path) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return PosixError("create", path, errno);
    return std::unique_ptr<WritableFile>(std::make_unique<PosixWritableFile>(path, fd));
  }

  Result<std::unique_ptr<SequentialFile>> new_sequential_file(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return PosixError("open", path, errno);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    return std::unique_ptr<SequentialFile>(std::make_unique<PosixSequentialFile>(path, fd));
  }

  Result<std::string> read_file(const std::string& path) override {
    N4A_ASSIGN_OR_RETURN(auto file, new_sequential_file(path));
    N4A_ASSIGN_OR_RETURN(uint64_t size, file_size(path));
    std::string out(size, '\0');
    size_t got = 0;
    while (got < out.size()) {
      N4A_ASSIGN_OR_RETURN(size_t n, file->read(out.size() - got, out.data() + got));
      if (n == 0) break;
      got += n;
    }
    out.resize(got);
    return out;
  }

  Result<std::string> read_range(const std::string& path, uint64_t offset, size_t n) override {
    FdHolder fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return PosixError("open", path, errno);
    std::string out(n, '\0');
    size_t got = 0;
    while (got < n) {
      const ssize_t r =
          ::pread(fd.get(), out.data() + got, n - got, static_cast<off_t>(offset + got));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return PosixError("read", path, errno);
      if (r == 0) break;
      got += static_cast<size_t>(r);
    }
    out.resize(got);
    return out;
  }

  Status write_range(const std::string& path, uint64_t offset, std::string_view data) override {
    FdHolder fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (fd.get() < 0) return PosixError("open", path, errno);
    size_t done = 0;
    while (done < data.size()) {
      const ssize_t w = ::pwrite(fd.get(), data.data() + done, data.size() - done,
                                 static_cast<off_t>(offset + done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return PosixError("write", path, errno);
      done += static_cast<size_t>(w);
    }
    return Status::Ok();
  }

  bool file_exists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }

  Result<uint64_t> file_size(const std::string& path) override {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return PosixError("stat", path, errno);
    return static_cast<uint64_t>(st.st_size);
  }

  Result<int64_t> file_mtime_micros(const std::string& path) override {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return PosixError("stat", path, errno);
    return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000 + st.st_mtim.tv_nsec / 1000;
  }

  Result<std::vector<DirEntry>> list_dir(const std::string& path) override {
    DIR* dir = ::opendir(path.c_str());
    if (dir == nullptr) return PosixError("list", path, errno);
    std::vector<DirEntry> out;
    while (struct dirent* e = ::readdir(dir)) {
      std::string_view name = e->d_name;
      if (name == "." || name == "..") continue;
      bool is_dir = e->d_type == DT_DIR;
      if (e->d_type == DT_UNKNOWN) {
        struct stat st {};
        is_dir = ::stat((path + "/" + e->d_name).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
      }
      out.push_back({std::string(name), is_dir});
    }
    ::closedir(dir);
    return out;
  }

  Status create_dirs(const std::string& path) override {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) return Status::IOError("create directory " + path + ": " + ec.message());
    return Status::Ok();
  }

  Status remove_file(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return PosixError("remove", path, errno);
    return Status::Ok();
  }

  Status rename_file(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return PosixError("rename", from, errno);
    return Status::Ok();
  }

  Result<bool> link_file(const std::string& from, const std::string& to) override {
    if (::link(from.c_str(), to.c_str()) == 0) return true;
    if (errno == EXDEV || errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP) return false;
    return PosixError("link " + from + " as", to, errno);
  }

  Result<bool> remove_dir_if_empty(const std::string& path) override {
    if (::rmdir(path.c_str()) == 0) return true;
    if (errno == ENOTEMPTY || errno == EEXIST || errno == ENOENT) return false;
    return PosixError("remove directory", path, errno);
  }

  Status touch_file(const std::string& path) override {
    if (::utimensat(AT_FDCWD, path.c_str(), nullptr, 0) != 0)
      return PosixError("touch", path, errno);
    return Status::Ok();
  }

  Status sync_file(const std::string& path) override {
    FdHolder fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return PosixError("open", path, errno);
    if (::fsync(fd.get()) != 0) return PosixError("fsync", path, errno);
    return Status::Ok();
  }

  Status sync_dir(const std::string& path) override {
    FdHolder fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0) return PosixError("open directory", path, errno);
    if (::fsync(fd.get()) != 0) return PosixError("fsync directory", path, errno);
    return Status::Ok();
  }

  Status sync_filesystem(const std::string& path) override {
    FdHolder fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0) return PosixError("open directory", path, errno);
#ifdef __linux__
    if (::syncfs(fd.get()) != 0) return PosixError("sync the filesystem of", path, errno);
#else
    ::sync();
#endif
    return Status::Ok();
  }

  std::optional<uint64_t> unwritten_bytes() override {
#ifdef __linux__
    std::ifstream in("/proc/meminfo");
    uint64_t total = 0;
    int found = 0;
    for (std::string key; in >> key;) {
      uint64_t kb = 0;
      in >> kb;
      in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
      if (key == "Dirty:" || key == "Writeback:") {
        total += kb * 1024;
        if (++found == 2) return total;
      }
    }
#endif
    return std::nullopt;
  }

  Result<std::unique_ptr<LockFile>> open_lock_file(const std::string& path,
                                                   LockFileAccess access) override {
    int flags = access == LockFileAccess::kReadWrite ? (O_RDWR | O_CREAT) : O_RDONLY;
    int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
    if (fd < 0) return PosixError("open lock file", path, errno);
    return std::unique_ptr<LockFile>(std::make_unique<PosixLockFile>(path, fd));
  }

  int64_t now_micros() override {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
  }

  void sleep_micros(int64_t micros) override {
    std::this_thread::sleep_for(std::chrono::microseconds(micros));
  }
};

}  // namespace

Env* Env::Default() {
  static PosixEnv* env = new PosixEnv();  // never destroyed: used until exit
  return env;
}

}  // namespace n4a
