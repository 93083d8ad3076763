// Fills a workspace with a small, complete experiment for the merge and
// backup tests: a project, a run, pipelines with chains that reference
// artifacts (one shared by all chains, one per chain), predictions with
// arrays, and logs.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "n4a/workspace_store.h"
#include "support/test_util.h"
#include "util/sha256.h"

namespace n4a::testing {

inline std::unique_ptr<WorkspaceStore> OpenStore(const std::string& path) {
  auto store = WorkspaceStore::open(path);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

struct Populated {
  std::string run_id;
  std::vector<std::string> pipeline_ids;
  std::vector<std::string> chain_ids;
  std::vector<std::string> prediction_ids;
};

// One run of `pipelines` pipelines on `dataset`, each with one chain and
// `folds` val predictions (rmse `score_base + i`), all with arrays. `tag`
// makes the per-chain artifacts differ between calls.
inline Populated Populate(WorkspaceStore& store, const std::string& dataset, int pipelines,
                          int folds = 3, double score_base = 1.0, const std::string& tag = "") {
  Populated out;
  out.run_id = *store.begin_run("sweep " + dataset, {{"dataset", dataset}}, {{{"name", dataset}}});
  auto project = store.get_or_create_project("proj");
  EXPECT_TRUE(project.ok());
  EXPECT_TRUE(store.set_run_project(out.run_id, *project).ok());
  std::string shared = *store.save_artifact("shared scaler", "StandardScaler", "transform", "bin");
  for (int i = 0; i < pipelines; ++i) {
    std::string pid = *store.begin_pipeline(out.run_id, "PLS(" + std::to_string(i) + ")",
                                            {{"n", i}}, {{"n_components", i}}, dataset, "h");
    out.pipeline_ids.push_back(pid);
    std::string model = *store.save_artifact("model " + dataset + tag + std::to_string(i),
                                             "PLSRegression", "model", "bin");
    ChainRecord c;
    c.pipeline_id = pid;
    c.model_class = "PLSRegression";
    c.model_name = "PLS";
    c.metric = "rmse";
    c.task_type = "regression";
    c.dataset_name = dataset;
    c.fold_artifacts = {{"fold_final", model}};
    c.shared_artifacts = {{"0", {shared}}};
    c.cv_val_score = score_base + i;
    std::string chain = *store.save_chain(c);
    out.chain_ids.push_back(chain);
    for (int f = 0; f < folds; ++f) {
      PredictionRecord p;
      p.pipeline_id = pid;
      p.chain_id = chain;
      p.dataset_name = dataset;
      p.model_name = "PLS";
      p.model_class = "PLSRegression";
      p.fold_id = "fold_" + std::to_string(f);
      p.partition = "val";
      p.val_score = score_base + i + 0.1 * f;
      p.metric = "rmse";
      p.task_type = "regression";
      p.n_samples = 4;
      p.scores = {{"rmse", *p.val_score}};
      PredictionArrays a;
      a.y_true = {1, 2, 3, double(f)};
      a.y_pred = {1.5, 2, 2.5, double(i)};
      a.sample_indices = {0, 1, 2, 3};
      auto id = store.save_prediction(p, a);
      EXPECT_TRUE(id.ok()) << id.status().ToString();
      out.prediction_ids.push_back(*id);
    }
    LogRecord log;
    log.pipeline_id = pid;
    log.event = "fit";
    log.message = "fitted";
    EXPECT_TRUE(store.log_step(log).ok());
    EXPECT_TRUE(store.complete_pipeline(pid, score_base + i, std::nullopt, "rmse", 5).ok());
  }
  EXPECT_TRUE(store.complete_run(out.run_id, {{"ok", true}}).ok());
  EXPECT_TRUE(store.flush().ok());
  return out;
}

// SHA-256 of every file under `root` (store.lock aside: readers record
// themselves in it), by relative path.
inline std::map<std::string, std::string> HashTree(const std::filesystem::path& root) {
  std::map<std::string, std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (!e.is_regular_file() || e.path().filename() == "store.lock") continue;
    out[std::filesystem::relative(e.path(), root).string()] = Sha256Hex(ReadFileOrEmpty(e.path()));
  }
  return out;
}

// One scalar of a read-only query.
inline int64_t CountOf(WorkspaceStore& store, const std::string& sql) {
  auto t = store.sql(sql);
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? std::get<int64_t>(t->rows[0][0]) : -1;
}

// The check passes.
inline void ExpectChecks(WorkspaceStore& store) {
  auto check = store.check();
  ASSERT_TRUE(check.ok()) << check.status().ToString();
  EXPECT_TRUE(check->ok()) << (check->problems.empty() ? "" : check->problems.front());
}

}  // namespace n4a::testing
