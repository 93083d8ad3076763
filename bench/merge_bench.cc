// Merge and backup figures of issue 7, with their baseline measured in the
// same process: a plain recursive copy of the source workspace's folder
// (what `cp -r` does: no fsync), alone and followed by sync(2).
//   - merge of a workspace with 100,000 predictions (with arrays) and 10,000
//     artifacts into an empty workspace, into a workspace that already holds
//     it all (the idempotent second merge) and into itself (s);
//   - a full backup of it, and an incremental one into that backup (s).
// Each figure has a counter `vs_copy`: its time / the plain copy's time.
//
//   n4a_merge_bench [google-benchmark flags] [--chains=10000] [--folds=10]
//       [--samples=50]
// Files go to a temporary folder that is removed at exit.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "n4a/workspace_store.h"

namespace n4a {
namespace {

namespace fs = std::filesystem;
using Store = WorkspaceStore;

struct Flags {
  int64_t chains = 10'000;  // one artifact each
  int64_t folds = 10;       // predictions per chain
  int64_t samples = 50;     // per prediction array
};
Flags g_flags;
fs::path g_root;
double g_copy_seconds = 0;  // the baseline, measured first

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

std::unique_ptr<Store> Open(const std::string& path) {
  auto s = Store::open(path);
  if (!s.ok()) {
    std::fprintf(stderr, "open %s: %s\n", path.c_str(), s.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(s).value();
}

void Check(const Status& s, const char* what) {
  if (s.ok()) return;
  std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
  std::exit(1);
}

// 2 KB of bytes unique to `i`: a stand-in for a small fitted model.
std::string ModelBytes(int64_t i) {
  std::string bytes(2048, '\0');
  uint64_t x = 0x9e3779b97f4a7c15ULL * static_cast<uint64_t>(i + 1);
  for (char& c : bytes) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    c = static_cast<char>(x);
  }
  return bytes;
}

// Artifacts are saved from 8 threads (the store hashes and writes them
// outside its lock); chains and predictions are buffered and committed.
std::vector<std::string> SaveArtifacts(Store& store) {
  std::vector<std::string> ids(static_cast<size_t>(g_flags.chains));
  std::vector<std::thread> pool;
  for (int t = 0; t < 8; ++t) {
    pool.emplace_back([&, t] {
      for (int64_t i = t; i < g_flags.chains; i += 8) {
        auto id = store.save_artifact(ModelBytes(i), "PLSRegression", "model", "bin");
        Check(id.status(), "save_artifact");
        ids[static_cast<size_t>(i)] = *id;
      }
    });
  }
  for (auto& th : pool) th.join();
  return ids;
}

const std::string& Source() {
  static const std::string path = [] {
    std::string folder = (g_root / "source").string();
    auto s = Open(folder);
    auto start = std::chrono::steady_clock::now();
    std::vector<std::string> artifacts = SaveArtifacts(*s);
    std::string run = *s->begin_run("bench", {}, {});
    std::string pipeline;
    PredictionArrays arrays;
    arrays.y_true.assign(static_cast<size_t>(g_flags.samples), 1.0);
    arrays.y_pred.assign(static_cast<size_t>(g_flags.samples), 1.5);
    for (int64_t i = 0; i < g_flags.samples; ++i) arrays.sample_indices.push_back(i);
    for (int64_t c = 0; c < g_flags.chains; ++c) {
      if (c % 100 == 0) pipeline = *s->begin_pipeline(run, "p", {}, {}, "bench", "h");
      ChainRecord chain;
      chain.pipeline_id = pipeline;
      chain.model_name = "PLS";
      chain.metric = "rmse";
      chain.dataset_name = "bench";
      chain.fold_artifacts = {{"fold_final", artifacts[static_cast<size_t>(c)]}};
      chain.cv_val_score = 1.0 + static_cast<double>(c % 97) / 100;
      std::string chain_id = *s->save_chain(chain);
      for (int64_t f = 0; f < g_flags.folds; ++f) {
        PredictionRecord p;
        p.pipeline_id = pipeline;
        p.chain_id = chain_id;
        p.dataset_name = "bench";
        p.model_name = "PLS";
        p.fold_id = "fold_" + std::to_string(f);
        p.partition = "val";
        p.val_score = *chain.cv_val_score;
        p.metric = "rmse";
        p.n_samples = g_flags.samples;
        Check(s->save_prediction(p, arrays).status(), "save_prediction");
      }
    }
    Check(s->close(), "close");
    std::fprintf(stderr, "source workspace: %lld chains, %lld predictions, built in %.1f s\n",
                 static_cast<long long>(g_flags.chains),
                 static_cast<long long>(g_flags.chains * g_flags.folds), Seconds(start));
    return folder;
  }();
  return path;
}

void Report(benchmark::State& state, double seconds) {
  state.SetIterationTime(seconds);
  state.counters["seconds"] = seconds;
  if (g_copy_seconds > 0) state.counters["vs_copy"] = seconds / g_copy_seconds;
}

void BM_CopyRecursive(benchmark::State& state) {
  const std::string& source = Source();
  const bool sync_after = state.range(0) != 0;
  for (auto _ : state) {
    fs::remove_all(g_root / "copy");
    ::sync();
    auto start = std::chrono::steady_clock::now();
    fs::copy(source, g_root / "copy", fs::copy_options::recursive);
    if (sync_after) ::sync();
    double seconds = Seconds(start);
    if (!sync_after) g_copy_seconds = seconds;
    Report(state, seconds);
  }
  fs::remove_all(g_root / "copy");
}
BENCHMARK(BM_CopyRecursive)
    ->Arg(0)
    ->Arg(1)
    ->UseManualTime()
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

void BM_MergeIntoEmpty(benchmark::State& state) {
  const std::string& source = Source();
  for (auto _ : state) {
    fs::remove_all(g_root / "target");
    auto target = Open((g_root / "target").string());
    ::sync();
    auto start = std::chrono::steady_clock::now();
    Check(target->merge_from(source, {}).status(), "merge");
    Report(state, Seconds(start));
  }
}
BENCHMARK(BM_MergeIntoEmpty)->UseManualTime()->Iterations(1)->Unit(benchmark::kSecond);

// The target of BM_MergeIntoEmpty already holds everything: all skipped.
void BM_MergeAgain(benchmark::State& state) {
  const std::string& source = Source();
  auto target = Open((g_root / "target").string());
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    auto r = target->merge_from(source, {});
    Check(r.status(), "merge again");
    Report(state, Seconds(start));
    for (const auto& t : r->tables) {
      if (t.added + t.replaced != 0) Check(Status::Internal(t.table), "second merge changed");
    }
  }
}
BENCHMARK(BM_MergeAgain)->UseManualTime()->Iterations(1)->Unit(benchmark::kSecond);

void BM_MergeIntoItself(benchmark::State& state) {
  const std::string& source = Source();
  auto store = Open(source);
  for (auto _ : state) {
    auto start = std::chrono::steady_clock::now();
    Check(store->merge_from(source, {}).status(), "merge into itself");
    Report(state, Seconds(start));
  }
}
BENCHMARK(BM_MergeIntoItself)->UseManualTime()->Iterations(1)->Unit(benchmark::kSecond);

void BM_Backup(benchmark::State& state) {
  const std::string& source = Source();
  auto store = Open(source);
  const bool incremental = state.range(0) != 0;
  for (auto _ : state) {
    if (!incremental) fs::remove_all(g_root / "backup");
    ::sync();
    Store::BackupOptions o;
    o.incremental = incremental ? Store::Incremental::kYes : Store::Incremental::kNo;
    auto start = std::chrono::steady_clock::now();
    Check(store->backup((g_root / "backup").string(), o).status(), "backup");
    Report(state, Seconds(start));
  }
}
BENCHMARK(BM_Backup)->Arg(0)->Arg(1)->UseManualTime()->Iterations(1)->Unit(benchmark::kSecond);

bool ParseFlag(const char* arg, const char* name, int64_t& out) {
  size_t n = std::strlen(name);
  if (std::strncmp(arg, name, n) != 0 || arg[n] != '=') return false;
  out = std::atoll(arg + n + 1);
  return true;
}

}  // namespace
}  // namespace n4a

int main(int argc, char** argv) {
  using namespace n4a;
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (ParseFlag(argv[i], "--chains", g_flags.chains) ||
        ParseFlag(argv[i], "--folds", g_flags.folds) ||
        ParseFlag(argv[i], "--samples", g_flags.samples)) {
      continue;
    }
    rest.push_back(argv[i]);
  }
  g_root = fs::temp_directory_path() / ("n4a_merge_bench_" + std::to_string(::getpid()));
  fs::create_directories(g_root);
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  fs::remove_all(g_root);
  return 0;
}
