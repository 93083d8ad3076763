// Recorder: writes finished variants to the workspace on its own threads, so
// that fitting goes on while the store commits its batches. Several writer
// threads overlap the hashing and writing of artifact files (the store lets
// them run concurrently; its commit makes them durable in one filesystem
// sync before the catalog rows that reference them).
//
// For each variant: begin_pipeline; for a failed one fail_pipeline; else the
// fitted operators through save_artifact (each once, however many variants
// share it: a prefix step's fit in a fold, a model family's fit), the chain, the predictions with
// their arrays, the step logs, then complete_pipeline.
//
// Thread-safety: submit() may be called from any thread; finish() from the
// owner. After the first store error the recorder writes nothing more and
// failed() turns true (the runner then stops the sweep).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "n4a/workspace_store.h"
#include "pipeline/chain_record.h"
#include "pipeline/results.h"

namespace n4a::pipeline {

struct RecordedIds {
  std::string pipeline_id;
  std::string chain_id;  // empty for a failed variant
};

class Recorder {
 public:
  static constexpr int kDefaultWriters = 8;

  // `store` must outlive the recorder. `writers` threads write variants.
  Recorder(WorkspaceStore& store, RecordContext context, int writers = kDefaultWriters);
  // Finishes (see finish()) if the owner did not.
  ~Recorder();
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // Queues `result` for writing; returns at once.
  void submit(VariantResult result);
  // Writes what is queued, stops the thread and returns the first error.
  Status finish();
  bool failed() const { return failed_.load(); }

  // Ids of the recorded variants by variant index (complete after finish()).
  const std::map<size_t, RecordedIds>& ids() const { return ids_; }

 private:
  void loop();
  Status write(VariantResult& r);
  Status write_completed(VariantResult& r, RecordedIds& ids);
  // The artifact id of `op` (of registry name `op_class`), saved by the
  // first variant that uses it.
  Result<std::string> artifact(SerializedOperator& op, const std::string& op_class,
                               const char* kind);

  WorkspaceStore& store_;
  RecordContext context_;
  std::mutex mu_;  // guards everything below but the store
  std::condition_variable cv_;
  std::deque<VariantResult> queue_;
  bool closing_ = false;
  std::atomic<bool> failed_{false};
  Status error_;
  std::map<size_t, RecordedIds> ids_;
  std::vector<std::thread> threads_;
};

}  // namespace n4a::pipeline
