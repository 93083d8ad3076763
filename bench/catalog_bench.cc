// Catalog figures for issue 2 (make bench): recording 1,000,000 prediction
// rows through WorkspaceStore::save_prediction against a raw DuckDB Appender
// loop writing the same rows (the ceiling), top-10 over those rows, and the
// cost of opening a workspace. Both write paths run in the same process, so
// the ratio is robust to a noisy machine.
#include <benchmark/benchmark.h>

#include <chrono>
#include <filesystem>

#include "catalog/schema.h"
#include "n4a/workspace_store.h"
#include "prediction_rows.h"
#include "util/database.h"

namespace n4a {
namespace {

using bench::kChunk;
using bench::kRows;
using bench::MakeChunk;
using bench::PipelineIds;

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

std::filesystem::path FreshDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("n4a-bench-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// The ceiling: one connection, one Appender over all rows, one commit.
double RawAppenderSeconds(const std::vector<std::string>& pipelines) {
  auto dir = FreshDir("appender");
  auto con = db::Connection::open((dir / "raw.duckdb").string(), db::AccessMode::kReadWrite);
  if (!con.ok() || !catalog::Migrate(**con, 0).ok()) std::abort();
  double seconds = 0;
  for (int64_t first = 0; first < kRows; first += kChunk) {
    const std::vector<PredictionRecord> rows = MakeChunk(pipelines, first);
    auto start = Clock::now();
    // The same Appender path the store uses, minus staging and upsert.
    bench::AppendPredictions(**con, rows);
    seconds += Seconds(start);
  }
  auto start = Clock::now();
  con->reset();  // close: checkpoint, as the store's windows do
  seconds += Seconds(start);
  std::filesystem::remove_all(dir);
  return seconds;
}

double StoreSeconds(const std::vector<std::string>& pipelines, const std::string& path) {
  auto store = WorkspaceStore::open(path);
  if (!store.ok()) std::abort();
  auto run = (*store)->begin_run("bench", {}, {});
  std::vector<std::string> ids;
  // Pipelines are made through the store so their ids are known to it.
  std::vector<std::string> made;
  for (size_t i = 0; i < pipelines.size(); ++i) {
    made.push_back(*(*store)->begin_pipeline(*run, "p", {}, {}, "gasoline", "h"));
  }
  if (!(*store)->flush().ok()) std::abort();
  double seconds = 0;
  for (int64_t first = 0; first < kRows; first += kChunk) {
    auto chunk = MakeChunk(made, first);
    auto start = Clock::now();
    for (auto& p : chunk) {
      if (!(*store)->save_prediction(std::move(p)).ok()) std::abort();
    }
    seconds += Seconds(start);
  }
  auto start = Clock::now();
  if (!(*store)->close().ok()) std::abort();
  return seconds + Seconds(start);
}

const std::string& SharedWorkspace() {
  static const std::string path = (FreshDir("store") / "ws").string();
  return path;
}

void BM_SavePredictions1M(benchmark::State& state) {
  auto pipelines = PipelineIds();
  for (auto _ : state) {
    double raw = RawAppenderSeconds(pipelines);
    double store = StoreSeconds(pipelines, SharedWorkspace());
    state.SetIterationTime(store);
    state.counters["store_rows_per_s"] = static_cast<double>(kRows) / store;
    state.counters["appender_rows_per_s"] = static_cast<double>(kRows) / raw;
    state.counters["ratio_to_appender"] = raw / store;
  }
}
BENCHMARK(BM_SavePredictions1M)->Iterations(1)->UseManualTime()->Unit(benchmark::kSecond);

void BM_Top10(benchmark::State& state) {
  auto store = WorkspaceStore::open(SharedWorkspace());
  if (!store.ok()) std::abort();
  TopQuery q;
  q.metric = state.range(0) == 0 ? "val_score" : "rmse";
  for (auto _ : state) {
    auto top = (*store)->top_predictions(q);
    if (!top.ok() || top->rows.size() != 10) std::abort();
  }
  state.SetLabel(q.metric + " over 1M predictions, includes the read window");
}
BENCHMARK(BM_Top10)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(20);

void BM_OpenWorkspace(benchmark::State& state) {
  for (auto _ : state) {
    auto store = WorkspaceStore::open(SharedWorkspace());
    if (!store.ok()) std::abort();
  }
  state.SetLabel("existing workspace with 1M predictions");
}
BENCHMARK(BM_OpenWorkspace)->Unit(benchmark::kMillisecond)->Iterations(20);

}  // namespace
}  // namespace n4a

BENCHMARK_MAIN();
