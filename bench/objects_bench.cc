// Benchmarks of the objects layer (issue 3 figures), each with the baseline
// it is compared to measured in the same process:
//   - artifact puts (64 MB objects; N x 64 KB objects) and dedup hits, as MB/s
//     and as a ratio to in-process SHA-256 of the same bytes (the ceiling);
//   - prediction arrays: write P predictions x S samples (y_true + y_pred),
//     as MB/s and as a ratio to a raw sequential write + fsync of the disk;
//     read one prediction by id, and one pipeline's 50 predictions (ms);
//   - sweep over F artifact files with 50% garbage (s).
//
//   n4a_objects_bench [google-benchmark flags]
//       [--arrays_predictions=100000] [--arrays_samples=1000]
//       [--small_objects=10000] [--sweep_files=100000]
// Files go to a temporary folder that is removed at exit.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "objects/array_store.h"
#include "objects/artifact_store.h"
#include "util/fault_injection_env.h"
#include "util/sha256.h"
#include "util/uuid.h"

namespace n4a::objects {
namespace {

constexpr size_t kMB = size_t{1} << 20;
constexpr size_t kLargeObject = 64 * kMB;
constexpr size_t kSmallObject = 64 * 1024;
constexpr size_t kPartRows = 10000;  // predictions per write_part() call
constexpr int kPipelineIds = 50;

struct Flags {
  int64_t arrays_predictions = 100000;
  int64_t arrays_samples = 1000;
  int64_t small_objects = 10000;
  int64_t sweep_files = 100000;
};
Flags g_flags;
std::filesystem::path g_root;  // removed at exit

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// A fresh folder under g_root for one benchmark.
std::string NewFolder(const std::string& name) {
  auto dir = g_root / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

// xorshift64*: fast, deterministic, incompressible-looking bytes.
struct Noise {
  uint64_t state;
  uint64_t next() {
    state ^= state >> 12, state ^= state << 25, state ^= state >> 27;
    return state * 0x2545F4914F6CDD1DULL;
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

std::string RandomBytes(size_t n, uint64_t seed) {
  Noise rng{seed * 0x9E3779B97F4A7C15ULL + 1};
  std::string out(n, '\0');
  for (size_t i = 0; i + 8 <= n; i += 8) {
    uint64_t v = rng.next();
    std::memcpy(out.data() + i, &v, 8);
  }
  return out;
}

// Makes `bytes` a new object: stamps a counter into its first 8 bytes.
void Stamp(std::string& bytes, uint64_t counter) {
  std::memcpy(bytes.data(), &counter, sizeof(counter));
}

// The ceiling: SHA-256 MB/s of `size`-byte buffers, best of a few runs.
double HashMBps(size_t size) {
  static std::unordered_map<size_t, double> cache;
  if (auto it = cache.find(size); it != cache.end()) return it->second;
  std::string bytes = RandomBytes(size, 7);
  const int reps = static_cast<int>(std::max<size_t>(1, 256 * kMB / size));
  double best = 0;
  for (int round = 0; round < 3; ++round) {
    auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < reps; ++i) benchmark::DoNotOptimize(Sha256Hex(bytes));
    best = std::max(best, static_cast<double>(size) * reps / kMB / Seconds(t0));
  }
  return cache[size] = best;
}

void ReportRate(benchmark::State& state, double bytes, double seconds, double ceiling_mbps) {
  double mbps = bytes / kMB / seconds;
  state.counters["MB_per_s"] = mbps;
  state.counters["baseline_MB_per_s"] = ceiling_mbps;
  state.counters["ratio_to_baseline"] = mbps / ceiling_mbps;
}

// --- Baselines.

void BM_Sha256_64MB(benchmark::State& state) {
  std::string bytes = RandomBytes(kLargeObject, 1);
  for (auto _ : state) benchmark::DoNotOptimize(Sha256Hex(bytes));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kLargeObject));
  state.counters["MB_per_s"] = HashMBps(kLargeObject);
}
BENCHMARK(BM_Sha256_64MB)->Iterations(4)->Unit(benchmark::kMillisecond)->UseRealTime();

// Raw sequential write + fsync of 256 MB: what "disk speed" means here.
double DiskMBps() {
  static double cached = 0;
  if (cached > 0) return cached;
  std::string bytes = RandomBytes(256 * kMB, 3);
  std::string path = NewFolder("disk") + "/raw.bin";
  auto t0 = std::chrono::steady_clock::now();
  auto file = *Env::Default()->new_writable_file(path);
  for (size_t off = 0; off < bytes.size(); off += 4 * kMB) {
    (void)file->append(std::string_view(bytes).substr(off, 4 * kMB));
  }
  (void)file->sync();
  (void)file->close();
  cached = static_cast<double>(bytes.size()) / kMB / Seconds(t0);
  std::filesystem::remove(path);
  return cached;
}

void BM_DiskWriteFsync_256MB(benchmark::State& state) {
  for (auto _ : state) state.counters["MB_per_s"] = DiskMBps();
}
BENCHMARK(BM_DiskWriteFsync_256MB)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// --- Artifacts.

void BM_ArtifactPut_64MB(benchmark::State& state) {
  ArtifactStore store(Env::Default(), NewFolder("put64"));
  std::string bytes = RandomBytes(kLargeObject, 2);
  uint64_t counter = 0;
  double seconds = 0;
  for (auto _ : state) {
    Stamp(bytes, ++counter);
    auto t0 = std::chrono::steady_clock::now();
    auto r = store.put(bytes, "bin");
    seconds += Seconds(t0);
    if (!r.ok() || !r->newly_written) state.SkipWithError("put failed");
  }
  ReportRate(state, static_cast<double>(counter * kLargeObject), seconds, HashMBps(kLargeObject));
}
BENCHMARK(BM_ArtifactPut_64MB)->Iterations(6)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ArtifactDedupHit_64MB(benchmark::State& state) {
  ArtifactStore store(Env::Default(), NewFolder("dedup64"));
  std::string bytes = RandomBytes(kLargeObject, 4);
  (void)store.put(bytes, "bin");
  double seconds = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = store.put(bytes, "bin");
    seconds += Seconds(t0);
    if (!r.ok() || r->newly_written) state.SkipWithError("expected a dedup hit");
  }
  ReportRate(state, static_cast<double>(state.iterations() * kLargeObject), seconds,
             HashMBps(kLargeObject));
}
BENCHMARK(BM_ArtifactDedupHit_64MB)->Iterations(6)->Unit(benchmark::kMillisecond)->UseRealTime();

// Puts g_flags.small_objects distinct 64 KB objects, then puts them all again
// (dedup hits).
void BM_ArtifactPut_Small64KB(benchmark::State& state) {
  ArtifactStore store(Env::Default(), NewFolder("put64k"));
  std::string bytes = RandomBytes(kSmallObject, 5);
  const auto n = static_cast<uint64_t>(g_flags.small_objects);
  double put_s = 0, dedup_s = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    for (uint64_t i = 0; i < n; ++i) {
      Stamp(bytes, i);
      if (!store.put(bytes, "bin").ok()) state.SkipWithError("put failed");
    }
    put_s = Seconds(t0);
    t0 = std::chrono::steady_clock::now();
    for (uint64_t i = 0; i < n; ++i) {
      Stamp(bytes, i);
      if (store.put(bytes, "bin")->newly_written) state.SkipWithError("expected a dedup hit");
    }
    dedup_s = Seconds(t0);
  }
  const double total = static_cast<double>(n * kSmallObject);
  ReportRate(state, total, put_s, HashMBps(kSmallObject));
  state.counters["objects"] = static_cast<double>(n);
  state.counters["objects_per_s"] = static_cast<double>(n) / put_s;
  state.counters["dedup_MB_per_s"] = total / kMB / dedup_s;
  state.counters["dedup_ratio_to_baseline"] = total / kMB / dedup_s / HashMBps(kSmallObject);
}
BENCHMARK(BM_ArtifactPut_Small64KB)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// --- Arrays.

struct ArraysFixture {
  std::unique_ptr<ArrayStore> store;
  std::vector<std::string> parts;
  std::vector<std::vector<std::string>> ids;  // per part, sorted
  double write_seconds = 0;
  double raw_bytes = 0;
  uint64_t file_bytes = 0;
};
std::unique_ptr<ArraysFixture> g_arrays;

std::vector<ArrayRow> MakeArrayRows(size_t count, size_t samples, Noise& rng) {
  std::vector<ArrayRow> rows(count);
  for (auto& r : rows) {
    r.prediction_id = NewUuidV7();
    r.dataset_name = "bench";
    r.model_name = "PLSRegression";
    r.fold_id = "fold_0";
    r.partition = "val";
    r.metric = "rmse";
    r.task_type = "regression";
    r.val_score = rng.unit();
    r.arrays.y_true.resize(samples);
    r.arrays.y_pred.resize(samples);
    for (size_t j = 0; j < samples; ++j) {
      r.arrays.y_true[j] = 10.0 * rng.unit();
      r.arrays.y_pred[j] = r.arrays.y_true[j] + 0.1 * rng.unit();
    }
  }
  return rows;
}

// Writes the predictions in parts of kPartRows (generation is not timed).
ArraysFixture* Arrays() {
  if (g_arrays) return g_arrays.get();
  auto fx = std::make_unique<ArraysFixture>();
  std::string root = NewFolder("arrays");
  fx->store = std::make_unique<ArrayStore>(Env::Default(), root);
  Noise rng{11};
  const auto total = static_cast<size_t>(g_flags.arrays_predictions);
  const auto samples = static_cast<size_t>(g_flags.arrays_samples);
  for (size_t done = 0; done < total; done += kPartRows) {
    auto rows = MakeArrayRows(std::min(kPartRows, total - done), samples, rng);
    auto t0 = std::chrono::steady_clock::now();
    auto part = fx->store->write_part("bench", rows);
    fx->write_seconds += Seconds(t0);
    if (!part.ok()) {
      std::fprintf(stderr, "write_part: %s\n", part.status().ToString().c_str());
      std::exit(1);
    }
    fx->parts.push_back(*part);
    fx->ids.emplace_back();
    for (const auto& r : rows) fx->ids.back().push_back(r.prediction_id);
    fx->raw_bytes += static_cast<double>(rows.size() * samples * 2 * sizeof(double));
    fx->file_bytes += std::filesystem::file_size(std::filesystem::path(root) / *part);
  }
  g_arrays = std::move(fx);
  return g_arrays.get();
}

void BM_ArraysWrite(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Arrays());
  ArraysFixture* fx = Arrays();
  ReportRate(state, fx->raw_bytes, fx->write_seconds, DiskMBps());
  state.counters["predictions"] = static_cast<double>(g_flags.arrays_predictions);
  state.counters["samples"] = static_cast<double>(g_flags.arrays_samples);
  state.counters["write_s"] = fx->write_seconds;
  state.counters["parquet_MB"] = static_cast<double>(fx->file_bytes) / kMB;
}
BENCHMARK(BM_ArraysWrite)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// Reads one prediction by id, from the part the catalog says holds it
// (range(0) = 1) or searching every part (range(0) = 0).
void BM_ArraysReadOne(benchmark::State& state) {
  ArraysFixture* fx = Arrays();
  const bool known_part = state.range(0) == 1;
  size_t i = 0;
  double seconds = 0;
  for (auto _ : state) {
    size_t part = (i * 7) % fx->parts.size();
    const auto& ids = fx->ids[part];
    const std::string& id = ids[(i++ * 7919) % ids.size()];
    auto files = known_part ? std::vector<std::string>{fx->parts[part]} : fx->parts;
    auto t0 = std::chrono::steady_clock::now();
    auto rows = fx->store->read(files, {id});
    seconds += Seconds(t0);
    if (!rows.ok() || rows->size() != 1) state.SkipWithError("point read failed");
  }
  state.counters["ms_per_read"] = 1e3 * seconds / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ArraysReadOne)
    ->Arg(1)
    ->Arg(0)
    ->Iterations(20)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Reads the 50 consecutive predictions of one pipeline from their part.
void BM_ArraysReadPipeline50(benchmark::State& state) {
  ArraysFixture* fx = Arrays();
  size_t i = 0;
  double bytes = 0, seconds = 0;
  for (auto _ : state) {
    size_t part = i++ % fx->parts.size();
    const auto& ids = fx->ids[part];
    size_t start = (i * 977) % (ids.size() - std::min(ids.size(), size_t{kPipelineIds}) + 1);
    std::vector<std::string> want(
        ids.begin() + static_cast<std::ptrdiff_t>(start),
        ids.begin() + static_cast<std::ptrdiff_t>(std::min(ids.size(), start + kPipelineIds)));
    auto t0 = std::chrono::steady_clock::now();
    auto rows = fx->store->read({fx->parts[part]}, want);
    seconds += Seconds(t0);
    if (!rows.ok() || rows->size() != want.size()) state.SkipWithError("pipeline read failed");
    bytes += static_cast<double>(want.size() * g_flags.arrays_samples * 2 * sizeof(double));
  }
  state.counters["ms_per_read"] = 1e3 * seconds / static_cast<double>(state.iterations());
  state.counters["MB_per_s"] = bytes / kMB / seconds;
}
BENCHMARK(BM_ArraysReadPipeline50)->Iterations(20)->Unit(benchmark::kMillisecond)->UseRealTime();

// --- Sweep.

// F artifact files (small, not fsynced: only the sweep is measured), half of
// them live; the clock is moved past the grace period.
void BM_ArtifactSweep(benchmark::State& state) {
  std::string root = NewFolder("sweep");
  FaultInjectionEnv env;
  ArtifactStore store(&env, root);
  std::unordered_set<std::string> live;
  const auto n = static_cast<size_t>(g_flags.sweep_files);
  for (int s = 0; s < 256; ++s) {
    char shard[3];
    std::snprintf(shard, sizeof(shard), "%02x", s);
    std::filesystem::create_directories(std::filesystem::path(root) / "artifacts" / shard);
  }
  for (size_t i = 0; i < n; ++i) {
    std::string hash = Sha256Hex(std::to_string(i));
    std::string rel = *ArtifactStore::RelativePathFor(hash, "bin");
    std::ofstream(std::filesystem::path(root) / rel) << hash;
    if (i % 2 == 0) live.insert(rel);
  }
  env.set_now_micros(Env::Default()->now_micros() + int64_t{7200} * 1000000);
  int64_t removed = 0;
  double seconds = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    auto report = store.sweep(live, int64_t{3600} * 1000000, DryRun::kNo);
    seconds = Seconds(t0);
    if (!report.ok()) state.SkipWithError("sweep failed");
    removed = report->files_removed;
  }
  state.counters["files"] = static_cast<double>(n);
  state.counters["files_removed"] = static_cast<double>(removed);
  state.counters["seconds"] = seconds;
}
BENCHMARK(BM_ArtifactSweep)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

// Removes "--name=value" from argv into `out`; true if found.
bool TakeFlag(int* argc, char** argv, const char* name, int64_t* out) {
  std::string prefix = std::string("--") + name + "=";
  for (int i = 1; i < *argc; ++i) {
    if (std::string_view(argv[i]).rfind(prefix, 0) != 0) continue;
    *out = std::atoll(argv[i] + prefix.size());
    for (int j = i; j + 1 < *argc; ++j) argv[j] = argv[j + 1];
    --*argc;
    return true;
  }
  return false;
}

}  // namespace
}  // namespace n4a::objects

int main(int argc, char** argv) {
  using namespace n4a::objects;
  TakeFlag(&argc, argv, "arrays_predictions", &g_flags.arrays_predictions);
  TakeFlag(&argc, argv, "arrays_samples", &g_flags.arrays_samples);
  TakeFlag(&argc, argv, "small_objects", &g_flags.small_objects);
  TakeFlag(&argc, argv, "sweep_files", &g_flags.sweep_files);
  std::string tmpl = (std::filesystem::temp_directory_path() / "n4a-objects-bench-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) return 1;
  g_root = tmpl;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  g_arrays.reset();
  std::filesystem::remove_all(g_root);
  return 0;
}
