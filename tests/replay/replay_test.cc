// Replay of recorded chains and .n4a bundles: predictions equal what the run
// recorded, bundles predict bit for bit as the workspace, damaged bundles
// are refused with Corruption.
#include "n4a/replay.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "ml/dataset.h"
#include "ml/registry.h"
#include "pipeline/prepare.h"
#include "pipeline/runner.h"
#include "replay/stored_chain.h"
#include "replay/zip_archive.h"
#include "support/test_util.h"

namespace n4a {
namespace {

using n4a::testing::SourcePath;
using n4a::testing::TempDir;

Json gasoline_config(bool refit) {
  return {{"name", "replay"},
          {"dataset",
           {{"path", SourcePath("data/gasoline.csv").string()},
            {"target", "octane"},
            {"test", {{"rows", "51-60"}}}}},
          {"cv", {{"type", "kfold"}, {"n_splits", 4}, {"shuffle", true}, {"seed", 3}}},
          {"refit", refit},
          {"pipeline", Json::parse(R"([{"op": "MSC"}, {"op": "SavitzkyGolay", "deriv": 1},
                                       {"model": "PLSRegression", "n_components": {"_or_": [2, 4]}}])")}};
}

// One recorded run; the tests of this file replay its PLS(2) chain, whose
// model is derived from PLS(4)'s fit in each fold (docs/formats/chain.md).
class ReplayTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    auto store = WorkspaceStore::open((dir_->path() / "ws").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = store->release();
    auto run = pipeline::prepare_run(gasoline_config(true), {});
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    run_ = new pipeline::PreparedRun(std::move(*run));
    auto report = pipeline::run_sweep(*run_, store_, pipeline::RunOptions{});
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    ASSERT_EQ(report->variants.size(), 2u);
    chain_id_ = report->variants.front().chain_id;
    auto chain = store_->get_chain(chain_id_);
    ASSERT_TRUE(chain.ok());
    ASSERT_EQ(chain->steps.back()["derived"], true);
  }
  static void TearDownTestSuite() {
    delete store_;
    delete run_;
    delete dir_;
  }

  // The recorded y_pred of the chain's prediction (fold, partition).
  static std::vector<double> recorded(const std::string& fold, const std::string& partition,
                                      std::vector<int64_t>* rows = nullptr) {
    PredictionFilter f;
    f.chain_id = chain_id_;
    f.fold_id = fold;
    f.partition = partition;
    auto t = store_->query_predictions(f);
    EXPECT_TRUE(t.ok() && t->rows.size() == 1u);
    if (!t.ok() || t->rows.size() != 1u) return {};
    auto a = store_->load_prediction_arrays(
        std::get<std::string>(t->rows[0][t->column_index("prediction_id")]));
    EXPECT_TRUE(a.ok());
    if (rows != nullptr) *rows = a->sample_indices;
    return a->y_pred;
  }

  static const Spectra& test_x() { return run_->data.test->data.x; }

  static TempDir* dir_;
  static WorkspaceStore* store_;
  static pipeline::PreparedRun* run_;
  static std::string chain_id_;
};

TempDir* ReplayTest::dir_ = nullptr;
WorkspaceStore* ReplayTest::store_ = nullptr;
pipeline::PreparedRun* ReplayTest::run_ = nullptr;
std::string ReplayTest::chain_id_;

ReplayOptions fold(const std::string& id) {
  return {FoldChoice::kOne, id};
}

TEST_F(ReplayTest, RefitModelReproducesTheRecordedTestPredictions) {
  auto r = replay_chain(*store_, chain_id_, test_x());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->folds, std::vector<std::string>{"fold_final"});
  const std::vector<double> want = recorded("fold_final", "test");
  ASSERT_EQ(want.size(), 10u);
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_NEAR(r->predictions(static_cast<Eigen::Index>(i), 0), want[i], 1e-9);
}

TEST_F(ReplayTest, EachFoldReproducesItsOutOfFoldPredictions) {
  std::vector<int64_t> rows;
  const std::vector<double> want = recorded("fold_2", "val", &rows);
  // sample_indices are rows of the file; the train partition is rows 0..49.
  std::vector<Eigen::Index> idx(rows.begin(), rows.end());
  auto all = ml::load_csv(SourcePath("data/gasoline.csv").string(), {{"octane"}, "", 0});
  ASSERT_TRUE(all.ok());
  auto val = ml::select_rows(*all, idx);
  ASSERT_TRUE(val.ok());
  auto r = replay_chain(*store_, chain_id_, val->x, fold("fold_2"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (size_t i = 0; i < want.size(); ++i)
    EXPECT_NEAR(r->predictions(static_cast<Eigen::Index>(i), 0), want[i], 1e-9);
}

TEST_F(ReplayTest, AverageIsTheMeanOfTheCvFolds) {
  auto avg = replay_chain(*store_, chain_id_, test_x(), {FoldChoice::kAverage, ""});
  ASSERT_TRUE(avg.ok()) << avg.status().ToString();
  ASSERT_EQ(avg->folds.size(), 4u);
  Spectra sum;
  for (int k = 0; k < 4; ++k) {
    auto one = replay_chain(*store_, chain_id_, test_x(), fold("fold_" + std::to_string(k)));
    ASSERT_TRUE(one.ok());
    sum = k == 0 ? one->predictions : Spectra(sum + one->predictions);
  }
  EXPECT_EQ(avg->predictions, Spectra(sum / 4.0));
  auto final_fold = replay_chain(*store_, chain_id_, test_x());
  EXPECT_NE(avg->predictions, final_fold->predictions);
}

TEST_F(ReplayTest, WrongShapesAndFoldsAreClearErrors) {
  auto narrow = replay_chain(*store_, chain_id_, test_x().leftCols(100));
  ASSERT_FALSE(narrow.ok());
  EXPECT_TRUE(narrow.status().IsInvalidArgument());
  EXPECT_NE(narrow.status().message().find("401"), std::string::npos);
  auto missing = replay_chain(*store_, chain_id_, test_x(), fold("fold_7"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("fold_final"), std::string::npos);
  EXPECT_TRUE(replay_chain(*store_, "no-such-chain", test_x()).status().IsNotFound());
  EXPECT_FALSE(parse_fold_choice("best").ok());
}

TEST_F(ReplayTest, FeaturesComeFromTheRecordedHeaders) {
  auto spec = chain_features(*store_, chain_id_);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->count, 401);
  ASSERT_EQ(spec->headers.size(), 401u);
  EXPECT_EQ(spec->headers.front(), "900");
  EXPECT_EQ(spec->headers.back(), "1700");
  EXPECT_EQ(spec->target, "octane");
  // Recorded once, in the run's training dataset entry, not in each chain;
  // read from there without the training file.
  auto stored = replay::load_stored_chain(*store_, chain_id_);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_FALSE(stored->chain.steps[0].contains("input_features"));
  EXPECT_EQ(stored->train_dataset["features"].size(), 401u);
  EXPECT_EQ(replay::stored_features(*stored, replay::Headers::kRecordedOnly).headers,
            spec->headers);
}

// Writes the test rows as CSV with the columns in `order` (indices of the
// gasoline file's columns; 0 is octane).
std::string write_test_csv(const TempDir& dir, const std::string& name,
                           const std::vector<size_t>& order) {
  std::ifstream in(SourcePath("data/gasoline.csv"));
  std::vector<std::vector<std::string>> rows;
  std::string line;
  for (int i = 0; std::getline(in, line); ++i) {
    if (i != 0 && i < 51) continue;
    std::vector<std::string> fields;
    size_t pos = 0;
    while (true) {
      size_t end = line.find(',', pos);
      fields.push_back(line.substr(pos, end - pos));
      if (end == std::string::npos) break;
      pos = end + 1;
    }
    rows.push_back(fields);
  }
  std::ofstream out(dir / name);
  for (const auto& fields : rows) {
    for (size_t j = 0; j < order.size(); ++j) out << (j ? "," : "") << fields[order[j]];
    out << "\n";
  }
  return (dir / name).string();
}

TEST_F(ReplayTest, CsvColumnsAreMatchedByHeaderAndMismatchesNameBoth) {
  TempDir dir;
  std::vector<size_t> order(402);
  for (size_t j = 0; j < order.size(); ++j) order[j] = j;
  const std::string plain = write_test_csv(dir, "plain.csv", order);
  std::reverse(order.begin(), order.end());  // octane last, wavelengths descending
  const std::string reversed = write_test_csv(dir, "reversed.csv", order);
  auto a = predict_csv(*store_, chain_id_, plain);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto b = predict_csv(*store_, chain_id_, reversed);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(a->predictions, b->predictions);
  EXPECT_EQ(a->y_true.size(), 10u);
  EXPECT_NEAR(a->metrics.at("rmse"), *(*store_->get_chain(chain_id_)).cv_test_score, 1e-9);
  EXPECT_EQ(a->sample_ids.front(), "1");
  EXPECT_FALSE(a->has_ids);

  order.resize(300);  // drops 101 wavelengths
  const std::string narrow = write_test_csv(dir, "narrow.csv", order);
  auto bad = predict_csv(*store_, chain_id_, narrow);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsInvalidArgument());
  EXPECT_NE(bad.status().message().find("narrow.csv"), std::string::npos);
  EXPECT_NE(bad.status().message().find("401 columns, 900 .. 1700"), std::string::npos)
      << bad.status().message();
  EXPECT_NE(bad.status().message().find("missing: 900"), std::string::npos);
}

TEST_F(ReplayTest, BundlePredictsBitForBitAsTheWorkspace) {
  TempDir dir;
  auto path = export_chain(*store_, chain_id_, (dir / "model.n4a").string());
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  auto bundle = Bundle::open(*path);
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  const Json& m = (*bundle)->manifest();
  EXPECT_EQ(m["bundle_format_version"], 1);
  EXPECT_EQ(m["chain_id"], chain_id_);
  EXPECT_EQ(m["model_class"], "PLSRegression");
  EXPECT_EQ(m["features"]["count"], 401);
  EXPECT_EQ(m["features"]["headers"][0], "900");
  EXPECT_EQ(m["dataset"]["hash"], run_->data.dataset_hash);
  for (const ReplayOptions& o :
       {ReplayOptions{}, ReplayOptions{FoldChoice::kAverage, ""}, fold("fold_1")}) {
    auto from_bundle = (*bundle)->predict(test_x(), o);
    auto from_store = replay_chain(*store_, chain_id_, test_x(), o);
    ASSERT_TRUE(from_bundle.ok() && from_store.ok());
    EXPECT_EQ(from_bundle->predictions, from_store->predictions);
    EXPECT_EQ(from_bundle->folds, from_store->folds);
  }
}

TEST_F(ReplayTest, BareExportNamesGoToTheExportsFolder) {
  auto path = export_chain(*store_, chain_id_, "bare.n4a");
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  EXPECT_EQ(*path, store_->path() + "/exports/bare.n4a");
  EXPECT_TRUE(std::filesystem::is_regular_file(*path));
}

void expect_corrupt(std::string_view bytes, std::string_view needle) {
  auto r = Bundle::parse(bytes);
  ASSERT_FALSE(r.ok()) << "accepted a bundle that should contain: " << needle;
  EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
  EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().message();
}

std::string rezip(const replay::ZipEntries& entries) {
  auto bytes = replay::write_zip({entries.begin(), entries.end()}, 0);
  EXPECT_TRUE(bytes.ok());
  return *bytes;
}

TEST_F(ReplayTest, DamagedBundlesAreCorruption) {
  TempDir dir;
  auto path = export_chain(*store_, chain_id_, (dir / "model.n4a").string());
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  const std::string bytes = n4a::testing::ReadFileOrEmpty(*path);
  auto parsed = replay::read_zip(bytes, uint64_t{1} << 30);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const replay::ZipEntries entries = *parsed;
  ASSERT_TRUE(Bundle::parse(rezip(entries)).ok());  // the rewriting itself is harmless

  expect_corrupt(bytes.substr(0, bytes.size() / 2), "not a ZIP file or truncated");
  expect_corrupt(bytes.substr(0, bytes.size() - 1), "not a ZIP file or truncated");
  expect_corrupt("name,value\n1,2\n", "not a ZIP file or truncated");
  expect_corrupt("", "not a ZIP file or truncated");

  auto artifact = std::find_if(entries.begin(), entries.end(),
                               [](const auto& e) { return e.first.starts_with("artifacts/"); });
  ASSERT_NE(artifact, entries.end());
  replay::ZipEntries altered = entries;
  altered[artifact->first][100] ^= 1;
  expect_corrupt(rezip(altered), "is altered");
  replay::ZipEntries missing = entries;
  missing.erase(artifact->first);
  expect_corrupt(rezip(missing), "is missing");
  replay::ZipEntries no_manifest = entries;
  no_manifest.erase("manifest.json");
  expect_corrupt(rezip(no_manifest), "manifest.json is missing");

  Json manifest = Json::parse(entries.at("manifest.json"));
  replay::ZipEntries newer = entries;
  manifest["bundle_format_version"] = 2;
  newer["manifest.json"] = manifest.dump();
  expect_corrupt(rezip(newer), "format version 2 is newer");
  manifest["bundle_format_version"] = 1;
  manifest["features"] = Json::array();  // wrong JSON types must not throw
  newer["manifest.json"] = manifest.dump();
  expect_corrupt(rezip(newer), "bundle");

  for (const std::string name : {"../evil.txt", "artifacts/../../x", "/etc/passwd", "a\\..\\b"}) {
    replay::ZipEntries escaping = entries;
    escaping[name] = "x";
    expect_corrupt(rezip(escaping), "not a safe relative path");
  }
  auto nowhere = Bundle::open((dir / "absent.n4a").string());
  ASSERT_FALSE(nowhere.ok());
  EXPECT_FALSE(nowhere.status().IsCorruption());
}

// Each entry is read within what its kind needs, judged from the ZIP
// directory before inflating; entries the manifest does not list are not read.
TEST_F(ReplayTest, EntriesAreBoundedByWhatTheirKindNeeds) {
  TempDir dir;
  auto path = export_chain(*store_, chain_id_, (dir / "model.n4a").string());
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  auto parsed = replay::read_zip(n4a::testing::ReadFileOrEmpty(*path), uint64_t{1} << 30);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const replay::ZipEntries entries = *parsed;
  const Json manifest = Json::parse(entries.at("manifest.json"));
  const std::string id = manifest["artifacts"].begin().key();
  const uint64_t size = manifest["artifacts"][id]["size_bytes"].get<uint64_t>();
  auto with_size = [&](Json claimed) {
    Json m = manifest;
    m["artifacts"][id]["size_bytes"] = std::move(claimed);
    replay::ZipEntries e = entries;
    e["manifest.json"] = m.dump();
    return rezip(e);
  };
  expect_corrupt(with_size(uint64_t{1} << 40), "more than an operator on");
  expect_corrupt(with_size(size - 1), "more than the " + std::to_string(size - 1) + " it may hold");
  expect_corrupt(with_size(size + 1), "the manifest says " + std::to_string(size + 1));
  expect_corrupt(with_size("big"), "has no size_bytes");

  replay::ZipEntries extra = entries;
  extra["padding/zeros.bin"] = std::string(size_t{64} << 20, '\0');
  EXPECT_TRUE(Bundle::parse(rezip(extra)).ok());
  replay::ZipEntries huge_manifest = entries;
  huge_manifest["manifest.json"] += std::string(size_t{65} << 20, ' ');
  expect_corrupt(rezip(huge_manifest), "manifest.json' is");
}

// A chain saved by hand, for what a run does not produce.
Result<std::string> save_manual_chain(WorkspaceStore& store, const Json& steps) {
  N4A_ASSIGN_OR_RETURN(
      std::string run_id,
      store.begin_run("manual", Json::object(),
                      Json::array({{{"role", "train"}, {"n_features", 3}, {"target", "y"}}})));
  N4A_ASSIGN_OR_RETURN(
      std::string pipeline_id,
      store.begin_pipeline(run_id, "manual", Json::array(), Json::object(), "data", "hash"));
  ChainRecord c;
  c.pipeline_id = pipeline_id;
  c.steps = steps;
  c.task_type = "regression";
  return store.save_chain(c);
}

TEST(ReplayManualTest, ScriptExportRefusesAnOperatorWithoutNumPyCode) {
  TempDir dir;
  auto store = WorkspaceStore::open((dir / "ws").string());
  ASSERT_TRUE(store.ok());
  const std::string id(64, 'a');
  auto chain = save_manual_chain(**store, {{{"format_version", 1},
                                            {"kind", "model"},
                                            {"operator", "FancyNet"},
                                            {"input_features", {"a", "b", "c"}},
                                            {"artifacts", {{"fold_final", id}}}}});
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  auto script = export_script(**store, *chain, (dir / "m.py").string());
  ASSERT_FALSE(script.ok());
  EXPECT_TRUE(script.status().IsNotSupported());
  EXPECT_NE(script.status().message().find("FancyNet"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir / "m.py"));
  // The headers recorded in the chain's first step are what predict checks.
  auto spec = chain_features(**store, *chain);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->headers, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(spec->target, "y");
}

TEST(ReplayManualTest, NewerChainStepFormatIsRefused) {
  TempDir dir;
  auto store = WorkspaceStore::open((dir / "ws").string());
  ASSERT_TRUE(store.ok());
  auto chain =
      save_manual_chain(**store, {{{"format_version", 3},
                                   {"kind", "model"},
                                   {"operator", "Ridge"},
                                   {"artifacts", {{"fold_final", std::string(64, 'b')}}}}});
  ASSERT_TRUE(chain.ok());
  auto r = replay_chain(**store, *chain, Spectra::Zero(1, 3));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsNotSupported()) << r.status().ToString();
  EXPECT_NE(r.status().message().find("format_version 3"), std::string::npos);
}

// A fitted PLS(k) on (x, y), serialized.
std::string fitted_pls(int k, const Spectra& x, const Spectra& y) {
  auto op = ml::make_operator("PLSRegression", {{"n_components", k}});
  EXPECT_TRUE(op.ok() && (*op)->fit(x, y).ok());
  return (*op)->serialize();
}

// A `derived` model step takes the member of its artifact's family that its
// params name; an artifact that cannot give it, or a plain step whose
// artifact holds other params, is Corruption.
TEST(ReplayManualTest, DerivedStepsTakeTheirMemberOfTheArtifactsFamily) {
  TempDir dir;
  auto store = WorkspaceStore::open((dir / "ws").string());
  ASSERT_TRUE(store.ok());
  Spectra x(30, 3), y(30, 1);  // save_manual_chain's chains take 3 features
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    for (Eigen::Index j = 0; j < x.cols(); ++j) x(i, j) = std::sin(0.7 * i + 1.3 * j * j);
    y(i, 0) = x(i, 0) - 2 * x(i, 2) + 0.1 * std::cos(i);
  }
  auto save = [&](int k) {
    auto id = (*store)->save_artifact(fitted_pls(k, x, y), "PLSRegression", "model", "n4aop");
    EXPECT_TRUE(id.ok());
    return *id;
  };
  const std::string three = save(3), one = save(1);
  auto chain_of = [&](const std::string& artifact, int k, bool derived) {
    Json step = {{"format_version", derived ? 2 : 1},
                 {"kind", "model"},
                 {"operator", "PLSRegression"},
                 {"params", {{"n_components", k}, {"scale", false}}},
                 {"artifacts", {{"fold_final", artifact}}}};
    if (derived) step["derived"] = true;
    auto id = save_manual_chain(**store, Json::array({step}));
    EXPECT_TRUE(id.ok());
    return *id;
  };
  // PLS(2) from PLS(3)'s artifact predicts exactly as PLS(2) fitted alone.
  auto own = ml::deserialize_operator(fitted_pls(2, x, y));
  ASSERT_TRUE(own.ok());
  auto want = (*own)->predict(x);
  auto got = replay_chain(**store, chain_of(three, 2, true), x);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->predictions, *want);
  // The largest member itself, marked derived or not.
  auto three_alone = replay_chain(**store, chain_of(three, 3, false), x);
  auto three_derived = replay_chain(**store, chain_of(three, 3, true), x);
  ASSERT_TRUE(three_alone.ok() && three_derived.ok());
  EXPECT_EQ(three_alone->predictions, three_derived->predictions);
  EXPECT_NE(three_alone->predictions, got->predictions);
  // A plain step whose params lack one with a default (as written before the
  // parameter existed) still matches its artifact.
  auto older = save_manual_chain(**store, {{{"kind", "model"},
                                            {"operator", "PLSRegression"},
                                            {"params", {{"n_components", 3}}},
                                            {"artifacts", {{"fold_final", three}}}}});
  ASSERT_TRUE(older.ok());
  auto older_replay = replay_chain(**store, *older, x);
  ASSERT_TRUE(older_replay.ok()) << older_replay.status().ToString();
  EXPECT_EQ(older_replay->predictions, three_alone->predictions);

  for (const auto& [chain, needle] :
       {std::pair{chain_of(one, 2, true), "does not give the step's model"},
        std::pair{chain_of(three, 2, false), "the step says {\"n_components\":2"}}) {
    auto bad = replay_chain(**store, chain, x);
    ASSERT_FALSE(bad.ok());
    EXPECT_TRUE(bad.status().IsCorruption()) << bad.status().ToString();
    EXPECT_NE(bad.status().message().find(needle), std::string::npos) << bad.status().ToString();
  }
  // Only the model step may be derived.
  auto snv = (*store)->save_artifact(ml::make_operator("SNV", {}).value()->serialize(), "SNV",
                                     "transform", "n4aop");
  ASSERT_TRUE(snv.ok());
  auto transform_derived = save_manual_chain(
      **store,
      {{{"format_version", 2},
        {"kind", "transform"},
        {"operator", "SNV"},
        {"derived", true},
        {"artifacts", {{"fold_final", *snv}}}},
       {{"kind", "model"}, {"operator", "PLSRegression"}, {"artifacts", {{"fold_final", three}}}}});
  ASSERT_TRUE(transform_derived.ok());
  auto refused = replay_chain(**store, *transform_derived, x);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("only the model's may be true"), std::string::npos)
      << refused.status().ToString();
}

TEST(ZipArchiveTest, SafeEntryNames) {
  EXPECT_TRUE(replay::is_safe_entry_name("manifest.json"));
  EXPECT_TRUE(replay::is_safe_entry_name("artifacts/ab.n4aop"));
  for (const char* bad : {"", "/x", "../x", "a/../b", "a//b", "a/./b", "a/", "c:x", "a\\b"})
    EXPECT_FALSE(replay::is_safe_entry_name(bad)) << bad;
}

}  // namespace
}  // namespace n4a
