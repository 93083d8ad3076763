// SHA-256 through OpenSSL's EVP interface, incremental or one-shot.
// A Sha256 object is not thread-safe; use one per thread.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace n4a {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(const void* data, size_t size);
  void Update(std::string_view data) { Update(data.data(), data.size()); }

  // Returns the digest as 64 lowercase hex characters. The object is reset
  // and can hash a new message afterwards.
  std::string FinishHex();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

// The hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

}  // namespace n4a
