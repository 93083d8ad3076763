// libFuzzer target for the .n4a bundle reader (Bundle::parse,
// docs/formats/bundle.md).
//
// The first input byte picks a mode: even bytes feed the rest as the bundle
// file (this exercises libzip's checks and the archive limits); odd bytes
// read the rest as entries (u8 name length, name, u16 little-endian data
// length, data; repeated) and zip them first, so that the fuzzer reaches
// the entry-path checks, manifest and chain JSON, version and hash checks,
// and the operator decoding. A bundle that opens is asked to predict a small
// matrix with each fold choice: nothing may crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "n4a/replay.h"
#include "replay/zip_archive.h"

namespace {

std::vector<std::pair<std::string, std::string>> read_entries(const uint8_t* data, size_t size) {
  std::vector<std::pair<std::string, std::string>> entries;
  size_t pos = 0;
  while (pos < size) {
    const size_t name_len = data[pos++];
    if (size - pos < name_len + 2) break;
    std::string name(reinterpret_cast<const char*>(data + pos), name_len);
    pos += name_len;
    const size_t len = data[pos] | (static_cast<size_t>(data[pos + 1]) << 8);
    pos += 2;
    const size_t take = len < size - pos ? len : size - pos;
    entries.emplace_back(std::move(name),
                         std::string(reinterpret_cast<const char*>(data + pos), take));
    pos += take;
  }
  return entries;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string bytes;
  if (data[0] % 2 == 0) {
    bytes.assign(reinterpret_cast<const char*>(data + 1), size - 1);
  } else {
    auto zipped = n4a::replay::write_zip(read_entries(data + 1, size - 1), 0);
    if (!zipped.ok()) return 0;  // e.g. a name libzip refuses to write
    bytes = std::move(*zipped);
  }
  auto bundle = n4a::Bundle::parse(bytes);
  if (!bundle.ok()) return 0;
  const int64_t count = (*bundle)->features().count;
  if (count > 4096) return 0;
  const n4a::Spectra x = n4a::Spectra::Constant(3, count, 0.5);
  for (const auto& options :
       {n4a::ReplayOptions{}, n4a::ReplayOptions{n4a::FoldChoice::kAverage, ""},
        n4a::ReplayOptions{n4a::FoldChoice::kOne, "fold_0"}}) {
    (void)(*bundle)->predict(x, options);
  }
  return 0;
}
