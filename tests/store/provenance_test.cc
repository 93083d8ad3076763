// Provenance of runs (who, where, which code and data), the v3 migration that
// stores it, and the lineage queries: list_datasets and describe_chain.
#include "pipeline/provenance.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "n4a/workspace_store.h"
#include "pipeline/runner.h"
#include "support/test_util.h"
#include "util/database.h"

namespace n4a {
namespace {

using testing::ReadFileOrEmpty;
using testing::SourcePath;
using testing::TempDir;
namespace fs = std::filesystem;

// Runs the test body in another working directory.
class ScopedCwd {
 public:
  explicit ScopedCwd(const fs::path& dir) : old_(fs::current_path()) { fs::current_path(dir); }
  ~ScopedCwd() { fs::current_path(old_); }

 private:
  fs::path old_;
};

std::string Shell(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return out;
  char buf[256];
  while (fgets(buf, sizeof buf, p) != nullptr) out += buf;
  EXPECT_EQ(pclose(p), 0) << command;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// A one-variant sweep (PLS, 3 folds, 10 test rows) on `csv`, recorded.
std::string RunOn(WorkspaceStore& store, const std::string& csv,
                  const std::vector<std::string>& command_line) {
  Json config = {
      {"name", "prov"},
      {"dataset",
       {{"path", csv}, {"target", "octane"}, {"name", "gas"}, {"test", {{"rows", "51-60"}}}}},
      {"cv", {{"type", "kfold"}, {"n_splits", 3}}},
      {"pipeline", {{{"op", "SNV"}}, {{"model", "PLSRegression"}, {"n_components", 2}}}}};
  auto prepared = pipeline::prepare_run(config, {});
  EXPECT_TRUE(prepared.ok()) << prepared.status().ToString();
  pipeline::RunOptions options;
  options.jobs = 1;
  options.command_line = command_line;
  auto report = pipeline::run_sweep(*prepared, &store, options);
  EXPECT_TRUE(report.ok()) << report.status().ToString();
  return report.ok() ? report->run_id : "";
}

std::unique_ptr<WorkspaceStore> Open(const std::string& path) {
  auto store = WorkspaceStore::open(path);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

std::vector<std::string> Column(const Table& t, const std::string& name) {
  std::vector<std::string> out;
  int i = t.column_index(name);
  EXPECT_GE(i, 0) << name;
  for (const auto& row : t.rows) {
    const Value& v = row[static_cast<size_t>(i)];
    out.push_back(std::holds_alternative<int64_t>(v) ? std::to_string(std::get<int64_t>(v))
                                                     : std::get<std::string>(v));
  }
  return out;
}

TEST(ProvenanceTest, GitCommitAndDirtyFlagInsideARepository) {
  TempDir dir;
  Shell("cd " + dir.str() + " && git init -q . && echo a > f && git add f && " +
        "git -c user.name=t -c user.email=t@example.com commit -qm init");
  const std::string head = Shell("git -C " + dir.str() + " rev-parse HEAD");
  ASSERT_EQ(head.size(), 40u);
  fs::create_directories(dir / "sub");
  ScopedCwd cwd(dir / "sub");
  Json p = pipeline::collect_provenance({"n4a", "run", "x.json"});
  ASSERT_TRUE(p.contains("git")) << p.dump();
  EXPECT_EQ(p["git"]["commit"], head);
  EXPECT_EQ(p["git"]["dirty"], false);
  EXPECT_EQ(p["git"]["root"], fs::canonical(dir.path()).string());
  std::ofstream(dir / "untracked") << "x";
  EXPECT_EQ(pipeline::collect_provenance({})["git"]["dirty"], false);  // untracked: not dirty
  std::ofstream(dir / "f") << "changed";
  EXPECT_EQ(pipeline::collect_provenance({})["git"]["dirty"], true);
  // The probe took no lock that a user's git command could trip on.
  EXPECT_FALSE(fs::exists(dir / ".git" / "index.lock"));
}

TEST(ProvenanceTest, WhoAndWhereWithoutGit) {
  TempDir dir;
  ScopedCwd cwd(dir.path());
  Json p = pipeline::collect_provenance({"n4a", "run", "--name", "a b"});
  EXPECT_FALSE(p.contains("git")) << p.dump();
  EXPECT_EQ(p["command_line"], (Json{"n4a", "run", "--name", "a b"}));
  EXPECT_EQ(p["n4a_version"], N4A_VERSION);
  EXPECT_EQ(p["cwd"], fs::current_path().string());
  EXPECT_FALSE(p["user"].get<std::string>().empty());
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  EXPECT_EQ(p["host"], host);
  EXPECT_EQ(p["pid"], static_cast<int64_t>(getpid()));
}

TEST(ProvenanceTest, EveryRunRecordsItsProvenanceAndDatasetShape) {
  TempDir dir;
  auto store = Open((dir / "ws").string());
  std::string run_id =
      RunOn(*store, SourcePath("data/gasoline.csv").string(), {"n4a", "run", "cfg.json"});
  auto run = store->get_run(run_id);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->provenance["command_line"], (Json{"n4a", "run", "cfg.json"}));
  EXPECT_EQ(run->provenance["n4a_version"], N4A_VERSION);
  EXPECT_TRUE(run->provenance.contains("user") && run->provenance.contains("host"));
  const Json& d = run->datasets[0];
  EXPECT_EQ(d["name"], "gas");
  EXPECT_EQ(d["path"], fs::canonical(SourcePath("data/gasoline.csv")).string());
  EXPECT_EQ(d["hash"].get<std::string>().size(), 64u);
  EXPECT_EQ(d["n_samples"], 60);
  EXPECT_EQ(d["n_features"], 401);
  // Users find it with plain SQL too.
  auto t = store->sql("SELECT provenance->>'n4a_version' FROM runs");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(std::get<std::string>(t->rows[0][0]), N4A_VERSION);
}

TEST(ProvenanceTest, AResumeAppendsItsProvenance) {
  TempDir dir;
  auto store = Open((dir / "ws").string());
  Json config = {
      {"dataset", {{"path", SourcePath("data/gasoline.csv").string()}, {"target", "octane"}}},
      {"pipeline", {{{"model", "PLSRegression"}, {"n_components", 2}}}}};
  auto prepared = pipeline::prepare_run(config, {});
  ASSERT_TRUE(prepared.ok());
  pipeline::RunOptions options;
  options.command_line = {"n4a", "run", "cfg.json"};
  options.should_stop = [] { return true; };  // interrupted before any variant
  auto first = pipeline::run_sweep(*prepared, store.get(), options);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->status, pipeline::RunStatus::kInterrupted);
  options.should_stop = nullptr;
  options.command_line = {"n4a", "run", "--resume", first->run_id};
  auto resumed = pipeline::resume_sweep(*store, first->run_id, options);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  Json p = store->get_run(first->run_id)->provenance;
  EXPECT_EQ(p["command_line"], (Json{"n4a", "run", "cfg.json"}));
  ASSERT_EQ(p["resumed"].size(), 1u) << p.dump();
  EXPECT_EQ(p["resumed"][0]["command_line"][2], "--resume");
  EXPECT_EQ(store->get_run(first->run_id)->status, "completed");
}

TEST(ProvenanceTest, MigrationThreeUpgradesAVersionTwoCatalog) {
  TempDir dir;
  const std::string ws = (dir / "ws").string();
  ASSERT_TRUE(Open(ws)->close().ok());
  {  // Make it a version 2 catalog, as an older n4a left it.
    auto con = db::Connection::open(ws + "/store.duckdb", db::AccessMode::kReadWrite);
    ASSERT_TRUE(con.ok());
    ASSERT_TRUE((*con)->exec("ALTER TABLE runs DROP COLUMN provenance").ok());
    ASSERT_TRUE((*con)->exec("DELETE FROM schema_version WHERE version = 3").ok());
  }
  auto store = Open(ws);
  auto info = store->info();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->schema_version, 3);
  auto run = store->begin_run("r", Json::object(), Json::array());
  ASSERT_TRUE(run.ok());
  ASSERT_TRUE(store->set_run_provenance(*run, {{"user", "u"}}).ok());
  EXPECT_EQ(store->get_run(*run)->provenance, (Json{{"user", "u"}}));
  EXPECT_TRUE(store->set_run_provenance("no-such-run", {}).IsNotFound());
}

TEST(ProvenanceTest, DatasetsListsEachVersionAndTheRunsThatUsedIt) {
  TempDir dir;
  auto store = Open((dir / "ws").string());
  const std::string v1 = SourcePath("data/gasoline.csv").string();
  const std::string v2 = (dir / "gasoline_v2.csv").string();
  std::string text = ReadFileOrEmpty(v1);
  std::string last = text.substr(text.rfind('\n', text.size() - 2) + 1);
  std::ofstream(v2) << text << last;  // one more row: another version, 61 x 401
  std::string a = RunOn(*store, v1, {});
  std::string b = RunOn(*store, v2, {});
  std::string c = RunOn(*store, v1, {});
  ASSERT_TRUE(store->begin_run("no datasets", Json::object(), Json::object()).ok());

  auto t = store->list_datasets();
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(Column(*t, "dataset_name"), (std::vector<std::string>{"gas", "gas"}));
  EXPECT_EQ(Column(*t, "n_samples"), (std::vector<std::string>{"60", "61"}));  // by first use
  EXPECT_EQ(Column(*t, "runs"), (std::vector<std::string>{"2", "1"}));
  EXPECT_EQ(Column(*t, "path"),
            (std::vector<std::string>{fs::canonical(v1).string(), fs::canonical(v2).string()}));
  auto hashes = Column(*t, "hash");
  EXPECT_NE(hashes[0], hashes[1]);
  std::vector<std::string> ac = {a, c};
  std::sort(ac.begin(), ac.end());
  EXPECT_EQ(Json::parse(Column(*t, "run_ids")[0]), Json(ac));
  EXPECT_EQ(Json::parse(Column(*t, "run_ids")[1]), Json{b});
  auto first = Column(*t, "first_used"), last_used = Column(*t, "last_used");
  EXPECT_LT(first[0], last_used[0]);  // a, then c
  EXPECT_EQ(first[1], last_used[1]);
}

TEST(ProvenanceTest, DescribeChainHasDataScoresStepsAndArtifacts) {
  TempDir dir;
  auto store = Open((dir / "ws").string());
  std::string run_id = RunOn(*store, SourcePath("data/gasoline.csv").string(), {"n4a", "run"});
  ChainFilter f;
  f.run_id = run_id;
  auto chains = store->list_chains(f);
  ASSERT_TRUE(chains.ok());
  ASSERT_EQ(chains->rows.size(), 1u);
  std::string chain_id = Column(*chains, "chain_id")[0];

  auto d = store->describe_chain(chain_id);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->chain.chain_id, chain_id);
  EXPECT_EQ(d->run.run_id, run_id);
  EXPECT_EQ(d->run.provenance["command_line"], (Json{"n4a", "run"}));
  EXPECT_EQ(d->pipeline.pipeline_id, d->chain.pipeline_id);
  EXPECT_EQ(d->dataset["hash"], d->pipeline.dataset_hash);
  EXPECT_EQ(d->dataset["n_samples"], 60);
  EXPECT_EQ(d->chain.steps.size(), 2u);
  // 3 folds x (train, val) + refit (train, test), folds in numeric order.
  EXPECT_EQ(Column(d->fold_scores, "fold_id"),
            (std::vector<std::string>{"fold_0", "fold_0", "fold_1", "fold_1", "fold_2", "fold_2",
                                      "fold_final", "fold_final"}));
  EXPECT_EQ(Column(d->fold_scores, "partition")[1], "val");
  EXPECT_EQ(Column(d->fold_scores, "partition")[7], "test");
  const int score = d->fold_scores.column_index("score");
  EXPECT_DOUBLE_EQ(std::get<double>(d->fold_scores.rows[7][static_cast<size_t>(score)]),
                   *d->chain.cv_test_score);
  // The model of each fold and the SNV step (once per fold), each with its size.
  const std::vector<std::string> folds = {"fold_0", "fold_1", "fold_2", "fold_final"};
  std::vector<std::string> expected_folds = folds;
  expected_folds.insert(expected_folds.end(), folds.begin(), folds.end());
  EXPECT_EQ(Column(d->artifacts, "step"),
            (std::vector<std::string>{"0", "0", "0", "0", "1", "1", "1", "1"}));
  EXPECT_EQ(Column(d->artifacts, "fold"), expected_folds);
  EXPECT_EQ(Column(d->artifacts, "operator_class")[0], "SNV");
  EXPECT_EQ(Column(d->artifacts, "operator_class")[7], "PLSRegression");
  EXPECT_EQ(Column(d->artifacts, "artifact_id")[7], d->chain.fold_artifacts["fold_final"]);
  for (const std::string& size : Column(d->artifacts, "size_bytes")) EXPECT_GT(std::stoll(size), 0);

  EXPECT_TRUE(store->describe_chain("no-such-chain").status().IsNotFound());
}

}  // namespace
}  // namespace n4a
