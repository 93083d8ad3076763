// Pipeline templates: the workspace library (docs/formats/template.md).
//
// A template is a run config (docs/pipeline-config.md) saved under a name, to
// run again on new data: library/<category>/<name>/pipeline.json holds the
// config, metadata.json what describes it. Names are unique across
// categories. WorkspaceStore reads and writes them (workspace_store.h); these
// are the plain value types it exchanges.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "n4a/records.h"
#include "n4a/status.h"

namespace n4a {

// The version of metadata.json this binary writes; readers refuse newer ones.
constexpr int64_t kTemplateFormatVersion = 1;

struct TemplateMetadata {
  std::string name;      // see ValidateTemplateName
  std::string category;  // a folder under library/, validated like a name
  std::string description;
  std::vector<std::string> tags;
  // Scores of the pipeline it was saved from ({"metric": "rmse",
  // "cv_val_score": 0.21, ...}); an empty object when saved from a file.
  Json metrics = Json::object();
  // Where it came from: {"pipeline_id": ..., "run_id": ...} or {"file": ...}.
  Json source = Json::object();
  int64_t created_at = 0;   // microseconds since the Unix epoch
  int64_t modified_at = 0;  // equals created_at until overwritten
};

struct PipelineTemplate {
  TemplateMetadata metadata;
  Json config;  // the run config (pipeline.json)
};

// Listing filter; empty fields match everything.
struct TemplateFilter {
  std::string category;
  std::string tag;  // templates carrying this tag
};

// Whether saving over an existing template of the same name is allowed.
enum class Overwrite { kNo, kYes };

// The content of metadata.json: the fields above plus "format_version", with
// times as ISO 8601 UTC text ("2026-11-23T23:40:12.123456Z").
Json TemplateMetadataToJson(const TemplateMetadata& metadata);

// Ok for a name usable as one folder of the library: not empty, at most 128
// bytes, no '/', '\\' or control character, not starting with '.' (so neither
// "." nor ".." nor hidden files). InvalidArgument naming `what` otherwise.
Status ValidateTemplateName(const std::string& name, const std::string& what = "template name");

}  // namespace n4a
