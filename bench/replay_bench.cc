// Benchmarks of replay and bundles (issue 6 figures), each with its baseline
// measured in the same run, reported as counters of the same benchmark:
//   - replay of a 5-fold chain without refit (the fold average) on 100,000
//     spectra through replay_chain (artifacts loaded from the workspace and
//     verified, catalog reads, column check), in spectra/s, against the raw
//     ml::apply_chain of the same 5 folds on operators already in memory;
//   - bundle export (ms), against writing the same number of bytes with the
//     same atomic publish (temp file, fsync, rename);
//   - bundle load + predict of 1,000 spectra (ms), against apply_chain of the
//     5 folds on in-memory operators.
// Run from the repository root (bench/run.sh does), or set N4A_SOURCE_DIR.
// The chain (SNV > Savitzky-Golay(11,2,1) > PLS(8)) is fitted on the gasoline
// data (60 x 401); the spectra to predict are its rows with noise.
//
//   n4a_replay_bench [google-benchmark flags] [--replay_spectra=100000]
// Files go to a temporary folder that is removed at exit.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "ml/chain.h"
#include "ml/registry.h"
#include "n4a/replay.h"
#include "pipeline/prepare.h"
#include "pipeline/runner.h"
#include "util/atomic_file.h"

namespace n4a {
namespace {

using Clock = std::chrono::steady_clock;

int64_t g_replay_spectra = 100000;
std::filesystem::path g_root;
std::unique_ptr<WorkspaceStore> g_store;
std::string g_chain_id;
ml::Matrix g_train;  // the gasoline spectra

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// The fold operators of the chain, decoded once (the baseline's input).
struct FoldOps {
  std::vector<std::unique_ptr<ml::Operator>> owned;
  std::vector<const ml::Operator*> transforms;
  const ml::Operator* model = nullptr;
};

std::vector<FoldOps> LoadFolds() {
  auto chain = g_store->get_chain(g_chain_id);
  std::vector<FoldOps> folds(5);
  for (int k = 0; k < 5; ++k) {
    for (const Json& step : chain->steps) {
      auto bytes = g_store->load_artifact(step["artifacts"]["fold_" + std::to_string(k)]);
      auto op = ml::deserialize_operator(*bytes);
      if (!op.ok()) std::abort();
      const ml::Operator* raw = op->get();
      folds[k].owned.push_back(std::move(*op));
      if (raw->kind() == ml::OperatorKind::kModel) {
        folds[k].model = raw;
      } else {
        folds[k].transforms.push_back(raw);
      }
    }
  }
  return folds;
}

// The baseline: the mean of the 5 folds' apply_chain.
ml::Matrix ApplyFolds(const std::vector<FoldOps>& folds, const ml::Matrix& x) {
  ml::Matrix sum;
  for (const FoldOps& f : folds) {
    auto y = ml::apply_chain(f.transforms, f.model, x);
    if (!y.ok()) std::abort();
    sum = sum.size() == 0 ? *y : ml::Matrix(sum + *y);
  }
  return sum / static_cast<double>(folds.size());
}

ml::Matrix NoisySpectra(int64_t n) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(0.0, 1e-3);
  ml::Matrix x(n, g_train.cols());
  for (int64_t i = 0; i < n; ++i) {
    x.row(i) = g_train.row(i % g_train.rows());
    for (Eigen::Index j = 0; j < x.cols(); ++j) x(i, j) += noise(rng);
  }
  return x;
}

void SetRatios(benchmark::State& state, double seconds, double baseline_seconds, int64_t items) {
  const double iterations = static_cast<double>(state.iterations());
  state.counters["ms"] = 1e3 * seconds / iterations;
  state.counters["baseline_ms"] = 1e3 * baseline_seconds / iterations;
  state.counters["x_baseline"] = seconds / baseline_seconds;
  if (items > 0) {
    state.counters["spectra_per_s"] = static_cast<double>(items) * iterations / seconds;
    state.counters["baseline_spectra_per_s"] =
        static_cast<double>(items) * iterations / baseline_seconds;
  }
}

// Each iteration times `measured` (the benchmark's manual time; a non-empty
// return is an error that skips the benchmark), then `baseline`, and reports
// both and their ratio.
void RunAgainstBaseline(benchmark::State& state, int64_t items,
                        const std::function<std::string()>& measured,
                        const std::function<void()>& baseline) {
  double seconds = 0, baseline_seconds = 0;
  for (auto _ : state) {
    auto t0 = Clock::now();
    const std::string error = measured();
    const double s = Seconds(t0);
    if (!error.empty()) {
      state.SkipWithError(error.c_str());
      break;
    }
    t0 = Clock::now();
    baseline();
    baseline_seconds += Seconds(t0);
    seconds += s;
    state.SetIterationTime(s);
  }
  SetRatios(state, seconds, baseline_seconds, items);
}

void BM_ReplayFoldAverage(benchmark::State& state) {
  const ml::Matrix x = NoisySpectra(g_replay_spectra);
  const std::vector<FoldOps> folds = LoadFolds();
  RunAgainstBaseline(
      state, g_replay_spectra,
      [&]() -> std::string {
        auto r = replay_chain(*g_store, g_chain_id, x, {FoldChoice::kAverage, ""});
        return r.ok() && r->folds.size() == 5 ? "" : "replay failed";
      },
      [&] { benchmark::DoNotOptimize(ApplyFolds(folds, x).data()); });
}
BENCHMARK(BM_ReplayFoldAverage)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_BundleExport(benchmark::State& state) {
  const std::string path = (g_root / "bench.n4a").string();
  const std::string copy = (g_root / "copy.bin").string();
  if (!export_chain(*g_store, g_chain_id, path).ok()) std::abort();
  const std::string bytes(std::filesystem::file_size(path), 'x');
  RunAgainstBaseline(
      state, 0,
      [&]() -> std::string {
        auto written = export_chain(*g_store, g_chain_id, path);
        return written.ok() ? "" : written.status().ToString();
      },
      [&] {
        if (!WriteFileAtomic(Env::Default(), copy, bytes).ok()) std::abort();
      });
  state.counters["bundle_kib"] = static_cast<double>(bytes.size()) / 1024;
}
BENCHMARK(BM_BundleExport)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(10);

void BM_BundleLoadPredict1000(benchmark::State& state) {
  const std::string path = (g_root / "load.n4a").string();
  if (!export_chain(*g_store, g_chain_id, path).ok()) std::abort();
  const ml::Matrix x = NoisySpectra(1000);
  const std::vector<FoldOps> folds = LoadFolds();
  RunAgainstBaseline(
      state, 1000,
      [&]() -> std::string {
        auto bundle = Bundle::open(path);
        if (!bundle.ok()) return bundle.status().ToString();
        return (*bundle)->predict(x).ok() ? "" : "predict failed";
      },
      [&] { benchmark::DoNotOptimize(ApplyFolds(folds, x).data()); });
}
BENCHMARK(BM_BundleLoadPredict1000)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(20);

// data/gasoline.csv of the repository: bench/run.sh runs from its root, or
// N4A_SOURCE_DIR names it.
std::string GasolinePath() {
  const char* root = std::getenv("N4A_SOURCE_DIR");
  return std::string(root != nullptr ? root : ".") + "/data/gasoline.csv";
}

void Setup() {
  g_root = std::filesystem::temp_directory_path() /
           ("n4a-replay-bench-" + std::to_string(static_cast<long>(::getpid())));
  std::filesystem::create_directories(g_root);
  auto store = WorkspaceStore::open((g_root / "ws").string());
  if (!store.ok()) std::abort();
  g_store = std::move(*store);
  const Json config = {
      {"name", "bench"},
      {"dataset", {{"path", GasolinePath()}, {"target", "octane"}}},
      {"cv", {{"type", "kfold"}, {"n_splits", 5}, {"shuffle", true}, {"seed", 1}}},
      {"refit", false},
      {"pipeline", Json::parse(R"([{"op": "SNV"}, {"op": "SavitzkyGolay", "deriv": 1},
                                    {"model": "PLSRegression", "n_components": 8}])")}};
  auto run = pipeline::prepare_run(config, {});
  if (!run.ok()) std::abort();
  g_train = run->data.train.data.x;
  auto report = pipeline::run_sweep(*run, g_store.get(), pipeline::RunOptions{});
  if (!report.ok() || report->ranked().empty()) std::abort();
  g_chain_id = report->ranked().front()->chain_id;
}

}  // namespace
}  // namespace n4a

int main(int argc, char** argv) {
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    constexpr const char* kFlag = "--replay_spectra=";
    if (std::strncmp(argv[i], kFlag, std::strlen(kFlag)) == 0) {
      n4a::g_replay_spectra = std::atoll(argv[i] + std::strlen(kFlag));
    } else {
      rest.push_back(argv[i]);
    }
  }
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  n4a::Setup();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  n4a::g_store.reset();
  std::filesystem::remove_all(n4a::g_root);
  return 0;
}
