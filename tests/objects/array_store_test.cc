#include "objects/array_store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "objects/dataset_file_name.h"
#include "support/test_util.h"
#include "util/atomic_file.h"
#include "util/database.h"
#include "util/fault_injection_env.h"
#include "util/uuid.h"

namespace n4a::objects {
namespace {

using testing::TempDir;

ArrayRow MakeRow(const std::string& id, int n, double seed) {
  ArrayRow r;
  r.prediction_id = id;
  r.dataset_name = "corn";
  r.model_name = "PLSRegression";
  r.fold_id = "fold_0";
  r.partition = "val";
  r.metric = "rmse";
  r.task_type = "regression";
  r.val_score = seed;
  for (int i = 0; i < n; ++i) {
    r.arrays.y_true.push_back(seed + i);
    r.arrays.y_pred.push_back(seed + i + 0.5);
    r.arrays.sample_indices.push_back(i * 3);
  }
  return r;
}

std::vector<ArrayRow> MakeRows(int count, int n) {
  std::vector<ArrayRow> rows;
  for (int i = 0; i < count; ++i) rows.push_back(MakeRow(NewUuidV7(), n, i));
  return rows;
}

void ExpectSameRow(const ArrayRow& a, const ArrayRow& b) {
  EXPECT_EQ(a.prediction_id, b.prediction_id);
  EXPECT_EQ(a.dataset_name, b.dataset_name);
  EXPECT_EQ(a.model_name, b.model_name);
  EXPECT_EQ(a.fold_id, b.fold_id);
  EXPECT_EQ(a.partition, b.partition);
  EXPECT_EQ(a.metric, b.metric);
  EXPECT_EQ(a.task_type, b.task_type);
  EXPECT_EQ(a.val_score, b.val_score);
  EXPECT_EQ(a.arrays.y_true, b.arrays.y_true);
  EXPECT_EQ(a.arrays.y_pred, b.arrays.y_pred);
  EXPECT_EQ(a.arrays.y_proba, b.arrays.y_proba);
  EXPECT_EQ(a.arrays.proba_rows, b.arrays.proba_rows);
  EXPECT_EQ(a.arrays.proba_cols, b.arrays.proba_cols);
  EXPECT_EQ(a.arrays.sample_indices, b.arrays.sample_indices);
  EXPECT_EQ(a.arrays.weights, b.arrays.weights);
}

std::vector<std::string> Ids(const std::vector<ArrayRow>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r.prediction_id);
  return out;
}

TEST(ArrayStoreTest, RoundTripKeepsShapesNullsAndEmptyArrays) {
  TempDir dir;
  ArrayStore store(Env::Default(), dir.str());
  ArrayRow classif = MakeRow(NewUuidV7(), 3, 1.0);
  classif.task_type = "classification";
  classif.val_score.reset();  // nullable
  classif.arrays.y_proba = {0.1, 0.9, 0.8, 0.2, 0.5, 0.5};
  classif.arrays.proba_rows = 3;
  classif.arrays.proba_cols = 2;
  classif.arrays.weights = {1.0, 2.0, 0.5};
  ArrayRow plain = MakeRow(NewUuidV7(), 4, 2.0);  // no y_proba, no weights
  ArrayRow empty = MakeRow(NewUuidV7(), 0, 3.0);
  empty.dataset_name.clear();  // filled in from the part's dataset
  std::vector<ArrayRow> rows{plain, classif, empty};
  auto part = store.write_part("corn", rows);
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  EXPECT_EQ(part->rfind("arrays/corn/part-", 0), 0u) << *part;
  EXPECT_TRUE(IsTempFileName(*part) == false);
  auto back = store.read_all({*part});
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 3u);
  empty.dataset_name = "corn";
  std::vector<ArrayRow> expected{plain, classif, empty};
  std::sort(expected.begin(), expected.end(),
            [](const auto& a, const auto& b) { return a.prediction_id < b.prediction_id; });
  for (size_t i = 0; i < 3; ++i) ExpectSameRow((*back)[i], expected[i]);
  EXPECT_TRUE(store.check_readable(*part).ok());
}

TEST(ArrayStoreTest, PointReadReturnsOnlyTheRequestedIds) {
  TempDir dir;
  ArrayStore store(Env::Default(), dir.str());
  auto rows = MakeRows(3000, 8);  // several row groups
  auto part = store.write_part("corn", rows);
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  auto one = store.read({*part}, {rows[1234].prediction_id});
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_EQ(one->size(), 1u);
  ExpectSameRow((*one)[0], rows[1234]);
  auto some = store.read({*part}, {rows[5].prediction_id, rows[2999].prediction_id, "nope"});
  ASSERT_TRUE(some.ok());
  EXPECT_EQ(Ids(*some),
            (std::vector<std::string>{rows[5].prediction_id, rows[2999].prediction_id}));
  std::unordered_set<std::string> keep{rows[7].prediction_id};
  auto filtered = store.read_all({*part}, &keep);
  ASSERT_TRUE(filtered.ok());
  EXPECT_EQ(Ids(*filtered), std::vector<std::string>{rows[7].prediction_id});
}

TEST(ArrayStoreTest, AppendsWriteNewPartsAndLatestCopyWins) {
  TempDir dir;
  ArrayStore store(Env::Default(), dir.str());
  auto first = MakeRows(2, 3);
  auto p1 = store.write_part("corn", first);
  ASSERT_TRUE(p1.ok());
  auto size_before = std::filesystem::file_size(dir / *p1);
  auto mtime_before = std::filesystem::last_write_time(dir / *p1);
  ArrayRow resaved = MakeRow(first[0].prediction_id, 5, 42.0);
  auto p2 = store.write_part("corn", std::vector<ArrayRow>{resaved});
  ASSERT_TRUE(p2.ok());
  EXPECT_NE(*p1, *p2);
  EXPECT_EQ(std::filesystem::file_size(dir / *p1), size_before);  // never rewritten
  EXPECT_EQ(std::filesystem::last_write_time(dir / *p1), mtime_before);
  auto back = store.read({*p1, *p2}, {first[0].prediction_id});
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 1u);
  ExpectSameRow((*back)[0], resaved);
}

TEST(ArrayStoreTest, RejectsBadBatches) {
  TempDir dir;
  ArrayStore store(Env::Default(), dir.str());
  EXPECT_TRUE(store.write_part("corn", {}).status().IsInvalidArgument());
  ArrayRow r = MakeRow(NewUuidV7(), 2, 0);
  r.arrays.y_proba = {0.5};
  r.arrays.proba_rows = 2;
  r.arrays.proba_cols = 2;
  EXPECT_TRUE(store.write_part("corn", std::vector<ArrayRow>{r}).status().IsInvalidArgument());
  ArrayRow a = MakeRow("same", 1, 0), b = MakeRow("same", 1, 1);
  EXPECT_TRUE(store.write_part("corn", std::vector<ArrayRow>{a, b}).status().IsInvalidArgument());
  EXPECT_TRUE(store.write_part("wheat", std::vector<ArrayRow>{a}).status().IsInvalidArgument());
  EXPECT_TRUE(store.list_files()->empty());
}

TEST(ArrayStoreTest, CompactionKeepsLiveRowsAndDropsDeadOnes) {
  TempDir dir;
  ArrayStore store(Env::Default(), dir.str());
  auto a = MakeRows(4, 3), b = MakeRows(4, 3);
  auto p1 = store.write_part("corn", a), p2 = store.write_part("corn", b);
  ASSERT_TRUE(p1.ok() && p2.ok());
  std::unordered_set<std::string> live{a[0].prediction_id, a[3].prediction_id, b[1].prediction_id};
  auto c = store.compact("corn", {*p1, *p2}, live);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->relative_path, "arrays/corn.parquet");
  EXPECT_EQ(c->rows_kept, 3);
  EXPECT_EQ(c->rows_dropped, 5);
  EXPECT_TRUE(std::filesystem::exists(dir / *p1));  // inputs stay for the caller
  auto back = store.read_all({c->relative_path});
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 3u);
  ExpectSameRow((*back)[0], a[0]);
  ExpectSameRow((*back)[1], a[3]);
  ExpectSameRow((*back)[2], b[1]);

  // Fold a new part into the compacted file; drop one more.
  auto c2rows = MakeRows(2, 3);
  auto p3 = store.write_part("corn", c2rows);
  ASSERT_TRUE(p3.ok());
  live.erase(a[3].prediction_id);
  live.insert(c2rows[1].prediction_id);
  auto c2 = store.compact("corn", {c->relative_path, *p3}, live);
  ASSERT_TRUE(c2.ok()) << c2.status().ToString();
  EXPECT_EQ(c2->rows_kept, 3);
  EXPECT_EQ(c2->rows_dropped, 2);
  auto back2 = store.read_all({c2->relative_path});
  ASSERT_TRUE(back2.ok());
  EXPECT_EQ(Ids(*back2), (std::vector<std::string>{a[0].prediction_id, b[1].prediction_id,
                                                   c2rows[1].prediction_id}));
  for (const auto& f : *store.list_files()) EXPECT_FALSE(f.is_temp) << f.relative_path;
}

TEST(ArrayStoreTest, CompactionKeepsTheLatestCopyOfAResavedPrediction) {
  TempDir dir;
  ArrayStore store(Env::Default(), dir.str());
  auto a = MakeRows(2, 3);
  auto p1 = store.write_part("corn", a);
  ArrayRow resaved = MakeRow(a[0].prediction_id, 2, 99.0);
  auto p2 = store.write_part("corn", std::vector<ArrayRow>{resaved});
  ASSERT_TRUE(p1.ok() && p2.ok());
  auto c = store.compact("corn", {*p1, *p2}, {a[0].prediction_id, a[1].prediction_id});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->rows_kept, 2);
  EXPECT_EQ(c->rows_dropped, 1);
  auto back = store.read({c->relative_path}, {a[0].prediction_id});
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 1u);
  ExpectSameRow((*back)[0], resaved);
}

TEST(ArrayStoreTest, TruncatedOrGarbageParquetIsCorruption) {
  TempDir dir;
  ArrayStore store(Env::Default(), dir.str());
  auto part = store.write_part("corn", MakeRows(10, 50));
  ASSERT_TRUE(part.ok());
  auto path = dir / *part;
  std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
  Status s = store.check_readable(*part);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.message().find(*part), std::string::npos) << s.ToString();
  EXPECT_TRUE(store.read_all({*part}).status().IsCorruption());
  std::ofstream(dir / "arrays/garbage.parquet") << "this is not parquet at all";
  EXPECT_TRUE(store.check_readable("arrays/garbage.parquet").IsCorruption());
  EXPECT_TRUE(store.check_readable("arrays/missing.parquet").IsNotFound());
  EXPECT_TRUE(store.read_all({"arrays/missing.parquet"}).status().IsNotFound());
}

// The codecs of a file's column chunks (docs/formats/arrays.md).
std::set<std::string> CodecsOf(const TempDir& dir, const std::string& relative_path) {
  auto con = db::Connection::open(":memory:", db::AccessMode::kReadWrite);
  if (!con.ok()) return {};
  auto t = (*con)->query("SELECT DISTINCT compression FROM parquet_metadata(" +
                         db::QuoteLiteral((dir / relative_path).string()) + ")");
  std::set<std::string> out;
  if (t.ok()) {
    for (const auto& row : t->rows) out.insert(std::get<std::string>(row[0]));
  }
  return out;
}

TEST(ArrayStoreTest, PartsAreLz4AndCompactedFilesZstd) {
  TempDir dir;
  ArrayStore store(Env::Default(), dir.str());
  auto rows = MakeRows(4, 300);
  auto part = store.write_part("corn", rows);
  ASSERT_TRUE(part.ok()) << part.status().ToString();
  EXPECT_EQ(CodecsOf(dir, *part), std::set<std::string>{"LZ4_RAW"});
  auto compacted = store.compact("corn", {*part}, {rows[0].prediction_id, rows[2].prediction_id});
  ASSERT_TRUE(compacted.ok()) << compacted.status().ToString();
  EXPECT_EQ(CodecsOf(dir, compacted->relative_path), std::set<std::string>{"ZSTD"});
  auto back = store.read_all({compacted->relative_path});
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 2u);
  ExpectSameRow((*back)[1], rows[2]);
}

TEST(ArrayStoreTest, ParquetWithoutOurFormatVersionIsCorruption) {
  TempDir dir;
  ArrayStore store(Env::Default(), dir.str());
  auto db = db::Connection::open(":memory:", db::AccessMode::kReadWrite);
  ASSERT_TRUE(db.ok());
  std::filesystem::create_directories(dir / "arrays");
  std::string path = (dir / "arrays/foreign.parquet").string();
  ASSERT_TRUE((*db)
                  ->exec("COPY (SELECT 'x' AS prediction_id) TO " + db::QuoteLiteral(path) +
                         " (FORMAT PARQUET, KV_METADATA {n4a_arrays_format_version: '999'})")
                  .ok());
  Status s = store.check_readable("arrays/foreign.parquet");
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.message().find("999"), std::string::npos) << s.ToString();
}

// --- Format versions.

// The format version in an array file's Parquet key-value metadata.
std::string FormatVersionOf(db::Connection& con, const std::string& path) {
  auto t = con.query("SELECT decode(value) FROM parquet_kv_metadata(" + db::QuoteLiteral(path) +
                     ") WHERE decode(key) = 'n4a_arrays_format_version'");
  if (!t.ok() || t->rows.size() != 1) return "?";
  return std::get<std::string>(t->rows[0][0]);
}

// Writes `select` (the array columns) to `relative_path` as format `version`.
void WriteArrayFile(db::Connection& con, const TempDir& dir, const std::string& relative_path,
                    const std::string& select, const std::string& version) {
  std::filesystem::create_directories((dir / relative_path).parent_path());
  Status s =
      con.exec("COPY (" + select + ") TO " + db::QuoteLiteral((dir / relative_path).string()) +
               " (FORMAT PARQUET, KV_METADATA {n4a_arrays_format_version: '" + version + "'})");
  ASSERT_TRUE(s.ok()) << s.ToString();
}

// Workspaces written before format version 2 hold DOUBLE[] / BIGINT[] lists.
TEST(ArrayStoreTest, ReadsCompactsAndExportsVersionOneFilesWithVersionTwo) {
  TempDir dir;
  ArrayStore store(Env::Default(), dir.str());
  auto con = db::Connection::open(":memory:", db::AccessMode::kReadWrite);
  ASSERT_TRUE(con.ok());
  const std::string a = NewUuidV7(), b = NewUuidV7();
  const std::string v1 = "arrays/corn/part-" + NewUuidV7() + ".parquet";
  WriteArrayFile(
      **con, dir, v1,
      "SELECT * FROM (VALUES ('" + a +
          "', 'corn', 'PLS', 'fold_0', 'val', 'rmse', 0.5::DOUBLE, 'regression', "
          "[1.0, 2.0]::DOUBLE[], [1.5, 2.5]::DOUBLE[], NULL::DOUBLE[], 0::BIGINT, 0::BIGINT, "
          "[0, 3]::BIGINT[], NULL::DOUBLE[]), ('" +
          b +
          "', 'corn', 'PLSRegression', 'fold_0', 'val', 'rmse', 4.0::DOUBLE, 'regression', "
          "[4.0]::DOUBLE[], [4.5]::DOUBLE[], [0.25, 0.75]::DOUBLE[], 1::BIGINT, 2::BIGINT, "
          "[0]::BIGINT[], [2.0]::DOUBLE[])) AS t(prediction_id, dataset_name, "
          "model_name, fold_id, \"partition\", metric, val_score, task_type, y_true, y_pred, "
          "y_proba, proba_rows, proba_cols, sample_indices, weights)",
      "1");
  ArrayRow old_b = MakeRow(b, 1, 4.0);
  old_b.arrays.y_proba = {0.25, 0.75};
  old_b.arrays.proba_rows = 1;
  old_b.arrays.proba_cols = 2;
  old_b.arrays.weights = {2.0};
  ArrayRow new_a = MakeRow(a, 3, 10.0);  // saved again, in a version 2 part
  ArrayRow c = MakeRow(NewUuidV7(), 2, 20.0);
  auto v2 = store.write_part("corn", std::vector<ArrayRow>{new_a, c});
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  EXPECT_EQ(FormatVersionOf(**con, (dir / *v2).string()), "2");

  auto rows = store.read_all({v1, *v2});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 3u);
  ExpectSameRow((*rows)[0], new_a);  // the latest file wins across versions
  ExpectSameRow((*rows)[1], old_b);
  ExpectSameRow((*rows)[2], c);
  auto one = store.read({v1, *v2}, {b});
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_EQ(one->size(), 1u);
  ExpectSameRow((*one)[0], old_b);
  EXPECT_TRUE(store.check_readable(v1).ok());

  // The export's relation gives lists whatever the version.
  auto lists = store.lists_sql({v1, *v2});
  ASSERT_TRUE(lists.ok()) << lists.status().ToString();
  ASSERT_TRUE(RegisterArrayDecoders((*con)->raw()).ok());
  ASSERT_TRUE(RegisterArrayDecoders((*con)->raw()).ok());  // idempotent
  auto t = (*con)->query(
      "SELECT prediction_id, y_true::VARCHAR, y_proba::VARCHAR, sample_indices::VARCHAR, "
      "typeof(y_pred), typeof(sample_indices) FROM (" +
      *lists + ") WHERE filename LIKE '%" + v1.substr(v1.size() - 20) + "' OR prediction_id = '" +
      c.prediction_id + "' ORDER BY prediction_id");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->rows.size(), 3u);
  auto text = [&](size_t r, size_t col) {
    return db::IsNull(t->rows[r][col]) ? std::string("NULL")
                                       : std::get<std::string>(t->rows[r][col]);
  };
  EXPECT_EQ(text(0, 1), "[1.0, 2.0]");
  EXPECT_EQ(text(0, 2), "NULL");
  EXPECT_EQ(text(1, 2), "[0.25, 0.75]");
  EXPECT_EQ(text(1, 3), "[0]");
  EXPECT_EQ(text(2, 1), "[20.0, 21.0]");
  EXPECT_EQ(text(2, 2), "NULL");
  EXPECT_EQ(text(2, 3), "[0, 3]");
  EXPECT_EQ(text(2, 4), "DOUBLE[]");
  EXPECT_EQ(text(2, 5), "BIGINT[]");

  // Compaction rewrites both into one file of the current version.
  auto compacted = store.compact("corn", {v1, *v2}, {a, b, c.prediction_id});
  ASSERT_TRUE(compacted.ok()) << compacted.status().ToString();
  EXPECT_EQ(compacted->rows_kept, 3);
  EXPECT_EQ(compacted->rows_dropped, 1);  // the version 1 copy of `a`
  EXPECT_EQ(FormatVersionOf(**con, (dir / compacted->relative_path).string()), "2");
  auto back = store.read_all({compacted->relative_path});
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 3u);
  ExpectSameRow((*back)[0], new_a);
  ExpectSameRow((*back)[1], old_b);
  ExpectSameRow((*back)[2], c);
}

TEST(ArrayStoreTest, ArrayBlobOfAPartialValueIsCorruption) {
  TempDir dir;
  ArrayStore store(Env::Default(), dir.str());
  auto con = db::Connection::open(":memory:", db::AccessMode::kReadWrite);
  ASSERT_TRUE(con.ok());
  const std::string part = "arrays/corn/part-" + NewUuidV7() + ".parquet";
  WriteArrayFile(**con, dir, part,
                 "SELECT '" + NewUuidV7() +
                     "' AS prediction_id, 'corn' AS dataset_name, 'PLS' AS model_name, 'fold_0' "
                     "AS fold_id, 'val' AS \"partition\", 'rmse' AS metric, 0.5 AS val_score, "
                     "'regression' AS task_type, '\\x01\\x02\\x03'::BLOB AS y_true, ''::BLOB AS "
                     "y_pred, NULL::BLOB AS y_proba, 0::BIGINT AS proba_rows, 0::BIGINT AS "
                     "proba_cols, ''::BLOB AS sample_indices, NULL::BLOB AS weights",
                 "2");
  Status s = store.check_readable(part);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.message().find("3 bytes"), std::string::npos) << s.ToString();
  EXPECT_TRUE(store.read_all({part}).status().IsCorruption());
  auto lists = store.lists_sql({part});
  ASSERT_TRUE(lists.ok()) << lists.status().ToString();
  ASSERT_TRUE(RegisterArrayDecoders((*con)->raw()).ok());
  auto t = (*con)->query("SELECT y_true FROM (" + *lists + ")");
  EXPECT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("3 bytes"), std::string::npos) << t.status().ToString();
}

// --- Failures leave nothing visible.

struct Fault {
  const char* name;
  void (*arm)(FaultInjectionEnv&);
};

class ArrayFaultTest : public ::testing::TestWithParam<Fault> {};

TEST_P(ArrayFaultTest, FailedWriteLeavesNoFileAndNoTemp) {
  TempDir dir;
  FaultInjectionEnv env;
  ArrayStore store(&env, dir.str());
  GetParam().arm(env);
  auto rows = MakeRows(5, 10);
  EXPECT_FALSE(store.write_part("corn", rows).ok());
  env.set_disk_full(false);
  auto files = store.list_files();
  ASSERT_TRUE(files.ok());
  EXPECT_TRUE(files->empty()) << (*files)[0].relative_path;
  EXPECT_TRUE(store.write_part("corn", rows).ok());
}

INSTANTIATE_TEST_SUITE_P(
    AllFaults, ArrayFaultTest,
    ::testing::Values(Fault{"sync", [](FaultInjectionEnv& e) { e.fail_next_sync(); }},
                      Fault{"rename", [](FaultInjectionEnv& e) { e.fail_next_rename(); }},
                      Fault{"disk_full", [](FaultInjectionEnv& e) { e.set_disk_full(true); }}),
    [](const auto& p) { return std::string(p.param.name); });

// DuckDB writes Parquet itself, past the Env: a real write error comes from
// a file size limit (EFBIG), which fails COPY midway.
TEST(ArrayStoreTest, WriteErrorInsideDuckDbLeavesNoTemp) {
  TempDir dir;
  ArrayStore store(Env::Default(), dir.str());
  ASSERT_TRUE(store.write_part("corn", MakeRows(1, 1)).ok());  // folders and DuckDB ready
  auto before = store.list_files();
  struct rlimit old {};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
  auto old_handler = signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old;
  small.rlim_cur = 16 * 1024;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  auto rows = MakeRows(200, 1000);
  for (auto& row : rows) {
    for (double& v : row.arrays.y_pred) v = static_cast<double>(std::rand()) / 7.0;
  }
  auto r = store.write_part("corn", rows);
  setrlimit(RLIMIT_FSIZE, &old);
  signal(SIGXFSZ, old_handler);
  EXPECT_FALSE(r.ok());
  auto after = store.list_files();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->size(), before->size());
}

// --- Sweep over arrays/.

TEST(ArrayStoreTest, SweepRemovesUnreferencedPartsAfterGrace) {
  TempDir dir;
  FaultInjectionEnv env;
  ArrayStore store(&env, dir.str());
  auto p1 = store.write_part("corn", MakeRows(1, 1));
  auto p2 = store.write_part("corn", MakeRows(1, 1));
  ASSERT_TRUE(p1.ok() && p2.ok());
  env.set_now_micros(Env::Default()->now_micros() + int64_t{7200} * 1000000);
  auto report = store.sweep({*p1}, int64_t{3600} * 1000000, DryRun::kNo);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->removed_paths, std::vector<std::string>{*p2});
  EXPECT_TRUE(std::filesystem::exists(dir / *p1));
  EXPECT_FALSE(std::filesystem::exists(dir / *p2));
}

// --- Dataset file names.

TEST(DatasetFileNameTest, KeepsSafeNamesAndNeverCollides) {
  EXPECT_EQ(DatasetFileName("corn_m5-spec.v2"), "corn_m5-spec.v2");
  std::vector<std::string> names{"a b",
                                 "a_b",
                                 "a/b",
                                 "a\\b",
                                 "",
                                 ".",
                                 "..",
                                 "x.tmp.y",
                                 "x.parquet",
                                 "a_b~" + DatasetFileName("a b").substr(4),
                                 std::string(300, 'z'),
                                 std::string(301, 'z'),
                                 "é"};
  std::unordered_set<std::string> seen;
  for (const auto& n : names) {
    std::string f = DatasetFileName(n);
    EXPECT_TRUE(seen.insert(f).second) << "'" << n << "' -> " << f;
    EXPECT_FALSE(f.empty());
    EXPECT_NE(f, ".");
    EXPECT_NE(f, "..");
    EXPECT_EQ(f.find('/'), std::string::npos) << f;
    EXPECT_EQ(f.find(".tmp."), std::string::npos) << f;
    EXPECT_LE(f.size(), 120u);
    EXPECT_FALSE(f.size() >= 8 && f.substr(f.size() - 8) == ".parquet") << f;
  }
  EXPECT_EQ(ArrayStore::PartFolderFor("a/b"), "arrays/" + DatasetFileName("a/b"));
  EXPECT_EQ(ArrayStore::CompactedPathFor("corn"), "arrays/corn.parquet");
}

}  // namespace
}  // namespace n4a::objects
