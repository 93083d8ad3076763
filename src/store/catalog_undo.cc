#include "store/catalog_undo.h"

#include <filesystem>
#include <string_view>
#include <vector>

#include "util/atomic_file.h"
#include "util/sha256.h"

namespace n4a::store {
namespace {

constexpr std::string_view kMagic = "N4AUNDO\n";
constexpr size_t kDigestChars = 64;

void PutLittleEndian(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// Reads `bytes` little-endian bytes at `pos`, advancing it; false past the end.
bool GetLittleEndian(std::string_view in, size_t& pos, int bytes, uint64_t& v) {
  if (in.size() - pos < static_cast<size_t>(bytes)) return false;
  v = 0;
  for (int i = 0; i < bytes; ++i)
    v |= static_cast<uint64_t>(static_cast<unsigned char>(in[pos + i])) << (8 * i);
  pos += static_cast<size_t>(bytes);
  return true;
}

struct SavedRange {
  uint64_t offset;
  std::string_view bytes;
};

Result<std::vector<SavedRange>> Parse(std::string_view content, const std::string& undo) {
  auto damaged = [&](const std::string& why) {
    return Status::Corruption("the undo file " + undo + " of an interrupted catalog commit is " +
                              "damaged (" + why + "); nothing was restored from it");
  };
  if (content.size() < kMagic.size() + 8 + kDigestChars || content.substr(0, 8) != kMagic)
    return damaged("not an n4a undo file");
  const std::string_view body = content.substr(0, content.size() - kDigestChars);
  if (Sha256Hex(body) != content.substr(body.size())) return damaged("checksum mismatch");
  size_t pos = kMagic.size();
  uint64_t version = 0, count = 0;
  GetLittleEndian(body, pos, 4, version);
  GetLittleEndian(body, pos, 4, count);
  if (version != kUndoFormatVersion) {
    return Status::FailedPrecondition("the undo file " + undo + " has format version " +
                                      std::to_string(version) + ", which this n4a cannot read (" +
                                      std::to_string(kUndoFormatVersion) + "): upgrade n4a");
  }
  std::vector<SavedRange> ranges;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t offset = 0, length = 0;
    if (!GetLittleEndian(body, pos, 8, offset) || !GetLittleEndian(body, pos, 8, length) ||
        body.size() - pos < length)
      return damaged("truncated range " + std::to_string(i));
    ranges.push_back({offset, body.substr(pos, length)});
    pos += length;
  }
  if (pos != body.size()) return damaged("bytes after the last range");
  if (ranges.empty() || ranges[0].offset != 0 || ranges[0].bytes.size() != kDuckDbHeaderBytes)
    return damaged("the catalog's headers are not its first range");
  return ranges;
}

}  // namespace

Status SaveUndo(Env* env, const std::string& catalog, const std::string& undo,
                std::span<const FileRange> ranges) {
  std::string out(kMagic);
  PutLittleEndian(out, kUndoFormatVersion, 4);
  PutLittleEndian(out, ranges.size(), 4);
  for (const FileRange& r : ranges) {
    N4A_ASSIGN_OR_RETURN(std::string bytes, env->read_range(catalog, r.offset, r.length));
    PutLittleEndian(out, r.offset, 8);
    PutLittleEndian(out, bytes.size(), 8);
    out += bytes;
  }
  out += Sha256Hex(out);
  return WriteFileAtomic(env, undo, out).WithContext("save the undo file of the catalog commit");
}

Result<bool> ApplyUndo(Env* env, const std::string& catalog, const std::string& undo) {
  if (!env->file_exists(undo)) return false;
  N4A_ASSIGN_OR_RETURN(std::string content, env->read_file(undo));
  N4A_ASSIGN_OR_RETURN(std::vector<SavedRange> ranges, Parse(content, undo));
  bool restored = false;
  if (env->file_exists(catalog)) {
    N4A_ASSIGN_OR_RETURN(std::string headers, env->read_range(catalog, 0, kDuckDbHeaderBytes));
    // New headers: the checkpoint finished, and what it rewrote is current.
    if (headers == ranges[0].bytes) {
      for (const SavedRange& r : ranges) N4A_TRY(env->write_range(catalog, r.offset, r.bytes));
      N4A_TRY(env->sync_file(catalog));
      restored = true;
    }
  }
  N4A_TRY(env->remove_file(undo));
  N4A_TRY(env->sync_dir(std::filesystem::path(undo).parent_path().string()));
  return restored;
}

}  // namespace n4a::store
