// The undo file of a catalog checkpoint (docs/formats/catalog.md "A kill
// inside DuckDB's checkpoint: the undo file"). DuckDB's checkpoint writes new
// data to free blocks, but it rewrites its metadata blocks in place and writes
// its header last. A kill or a power cut inside one of those in-place writes
// leaves the header on disk pointing into a block whose checksum no longer
// matches, and the catalog does not open. So before a write window can
// checkpoint, it saves the bytes the checkpoint may overwrite in place (the
// headers and the metadata blocks) to "store.duckdb.undo". A window that finds
// the file (its writer died) writes them back if the headers on disk are still
// the saved ones, which means the checkpoint did not finish, and removes it.
// Stateless functions; the caller holds the workspace's exclusive lock.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "n4a/env.h"
#include "n4a/status.h"

namespace n4a::store {

// The bytes that start a DuckDB file: its main header and two database
// headers, 4 KB each. Block b of size B starts at kDuckDbHeaderBytes + b * B.
inline constexpr uint64_t kDuckDbHeaderBytes = 12288;

// The undo file's format version, which ApplyUndo checks.
inline constexpr uint32_t kUndoFormatVersion = 1;

struct FileRange {
  uint64_t offset = 0;
  uint64_t length = 0;
};

// Saves the bytes of `ranges` of `catalog`, the first being its headers
// [0, kDuckDbHeaderBytes), to `undo`, durably (written, fsynced, renamed).
Status SaveUndo(Env* env, const std::string& catalog, const std::string& undo,
                std::span<const FileRange> ranges);

// If `undo` exists: writes its ranges back into `catalog` (and fsyncs it) when
// the catalog's headers are the saved ones, then removes `undo`. True when it
// wrote the ranges back. Corruption if `undo` is damaged, FailedPrecondition if
// a newer n4a wrote it; either way nothing is written and `undo` stays.
Result<bool> ApplyUndo(Env* env, const std::string& catalog, const std::string& undo);

}  // namespace n4a::store
