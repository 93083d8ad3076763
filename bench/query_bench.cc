// Query figures for issue 7 (make bench): `n4a top --where` with an OR over
// 1,000,000 predictions (a scores.<metric> test or a params.<name> test),
// against two baselines measured in the same run on the same workspace: the
// same question written by hand in SQL (store.sql), and the unfiltered top.
// Each iteration runs all three, so their ratio is robust to a noisy machine.
#include <benchmark/benchmark.h>

#include <chrono>
#include <filesystem>

#include "n4a/workspace_store.h"
#include "prediction_rows.h"
#include "util/database.h"

namespace n4a {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kWhere = "scores.r2 > 0.9 or params.n_components < 3";

// The same question, by hand: the model's n_components is its last step's.
constexpr const char* kHandWritten =
    "SELECT p.prediction_id, p.val_score FROM predictions p JOIN chains c USING (chain_id) "
    "WHERE p.partition = 'val' AND (CAST(json_extract_string(p.scores, '$.r2') AS DOUBLE) > 0.9 "
    "OR CAST(json_extract_string(c.steps, '$[1].params.n_components') AS INTEGER) < 3) "
    "ORDER BY p.val_score, p.rowid LIMIT 10";

double Millis(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

// A workspace with bench::kRows predictions, their pipelines, and one chain
// per pipeline (SNV > PLS(n), n from 1 to 15); removed when the process ends.
class BenchWorkspace {
 public:
  BenchWorkspace() : dir_(std::filesystem::temp_directory_path() / "n4a-bench-query") {
    std::filesystem::remove_all(dir_);
    if (!WorkspaceStore::open(path()).ok()) std::abort();  // layout and schema
    auto con = db::Connection::open(path() + "/store.duckdb", db::AccessMode::kReadWrite);
    if (!con.ok()) std::abort();
    auto pipelines = bench::PipelineIds();
    for (int64_t first = 0; first < bench::kRows; first += bench::kChunk) {
      bench::AppendPredictions(**con, bench::MakeChunk(pipelines, first));
    }
    Status s = (*con)->exec(
        "INSERT INTO runs (run_id, name, status) VALUES ('bench', 'bench', 'completed');"
        "INSERT INTO pipelines (pipeline_id, run_id, name, status, dataset_name) "
        "SELECT DISTINCT pipeline_id, 'bench', 'p', 'completed', 'gasoline' FROM predictions;"
        "INSERT INTO chains (chain_id, pipeline_id, steps, model_class, metric) "
        "SELECT pipeline_id, pipeline_id, json_array(json_object('operator', 'SNV', 'params', "
        "json_object()), json_object('operator', 'PLSRegression', 'params', "
        "json_object('n_components', hash(pipeline_id) % 15 + 1, 'scale', false))), "
        "'PLSRegression', 'rmse' FROM pipelines;");
    if (!s.ok()) std::abort();
  }
  ~BenchWorkspace() { std::filesystem::remove_all(dir_); }
  BenchWorkspace(const BenchWorkspace&) = delete;
  BenchWorkspace& operator=(const BenchWorkspace&) = delete;

  std::string path() const { return (dir_ / "ws").string(); }

 private:
  std::filesystem::path dir_;
};

std::string Workspace() {
  static const BenchWorkspace workspace;
  return workspace.path();
}

void BM_TopWhereOr1M(benchmark::State& state) {
  auto store = WorkspaceStore::open(Workspace());
  if (!store.ok()) std::abort();
  TopQuery filtered;
  filtered.where = *ParseFilter(kWhere);
  double where_ms = 0, sql_ms = 0, plain_ms = 0;
  for (auto _ : state) {
    auto start = Clock::now();
    auto top = (*store)->top_predictions(filtered);
    double ms = Millis(start);
    start = Clock::now();
    auto by_hand = (*store)->sql(kHandWritten);
    sql_ms += Millis(start);
    start = Clock::now();
    auto plain = (*store)->top_predictions({});
    plain_ms += Millis(start);
    if (!top.ok() || !by_hand.ok() || !plain.ok() || top->rows.size() != 10 ||
        by_hand->rows.size() != 10) {
      std::abort();
    }
    // The filter and the hand-written SQL must agree on the winner.
    if (top->rows[0][top->column_index("prediction_id")] != by_hand->rows[0][0]) std::abort();
    where_ms += ms;
    state.SetIterationTime(ms / 1000);
  }
  double n = static_cast<double>(state.iterations());
  state.counters["where_ms"] = where_ms / n;
  state.counters["handwritten_sql_ms"] = sql_ms / n;
  state.counters["unfiltered_top_ms"] = plain_ms / n;
  state.counters["ratio_to_handwritten"] = where_ms / sql_ms;
  state.counters["ratio_to_unfiltered"] = where_ms / plain_ms;
  state.SetLabel(std::string("top 10 where ") + kWhere + ", includes the read window");
}
BENCHMARK(BM_TopWhereOr1M)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(10);

// The same filter on `n4a predictions` (every matching row of a page).
void BM_PredictionsWhere1M(benchmark::State& state) {
  auto store = WorkspaceStore::open(Workspace());
  if (!store.ok()) std::abort();
  PredictionFilter f;
  f.where = *ParseFilter(kWhere);
  f.limit = 1000;
  for (auto _ : state) {
    auto rows = (*store)->query_predictions(f);
    if (!rows.ok() || rows->rows.size() != 1000) std::abort();
  }
  state.SetLabel(std::string("first 1000 where ") + kWhere);
}
BENCHMARK(BM_PredictionsWhere1M)->Unit(benchmark::kMillisecond)->Iterations(10);

}  // namespace
}  // namespace n4a

BENCHMARK_MAIN();
