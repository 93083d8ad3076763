// Benchmarks of the ml layer (issue 4 figures). bench/ml_e2e.sh runs these
// together with the scikit-learn baseline and prints values and ratios.
//
//   n4a_ml_bench [google-benchmark flags]     the benchmarks below
//   n4a_ml_bench --export_pls=DIR             writes the 5,000 x 1,000 PLS
//       data set (x.bin, y.bin: little-endian doubles, row-major), n4a's
//       predictions on it (pred.bin) and n4a's best-of-3 fit time
//       and CPU time (n4a_fit.json), for the sklearn comparison in ml_e2e.sh.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "ml/binary_format.h"
#include "ml/chain.h"
#include "ml/registry.h"

namespace n4a::ml {
namespace {

constexpr Eigen::Index kPlsRows = 5000;
constexpr Eigen::Index kFeatures = 1000;
constexpr Eigen::Index kChainRows = 100000;
constexpr int kComponents = 20;

// xorshift64*: fast, deterministic uniform numbers in [-1, 1).
struct Noise {
  uint64_t state;
  double next() {
    state ^= state >> 12, state ^= state << 25, state ^= state >> 27;
    const uint64_t r = state * 0x2545F4914F6CDD1DULL;
    return static_cast<double>(r >> 11) * 0x1.0p-52 - 1.0;
  }
};

struct Data {
  Matrix x, y;
};

// Spectra-like rows: 6 Gaussian bands with random heights, a baseline
// offset and slope, and small noise; y depends on three band heights.
Data make_spectra(Eigen::Index n, Eigen::Index p, uint64_t seed) {
  Noise rng{seed * 0x9E3779B97F4A7C15ULL + 1};
  constexpr int kBands = 8;
  Matrix shapes(kBands, p);
  for (Eigen::Index j = 0; j < p; ++j) {
    const double u = static_cast<double>(j) / static_cast<double>(p);
    for (int b = 0; b < 6; ++b) shapes(b, j) = std::exp(-std::pow((u - 0.08 - 0.16 * b) / 0.05, 2));
    shapes(6, j) = 1.0;
    shapes(7, j) = u;
  }
  Matrix heights(n, kBands);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (int b = 0; b < kBands; ++b) heights(i, b) = 1.0 + 0.5 * rng.next();
  }
  Data d;
  d.x.noalias() = heights * shapes;
  for (Eigen::Index i = 0; i < d.x.size(); ++i) d.x.data()[i] += 0.002 * rng.next();
  d.y = 3 * heights.col(0) - heights.col(2) + 0.5 * heights.col(4);
  for (Eigen::Index i = 0; i < n; ++i) d.y(i, 0) += 0.01 * rng.next();
  return d;
}

const Data& pls_data() {
  static const Data d = make_spectra(kPlsRows, kFeatures, 1);
  return d;
}

std::unique_ptr<Operator> must(Result<std::unique_ptr<Operator>> r) {
  if (!r.ok()) {
    std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
    std::abort();
  }
  return std::move(r).value();
}

std::unique_ptr<Operator> fitted_pls(const Matrix& x, const Matrix& y) {
  auto pls = must(make_operator("PLSRegression", {{"n_components", kComponents}}));
  if (!pls->fit(x, y).ok()) std::abort();
  return pls;
}

void BM_PlsFit_5000x1000_20comp(benchmark::State& state) {
  const Data& d = pls_data();
  for (auto _ : state) {
    auto pls = fitted_pls(d.x, d.y);
    benchmark::DoNotOptimize(pls);
  }
}
BENCHMARK(BM_PlsFit_5000x1000_20comp)->Unit(benchmark::kMillisecond)->Iterations(5);

// A wide sweep (bench/run_e2e.sh) fits, per prefix and fold, one PLS(20)
// on gasoline-sized data (60 x 401) and cuts the family PLS(1..20) from it.
struct FamilyData {
  Data data = make_spectra(60, 401, 3);
  std::unique_ptr<Operator> largest = fitted_pls(data.x, data.y);
  std::vector<std::unique_ptr<Operator>> members;

  FamilyData() {
    for (int k = 1; k <= kComponents; ++k)
      members.push_back(must(make_operator("PLSRegression", {{"n_components", k}})));
  }
};

FamilyData& family_data() {
  static FamilyData f;
  return f;
}

void BM_PlsFamilyDerive_60x401_20comp(benchmark::State& state) {
  FamilyData& f = family_data();
  for (auto _ : state) {
    for (const auto& member : f.members) {
      auto derived = f.largest->derive(*member);
      benchmark::DoNotOptimize(derived);
    }
  }
}
BENCHMARK(BM_PlsFamilyDerive_60x401_20comp)->Unit(benchmark::kMicrosecond);

// Its baseline: the members' rotations as scikit-learn computes
// x_rotations_, W_k (P_k^T W_k)^+ through an SVD for each k (what deriving
// did before PlsRotations).
void BM_PlsFamilyPinvRotations_60x401_20comp(benchmark::State& state) {
  auto decoded = decode_operator(family_data().largest->serialize());
  if (!decoded.ok()) std::abort();
  Matrix w, p;
  for (const NamedArray& a : decoded->arrays) {
    if (a.name == "x_weights") w = a.values;
    if (a.name == "x_loadings") p = a.values;
  }
  for (auto _ : state) {
    for (int k = 1; k <= kComponents; ++k) {
      const Matrix pw = p.leftCols(k).transpose() * w.leftCols(k);
      Eigen::JacobiSVD<Matrix> svd(pw, Eigen::ComputeThinU | Eigen::ComputeThinV);
      Matrix v = svd.matrixV();
      for (Eigen::Index i = 0; i < k; ++i) v.col(i) /= svd.singularValues()[i];
      Matrix rotations = w.leftCols(k) * (v * svd.matrixU().transpose());
      benchmark::DoNotOptimize(rotations);
    }
  }
}
BENCHMARK(BM_PlsFamilyPinvRotations_60x401_20comp)->Unit(benchmark::kMicrosecond);

struct ChainData {
  Data data = make_spectra(kChainRows, kFeatures, 2);
  std::unique_ptr<Operator> snv = must(make_operator("SNV", nullptr));
  std::unique_ptr<Operator> sg =
      must(make_operator("SavitzkyGolay", {{"window_length", 11}, {"polyorder", 2}, {"deriv", 1}}));
  std::unique_ptr<Operator> pls;

  ChainData() {
    const Matrix head = data.x.topRows(5000);
    const Operator* steps[] = {snv.get(), sg.get()};
    auto pre = apply_chain(steps, nullptr, head);
    pls = fitted_pls(*pre, data.y.topRows(5000));
  }
};

ChainData& chain_data() {
  static ChainData c;
  return c;
}

double matrix_bytes() {
  return static_cast<double>(kChainRows * kFeatures * 8);
}

void BM_MatrixCopy_100000x1000(benchmark::State& state) {
  const Matrix& x = chain_data().data.x;
  Matrix out = Matrix::Zero(x.rows(), x.cols());  // pre-faulted
  for (auto _ : state) {
    out = x;
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * matrix_bytes()));
}
BENCHMARK(BM_MatrixCopy_100000x1000)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_SnvSgPlsPredict_100000x1000(benchmark::State& state) {
  ChainData& c = chain_data();
  const Operator* steps[] = {c.snv.get(), c.sg.get()};
  for (auto _ : state) {
    auto pred = apply_chain(steps, c.pls.get(), c.data.x);
    if (!pred.ok()) state.SkipWithError(pred.status().ToString().c_str());
    benchmark::DoNotOptimize(pred);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * matrix_bytes()));
}
BENCHMARK(BM_SnvSgPlsPredict_100000x1000)->Unit(benchmark::kMillisecond)->MinTime(2.0);

const Operator& pls20() {
  static const std::unique_ptr<Operator> pls = [] {
    const Data d = make_spectra(500, kFeatures, 3);
    return fitted_pls(d.x, d.y);
  }();
  return *pls;
}

void BM_PlsSerialize_20comp_1000feat(benchmark::State& state) {
  const Operator& pls = pls20();
  for (auto _ : state) benchmark::DoNotOptimize(pls.serialize());
  state.counters["bytes"] = static_cast<double>(pls.serialize().size());
}
BENCHMARK(BM_PlsSerialize_20comp_1000feat)->Unit(benchmark::kMicrosecond);

void BM_PlsDeserialize_20comp_1000feat(benchmark::State& state) {
  const std::string bytes = pls20().serialize();
  for (auto _ : state) {
    auto op = deserialize_operator(bytes);
    if (!op.ok()) state.SkipWithError(op.status().ToString().c_str());
    benchmark::DoNotOptimize(op);
  }
}
BENCHMARK(BM_PlsDeserialize_20comp_1000feat)->Unit(benchmark::kMicrosecond);

bool write_doubles(const std::string& path, const Matrix& m) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(m.data()), static_cast<std::streamsize>(m.size() * 8));
  return static_cast<bool>(out);
}

int export_pls(const std::string& dir) {
  const Data& d = pls_data();
  double best = 1e300, best_cpu = 1e300;
  std::unique_ptr<Operator> pls;
  for (int r = 0; r < 5; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    pls = fitted_pls(d.x, d.y);
    const std::chrono::duration<double> dt = std::chrono::steady_clock::now() - t0;
    best = std::min(best, dt.count());
    best_cpu = std::min(best_cpu, static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
  }
  auto pred = pls->predict(d.x);
  if (!pred.ok() || !write_doubles(dir + "/x.bin", d.x) || !write_doubles(dir + "/y.bin", d.y) ||
      !write_doubles(dir + "/pred.bin", *pred)) {
    std::fprintf(stderr, "export to %s failed\n", dir.c_str());
    return 1;
  }
  std::ofstream(dir + "/n4a_fit.json")
      << "{\"rows\": " << kPlsRows << ", \"cols\": " << kFeatures
      << ", \"n_components\": " << kComponents << ", \"fit_seconds\": " << best
      << ", \"fit_cpu_seconds\": " << best_cpu << "}\n";
  return 0;
}

}  // namespace
}  // namespace n4a::ml

int main(int argc, char** argv) {
  constexpr std::string_view kExport = "--export_pls=";
  if (argc == 2 && std::string_view(argv[1]).starts_with(kExport)) {
    return n4a::ml::export_pls(std::string(argv[1] + kExport.size()));
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
