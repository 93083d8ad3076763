// The template library: save, list, show, delete, name validation,
// overwriting, the on-disk format, and the pipeline-layer helpers that turn a
// template into a run.
#include "n4a/templates.h"

#include <gtest/gtest.h>

#include <fstream>

#include "n4a/workspace_store.h"
#include "pipeline/prepare.h"
#include "support/test_util.h"
#include "util/fault_injection_env.h"

namespace n4a {
namespace {

using testing::ReadFileOrEmpty;
using testing::SourcePath;
using testing::TempDir;
namespace fs = std::filesystem;

constexpr int64_t kT0 = 1'790'000'000'123'456;  // 2026-09-21, a fixed clock

Json RunConfig(int components) {
  return {
      {"name", "pls"},
      {"dataset", {{"path", SourcePath("data/gasoline.csv").string()}, {"target", "octane"}}},
      {"cv", {{"type", "kfold"}, {"n_splits", 2}}},
      {"pipeline", {{{"op", "SNV"}}, {{"model", "PLSRegression"}, {"n_components", components}}}},
      {"metric", "rmse"}};
}

TemplateMetadata Meta(const std::string& name, const std::string& category,
                      std::vector<std::string> tags) {
  TemplateMetadata m;
  m.name = name;
  m.category = category;
  m.description = "for " + name;
  m.tags = std::move(tags);
  return m;
}

class TemplatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.set_now_micros(kT0);
    StoreOptions options;
    options.env = &env_;
    auto store = WorkspaceStore::open(ws(), options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  std::string ws() const { return (dir_ / "ws").string(); }
  std::vector<std::string> Names(const TemplateFilter& filter) {
    auto all = store_->list_templates(filter);
    EXPECT_TRUE(all.ok()) << all.status().ToString();
    std::vector<std::string> names;
    for (const auto& m : all.ok() ? *all : std::vector<TemplateMetadata>{}) names.push_back(m.name);
    return names;
  }

  TempDir dir_;
  FaultInjectionEnv env_;
  std::unique_ptr<WorkspaceStore> store_;
};

TEST_F(TemplatesTest, SaveListShowDeleteRoundTrip) {
  ASSERT_TRUE(
      store_->save_template(Meta("snv_pls", "nirs", {"pls", "snv"}), RunConfig(3), Overwrite::kNo)
          .ok());
  ASSERT_TRUE(store_->save_template(Meta("plain", "", {"pls"}), RunConfig(2), Overwrite::kNo).ok());

  // Listed by category, then name; filters by category and tag.
  EXPECT_EQ(Names({}), (std::vector<std::string>{"plain", "snv_pls"}));  // general < nirs
  EXPECT_EQ(Names({"nirs", ""}), std::vector<std::string>{"snv_pls"});
  EXPECT_EQ(Names({"", "snv"}), std::vector<std::string>{"snv_pls"});
  EXPECT_EQ(Names({"", "pls"}).size(), 2u);
  EXPECT_TRUE(Names({"", "nope"}).empty());

  auto t = store_->get_template("snv_pls");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->config, RunConfig(3));
  EXPECT_EQ(t->metadata.category, "nirs");
  EXPECT_EQ(t->metadata.description, "for snv_pls");
  EXPECT_EQ(t->metadata.tags, (std::vector<std::string>{"pls", "snv"}));
  EXPECT_EQ(t->metadata.created_at, kT0);
  EXPECT_EQ(t->metadata.modified_at, kT0);

  // The nirs4all layout, with a versioned metadata.json.
  fs::path folder = fs::path(ws()) / "library" / "nirs" / "snv_pls";
  EXPECT_EQ(Json::parse(ReadFileOrEmpty(folder / "pipeline.json")), RunConfig(3));
  Json meta = Json::parse(ReadFileOrEmpty(folder / "metadata.json"));
  EXPECT_EQ(meta["format_version"], kTemplateFormatVersion);
  EXPECT_EQ(meta["name"], "snv_pls");
  EXPECT_EQ(meta["created_at"], "2026-09-21T14:13:20.123456Z");
  EXPECT_TRUE(fs::exists(fs::path(ws()) / "library" / "general" / "plain" / "pipeline.json"));

  ASSERT_TRUE(store_->delete_template("snv_pls").ok());
  EXPECT_TRUE(store_->get_template("snv_pls").status().IsNotFound());
  EXPECT_FALSE(fs::exists(folder));
  EXPECT_FALSE(fs::exists(folder.parent_path()));  // the emptied category goes too
  EXPECT_TRUE(store_->delete_template("snv_pls").IsNotFound());
  EXPECT_EQ(Names({}), std::vector<std::string>{"plain"});
}

TEST_F(TemplatesTest, NamesThatCouldEscapeTheLibraryAreRefused) {
  const std::vector<std::string> names = {
      "",     ".",       "..",        "../x",      "a/b",
      "a\\b", ".hidden", "tab\there", "new\nline", std::string(129, 'x')};
  for (const std::string& bad : names) {
    auto saved = store_->save_template(Meta(bad, "c", {}), RunConfig(2), Overwrite::kYes);
    EXPECT_TRUE(saved.status().IsInvalidArgument()) << "name [" << bad << "]";
    EXPECT_TRUE(store_->get_template(bad).status().IsInvalidArgument()) << bad;
    EXPECT_TRUE(store_->delete_template(bad).IsInvalidArgument()) << bad;
    saved = store_->save_template(Meta("ok", bad.empty() ? "/" : bad, {}), RunConfig(2),
                                  Overwrite::kYes);
    EXPECT_TRUE(saved.status().IsInvalidArgument()) << "category [" << bad << "]";
  }
  EXPECT_TRUE(store_->save_template(Meta("t", "c", {"a,b"}), RunConfig(2), Overwrite::kNo)
                  .status()
                  .IsInvalidArgument());
  // Nothing was written, inside the library or next to it.
  EXPECT_TRUE(fs::is_empty(fs::path(ws()) / "library"));
  EXPECT_FALSE(fs::exists(dir_ / "x"));
  // Spaces and dots inside a name are fine.
  EXPECT_TRUE(
      store_->save_template(Meta("PLS v1.2 final", "c", {}), RunConfig(2), Overwrite::kNo).ok());
}

TEST_F(TemplatesTest, OverwritingNeedsForceAndKeepsCreationTime) {
  ASSERT_TRUE(store_->save_template(Meta("t", "a", {}), RunConfig(2), Overwrite::kNo).ok());
  env_.advance_clock_micros(5'000'000);
  // Same name in another category is the same template.
  auto again = store_->save_template(Meta("t", "b", {}), RunConfig(5), Overwrite::kNo);
  EXPECT_TRUE(again.status().IsAlreadyExists());
  EXPECT_NE(again.status().message().find("--force"), std::string::npos);
  EXPECT_EQ(store_->get_template("t")->config, RunConfig(2));

  auto forced = store_->save_template(Meta("t", "b", {"new"}), RunConfig(5), Overwrite::kYes);
  ASSERT_TRUE(forced.ok()) << forced.status().ToString();
  auto t = store_->get_template("t");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->config, RunConfig(5));
  EXPECT_EQ(t->metadata.category, "b");
  EXPECT_EQ(t->metadata.created_at, kT0);
  EXPECT_EQ(t->metadata.modified_at, kT0 + 5'000'000);
  EXPECT_FALSE(fs::exists(fs::path(ws()) / "library" / "a"));  // moved, not copied
  EXPECT_EQ(Names({}), std::vector<std::string>{"t"});
}

TEST_F(TemplatesTest, NewerOrDamagedFilesAreReportedNotSkipped) {
  ASSERT_TRUE(store_->save_template(Meta("t", "c", {}), RunConfig(2), Overwrite::kNo).ok());
  fs::path meta = fs::path(ws()) / "library" / "c" / "t" / "metadata.json";
  Json j = Json::parse(ReadFileOrEmpty(meta));
  j["format_version"] = kTemplateFormatVersion + 1;
  std::ofstream(meta) << j.dump();
  auto newer = store_->get_template("t");
  EXPECT_EQ(newer.status().code(), StatusCode::kFailedPrecondition) << newer.status().ToString();
  EXPECT_NE(newer.status().message().find("upgrade n4a"), std::string::npos);
  std::ofstream(meta) << "{not json";
  EXPECT_TRUE(store_->list_templates().status().IsCorruption());
  // A folder without metadata.json (a save in progress) is not a template.
  fs::remove(meta);
  fs::create_directories(fs::path(ws()) / "library" / "c" / "half");
  EXPECT_TRUE(Names({}).empty());
}

TEST(TemplateConfigTest, RunConfigReplacesTheDataset) {
  Json t = RunConfig(3);
  t["dataset"]["test"] = {{"rows", "51-60"}};
  auto config = pipeline::template_run_config(t, "/data/new.csv", "");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ((*config)["dataset"], (Json{{"path", "/data/new.csv"}, {"target", "octane"}}));
  EXPECT_EQ((*config)["pipeline"], t["pipeline"]);
  EXPECT_EQ((*pipeline::template_run_config(t, "x.csv", "ron"))["dataset"]["target"], "ron");
  t.erase("dataset");
  EXPECT_TRUE(pipeline::template_run_config(t, "x.csv", "").status().IsInvalidArgument());
}

TEST(TemplateConfigTest, FileConfigsAreCheckedAsForARun) {
  auto ok = pipeline::check_template_config(RunConfig(2), {});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  Json bad = RunConfig(2);
  bad["pipeline"][1]["model"] = "NoSuchModel";
  auto refused = pipeline::check_template_config(bad, {});
  EXPECT_TRUE(refused.status().IsInvalidArgument());
  EXPECT_NE(refused.status().message().find("NoSuchModel"), std::string::npos);
  bad = RunConfig(2);
  bad["cv"]["n_splits"] = 1;
  EXPECT_TRUE(pipeline::check_template_config(bad, {}).status().IsInvalidArgument());
}

TEST(TemplateConfigTest, PipelineTemplateTakesTheVariantSteps) {
  RunRecord run;
  run.config = RunConfig(2);
  run.config["pipeline"] = Json::parse(
      R"([{"_or_": [{"op": "SNV"}, null]}, {"model": "PLSRegression", "n_components": 4}])");
  PipelineRecord p;
  p.expanded_config = Json::parse(R"([{"op": "SNV"}, {"model": "PLSRegression",
                                      "n_components": 4}])");
  auto config = pipeline::pipeline_template_config(run, p);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ((*config)["pipeline"], p.expanded_config);
  EXPECT_EQ((*config)["cv"], run.config["cv"]);
  p.expanded_config = Json::parse(R"([{"model": "Nope"}])");
  EXPECT_TRUE(pipeline::pipeline_template_config(run, p).status().IsInvalidArgument());
}

}  // namespace
}  // namespace n4a
