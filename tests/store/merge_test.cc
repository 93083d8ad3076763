// WorkspaceStore::merge_from: idempotence, conflict policies, exact
// reference counts, the dataset filter, dry runs, an untouched source.
#include <gtest/gtest.h>

#include <filesystem>

#include "n4a/workspace_store.h"
#include "store/populate_workspace.h"
#include "support/test_util.h"
#include "util/database.h"

namespace n4a {
namespace {

using testing::CountOf;
using testing::ExpectChecks;
using testing::HashTree;
using testing::OpenStore;
using testing::Populate;
using testing::TempDir;
using Store = WorkspaceStore;

const char* kTables[] = {"runs", "pipelines", "chains",    "predictions",
                         "logs", "projects",  "artifacts", "prediction_arrays"};

std::map<std::string, int64_t> Counts(Store& s) {
  std::map<std::string, int64_t> out;
  for (const char* t : kTables) out[t] = CountOf(s, std::string("SELECT count(*) FROM ") + t);
  return out;
}

Store::MergeReport MergeOk(Store& target, const std::string& source, Store::MergeOptions o = {}) {
  auto r = target.merge_from(source, o);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : Store::MergeReport{};
}

Store::MergeTableCounts Row(const Store::MergeReport& r, const std::string& table) {
  for (const auto& c : r.tables) {
    if (c.table == table) return c;
  }
  ADD_FAILURE() << "no counts for " << table;
  return {};
}

// Runs SQL that the store API cannot (crafting conflicts) on a closed workspace.
void Exec(const std::string& ws, const std::string& sql) {
  auto con = db::Connection::open(ws + "/store.duckdb", db::AccessMode::kReadWrite);
  ASSERT_TRUE(con.ok()) << con.status().ToString();
  Status s = (*con)->exec(sql);
  ASSERT_TRUE(s.ok()) << s.ToString();
}

TEST(MergeTest, IntoEmptyCopiesEverythingAndTwiceChangesNothing) {
  TempDir dir;
  const std::string a = (dir / "a").string(), b = (dir / "b").string();
  testing::Populated pa;
  std::map<std::string, int64_t> source_counts;
  {
    auto src = OpenStore(a);
    pa = Populate(*src, "gasoline", 3);
    Populate(*src, "corn", 2, 2, 5.0);
    source_counts = Counts(*src);
  }
  auto before = HashTree(a);
  auto dst = OpenStore(b);
  auto first = MergeOk(*dst, a);
  EXPECT_EQ(Row(first, "runs").added, 2);
  EXPECT_EQ(Row(first, "pipelines").added, 5);
  EXPECT_EQ(Row(first, "chains").added, 5);
  EXPECT_EQ(Row(first, "predictions").added, 13);
  EXPECT_EQ(Row(first, "prediction_arrays").added, 13);
  EXPECT_EQ(Row(first, "projects").added, 1);
  EXPECT_EQ(Row(first, "artifacts").added, 6);  // 5 models + the scaler both runs share
  EXPECT_EQ(first.artifact_files_copied, 6);
  EXPECT_EQ(Counts(*dst), source_counts);
  ExpectChecks(*dst);
  auto arrays = dst->load_prediction_arrays(pa.prediction_ids[4]);
  ASSERT_TRUE(arrays.ok()) << arrays.status().ToString();
  EXPECT_EQ(arrays->y_pred[3], 1.0);  // pipeline 1
  auto run = dst->get_run(pa.run_id);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status, "completed");
  EXPECT_EQ(CountOf(*dst, "SELECT max(ref_count) FROM artifacts"), 5);  // the shared scaler

  for (auto policy : {Store::OnConflict::kKeepExisting, Store::OnConflict::kOverwrite,
                      Store::OnConflict::kKeepBest}) {
    Store::MergeOptions o;
    o.on_conflict = policy;
    auto again = MergeOk(*dst, a, o);
    for (const auto& c : again.tables) {
      EXPECT_EQ(c.added + c.replaced, 0) << c.table;
    }
    EXPECT_EQ(again.artifact_files_copied, 0);
    EXPECT_EQ(again.array_parts_written, 0);
    EXPECT_EQ(Counts(*dst), source_counts);
  }
  ExpectChecks(*dst);
  EXPECT_EQ(HashTree(a), before);  // the source is never modified
}

// A merge's commit sizes its row groups by what it appends
// (catalog::RowGroupSizeFor), as a sweep's commit does: 5,000 predictions
// form one group, not two of at most 4,096.
TEST(MergeTest, ALargeMergeAppendsOneRowGroupPerTable) {
  TempDir dir;
  const std::string a = (dir / "a").string(), b = (dir / "b").string();
  {
    auto src = OpenStore(a);
    Populate(*src, "gasoline", 10, 500);
  }
  {
    auto dst = OpenStore(b);
    EXPECT_EQ(Row(MergeOk(*dst, a), "predictions").added, 5'000);
  }
  auto con = db::Connection::open(b + "/store.duckdb", db::AccessMode::kReadOnly);
  ASSERT_TRUE(con.ok()) << con.status().ToString();
  auto groups =
      (*con)->query("SELECT count(DISTINCT row_group_id) FROM pragma_storage_info('predictions')");
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  EXPECT_EQ(std::get<int64_t>(groups->rows[0][0]), 1);
}

TEST(MergeTest, MergingIntoItselfIsANoOpThatSaysSo) {
  TempDir dir;
  auto s = OpenStore(dir.str());
  Populate(*s, "gasoline", 1);
  auto before = Counts(*s);
  auto r = MergeOk(*s, (dir / ".").string());
  EXPECT_TRUE(r.same_workspace);
  EXPECT_TRUE(r.tables.empty());
  EXPECT_EQ(Counts(*s), before);
}

TEST(MergeTest, DryRunWritesNothingAndPredictsTheMerge) {
  TempDir dir;
  const std::string a = (dir / "a").string(), b = (dir / "b").string();
  {
    auto src = OpenStore(a);
    Populate(*src, "gasoline", 2);
  }
  auto dst = OpenStore(b);
  Populate(*dst, "corn", 1);
  auto before = HashTree(b);
  Store::MergeOptions dry;
  dry.dry_run = DryRun::kYes;
  auto predicted = MergeOk(*dst, a, dry);
  EXPECT_TRUE(predicted.dry_run);
  EXPECT_EQ(HashTree(b), before);
  auto done = MergeOk(*dst, a);
  ASSERT_EQ(predicted.tables.size(), done.tables.size());
  for (size_t i = 0; i < done.tables.size(); ++i) {
    EXPECT_EQ(predicted.tables[i].added, done.tables[i].added) << done.tables[i].table;
  }
  EXPECT_EQ(predicted.artifact_files_copied, done.artifact_files_copied);
  EXPECT_EQ(predicted.array_rows_copied, done.array_rows_copied);
  EXPECT_EQ(Row(done, "projects").skipped, 1);  // "proj" exists here under another id
  EXPECT_EQ(CountOf(*dst, "SELECT count(DISTINCT project_id) FROM runs"), 1);
  ExpectChecks(*dst);
}

TEST(MergeTest, DatasetFilterCopiesOnlyThatDataset) {
  TempDir dir;
  const std::string a = (dir / "a").string(), b = (dir / "b").string();
  {
    auto src = OpenStore(a);
    Populate(*src, "gasoline", 2);
    Populate(*src, "corn", 3, 2);
  }
  auto dst = OpenStore(b);
  Store::MergeOptions o;
  o.dataset_name = "corn";
  auto r = MergeOk(*dst, a, o);
  EXPECT_EQ(Row(r, "runs").added, 1);
  EXPECT_EQ(Row(r, "pipelines").added, 3);
  EXPECT_EQ(Row(r, "predictions").added, 6);
  EXPECT_EQ(CountOf(*dst, "SELECT count(*) FROM predictions WHERE dataset_name <> 'corn'"), 0);
  EXPECT_EQ(CountOf(*dst, "SELECT count(*) FROM logs"), 3);
  EXPECT_EQ(CountOf(*dst, "SELECT count(*) FROM artifacts"), 4);  // 3 models + the scaler
  ExpectChecks(*dst);
  o.dataset_name = "gasoline";  // the rest follows later, and no row twice
  MergeOk(*dst, a, o);
  EXPECT_EQ(CountOf(*dst, "SELECT count(*) FROM predictions"), 12);
  ExpectChecks(*dst);
}

// Workspaces a and b share a chain and its predictions (b is a copy of a);
// in a, the first chain got better and references a new artifact, the second
// got worse, and a run got renamed.
struct Conflicts {
  TempDir dir;
  std::string a = (dir / "a").string(), b = (dir / "b").string();
  testing::Populated base;
  std::string new_artifact;

  Conflicts() {
    { base = Populate(*OpenStore(a), "gasoline", 2); }
    std::filesystem::copy(a, b, std::filesystem::copy_options::recursive);
    { new_artifact = *OpenStore(a)->save_artifact("refit", "PLSRegression", "model", "bin"); }
    const std::string c0 = base.chain_ids[0], c1 = base.chain_ids[1];
    Exec(a,
         "UPDATE artifacts SET ref_count = ref_count - 1 WHERE artifact_id = (SELECT "
         "fold_artifacts->>'fold_final' FROM chains WHERE chain_id = '" +
             c0 +
             "');"
             "UPDATE artifacts SET ref_count = 1 WHERE artifact_id = '" +
             new_artifact +
             "';"
             "UPDATE chains SET cv_val_score = 0.25, fold_artifacts = '{\"fold_final\": \"" +
             new_artifact + "\"}' WHERE chain_id = '" + c0 +
             "';"
             "UPDATE chains SET cv_val_score = 9 WHERE chain_id = '" +
             c1 +
             "';"
             "UPDATE predictions SET val_score = val_score - 0.5 WHERE chain_id = '" +
             c0 +
             "';"
             "UPDATE predictions SET val_score = val_score + 5 WHERE chain_id = '" +
             c1 +
             "';"
             "UPDATE runs SET name = 'renamed';");
  }
  double ChainScore(Store& s, int i) { return *s.get_chain(base.chain_ids[i])->cv_val_score; }
};

TEST(MergeTest, KeepExistingKeepsEveryTargetRow) {
  Conflicts f;
  {
    auto src = OpenStore(f.a);
    ExpectChecks(*src);  // the crafted conflicts are consistent
  }
  auto dst = OpenStore(f.b);
  auto r = MergeOk(*dst, f.a);
  for (const auto& c : r.tables) EXPECT_EQ(c.added + c.replaced, 0) << c.table;
  EXPECT_EQ(f.ChainScore(*dst, 0), 1.0);
  EXPECT_EQ(dst->get_run(f.base.run_id)->name, "sweep gasoline");
  ExpectChecks(*dst);
}

TEST(MergeTest, KeepBestTakesOnlyTheBetterChainsAndPredictions) {
  Conflicts f;
  auto dst = OpenStore(f.b);
  Store::MergeOptions o;
  o.on_conflict = Store::OnConflict::kKeepBest;
  auto r = MergeOk(*dst, f.a, o);
  EXPECT_EQ(Row(r, "chains").replaced, 1);
  EXPECT_EQ(Row(r, "chains").skipped, 1);
  EXPECT_EQ(Row(r, "predictions").replaced, 3);
  EXPECT_EQ(Row(r, "predictions").skipped, 3);
  EXPECT_EQ(Row(r, "runs").replaced, 0);  // keep-best keeps other tables' rows
  EXPECT_EQ(f.ChainScore(*dst, 0), 0.25);
  EXPECT_EQ(f.ChainScore(*dst, 1), 2.0);
  EXPECT_EQ(r.artifact_files_copied, 1);  // the refit model
  EXPECT_EQ(CountOf(*dst, "SELECT count(*) FROM predictions"), 6);
  EXPECT_EQ(CountOf(*dst, "SELECT count(*) FROM prediction_arrays"), 6);
  ExpectChecks(*dst);  // the old model lost its reference, the new one has one
  EXPECT_EQ(dst->get_artifact(f.new_artifact)->ref_count, 1);
  auto again = MergeOk(*dst, f.a, o);
  for (const auto& c : again.tables) EXPECT_EQ(c.added + c.replaced, 0) << c.table;
}

TEST(MergeTest, OverwriteReplacesRowsThatDiffer) {
  Conflicts f;
  auto dst = OpenStore(f.b);
  Store::MergeOptions o;
  o.on_conflict = Store::OnConflict::kOverwrite;
  auto r = MergeOk(*dst, f.a, o);
  EXPECT_EQ(Row(r, "chains").replaced, 2);
  EXPECT_EQ(Row(r, "predictions").replaced, 6);
  EXPECT_EQ(Row(r, "runs").replaced, 1);
  EXPECT_EQ(Row(r, "pipelines").skipped, 2);  // identical rows are not rewritten
  EXPECT_EQ(f.ChainScore(*dst, 1), 9.0);
  EXPECT_EQ(dst->get_run(f.base.run_id)->name, "renamed");
  auto arrays = dst->load_prediction_arrays(f.base.prediction_ids[0]);
  ASSERT_TRUE(arrays.ok()) << arrays.status().ToString();
  ExpectChecks(*dst);
  auto again = MergeOk(*dst, f.a, o);
  for (const auto& c : again.tables) EXPECT_EQ(c.added + c.replaced, 0) << c.table;
}

TEST(MergeTest, ColumnsAddedByLaterMigrationsFlowThrough) {
  TempDir dir;
  const std::string a = (dir / "a").string(), b = (dir / "b").string();
  { Populate(*OpenStore(a), "gasoline", 1); }
  { OpenStore(b); }
  Exec(a, "ALTER TABLE runs ADD COLUMN extra_note VARCHAR; UPDATE runs SET extra_note = 'x'");
  Exec(b, "ALTER TABLE runs ADD COLUMN extra_note VARCHAR");
  auto dst = OpenStore(b);
  MergeOk(*dst, a);
  EXPECT_EQ(CountOf(*dst, "SELECT count(*) FROM runs WHERE extra_note = 'x'"), 1);
}

TEST(MergeTest, RefusesACorruptSourceAndChangesNothing) {
  TempDir dir;
  const std::string a = (dir / "a").string(), b = (dir / "b").string();
  {
    auto src = OpenStore(a);
    Populate(*src, "gasoline", 1);
  }
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir / "a" / "artifacts")) {
    if (e.is_regular_file()) {
      std::filesystem::remove(e.path());
      break;
    }
  }
  auto dst = OpenStore(b);
  auto before = HashTree(b);
  auto r = dst->merge_from(a, {});
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruption()) << r.status().ToString();
  EXPECT_EQ(HashTree(b), before);
  auto missing = dst->merge_from((dir / "nope").string(), {});
  EXPECT_TRUE(missing.status().IsNotFound()) << missing.status().ToString();
}

}  // namespace
}  // namespace n4a
