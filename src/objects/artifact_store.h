// ArtifactStore: content-addressed binary objects under <root>/artifacts/
// (DESIGN.md "A workspace on disk", "Identity", "Commit protocol").
//
// An object's id is the SHA-256 hex of its bytes; it lives at
// "artifacts/<h[:2]>/<h>.<ext>", where <ext> is its format ("bin", "json",
// "n4aop", ...). Files are published atomically (temp name with ".tmp." in
// the target folder or in artifacts/, then a rename), durably by default
// (fsync before the rename, of the folders after: a crash leaves either no
// file or a whole one) or batched (see Publish: durable at the caller's
// barrier). The store knows nothing of the catalog: callers decide what is
// live and pass it to sweep(). With an InFlight, each put first announces
// its object (in_flight.h), so that no sweep removes it before the caller's
// catalog commit, a dedup hit on an old file included.
//
// Thread-safe: an ArtifactStore holds no mutable state; concurrent puts of the
// same bytes are harmless (each renames a whole file over the same name).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "n4a/env.h"
#include "n4a/status.h"
#include "objects/in_flight.h"
#include "objects/object_files.h"

namespace n4a::objects {

// What put()/put_stream() did.
struct PutResult {
  std::string hash;           // 64 lowercase hex characters: the artifact id
  std::string relative_path;  // "artifacts/ab/<hash>.<ext>"
  uint64_t size_bytes = 0;
  bool newly_written = false;  // false for a dedup hit (nothing written)
};

class ArtifactStore {
 public:
  // `env` (and `in_flight`, if any) must outlive the store.
  // `workspace_root` is the workspace folder; artifacts/ is created under it
  // on the first put. Without `in_flight` only the grace period of a sweep
  // protects new objects (tests, and stores that publish nothing).
  ArtifactStore(Env* env, std::string workspace_root, InFlight* in_flight = nullptr);

  // InvalidArgument unless `format` is 1-16 characters of [a-z0-9].
  static Status ValidateFormat(std::string_view format);
  // True for 64 lowercase hex characters.
  static bool IsValidHash(std::string_view hash);

  // "artifacts/<h[:2]>/<h>.<format>"; InvalidArgument for a bad hash/format.
  static Result<std::string> RelativePathFor(std::string_view hash, std::string_view format);
  // The absolute (root-prefixed) path of an object; the file may not exist.
  Result<std::string> path_for(std::string_view hash, std::string_view format) const;

  // Stores `bytes` and returns their id (objects of 8 MB and more are
  // written on a second thread while being hashed). If the object's file
  // exists with the right size and content (read back and hashed), nothing
  // is written. A torn or damaged file is replaced. The object stays in
  // flight until the caller releases it (InFlight::release).
  // On error nothing is visible under the final name and no temp file
  // remains. With Publish::kBatched the new file is durable only once
  // synced with its folders (Env::sync_filesystem(root()) does it all).
  Result<PutResult> put(std::string_view bytes, std::string_view format,
                        Publish publish = Publish::kDurable);

  // As put(), reading `source` to its end in fixed-size chunks: hashes while
  // writing to a temp file in artifacts/, then renames it into its shard.
  // Memory use is one buffer, whatever the object's size.
  Result<PutResult> put_stream(SequentialFile& source, std::string_view format);

  // Reads an object and checks its SHA-256. NotFound if there is no file,
  // Corruption (naming the file) if the content does not match the hash.
  Result<std::string> read_verified(std::string_view hash, std::string_view format);
  // As above, by relative path "artifacts/ab/<h>.<ext>" (the hash is taken
  // from the file name).
  Result<std::string> read_verified_path(std::string_view relative_path);

  // Streams the file at `relative_path` through SHA-256 and compares it with
  // `expected_hash`: Ok, NotFound, or Corruption naming the file. Memory use
  // is one buffer; meant for `workspace check` over large objects.
  Status verify(std::string_view relative_path, std::string_view expected_hash);

  // Announces the object at `relative_path` as in flight (as put() does)
  // and says whether its file exists: for a caller that places objects
  // itself (a merge copies them). Without an InFlight, only whether it exists.
  Result<bool> claim(const std::string& relative_path);

  // Every file under artifacts/ (objects and leftover temp files).
  Result<std::vector<FileInfo>> list_files();

  // Removes files under artifacts/ that are not in `live_relative_paths`, and
  // stale temp files, when they are older than `grace_micros` (by the Env's
  // clock), and not in `in_flight`. See SweepFiles. Fails, removing
  // nothing, if listing fails.
  Result<SweepReport> sweep(const std::unordered_set<std::string>& live_relative_paths,
                            int64_t grace_micros, DryRun dry_run,
                            const InFlightFiles* in_flight = nullptr);

  const std::string& root() const { return root_; }

 private:
  std::string absolute(std::string_view relative_path) const;
  // True if the object exists with `size` bytes that hash to `hash`.
  bool has_object(const std::string& relative_path, std::string_view hash, uint64_t size);
  // Registers this writer with the InFlight, if any: before any file of it
  // (temp files too) appears under artifacts/.
  Status register_writer();
  // Announces `relative_path` as in flight, then has_object(): the hold
  // keeps a sweep from running between the two.
  Result<bool> announce_and_check(const std::string& relative_path, std::string_view hash,
                                  uint64_t size);
  // put() of a large object: writes it to a temp file on a second thread
  // while hashing it, so a new object costs max(hash, write), and a dedup hit
  // cancels the write and costs about two hashes (the existing file is read
  // back, see has_object).
  Result<PutResult> put_overlapped(std::string_view bytes, std::string_view format,
                                   Publish publish);
  // Renames a finished temp file (synced if kDurable) to `relative_path`;
  // with kDurable, fsyncs the shard folder and the temp's folder.
  Status publish_temp(const std::string& temp_path, const std::string& relative_path,
                      Publish publish);

  Env* env_;
  std::string root_;
  InFlight* in_flight_;
};

}  // namespace n4a::objects
