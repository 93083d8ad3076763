// WorkspaceStore: the template library, library/<category>/<name>/ with
// pipeline.json and metadata.json (docs/formats/template.md). A template
// exists once its metadata.json does: save writes pipeline.json first, delete
// removes metadata.json first.
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "store/store_impl.h"
#include "util/atomic_file.h"
#include "util/strict_json.h"

namespace n4a {
namespace {

constexpr const char* kDefaultCategory = "general";
constexpr const char* kConfigFile = "pipeline.json";
constexpr const char* kMetadataFile = "metadata.json";
constexpr size_t kMaxNameBytes = 128;

std::string LibraryDir(const std::string& workspace) {
  return workspace + "/library";
}

std::string TemplateDir(const std::string& workspace, const TemplateMetadata& m) {
  return LibraryDir(workspace) + "/" + m.category + "/" + m.name;
}

// "2026-11-23T23:40:12.123456Z" (UTC, microseconds).
std::string IsoTime(int64_t micros) {
  using namespace std::chrono;
  const sys_seconds seconds_part = floor<seconds>(sys_time<microseconds>(microseconds(micros)));
  const int64_t fraction = micros - seconds_part.time_since_epoch().count() * 1'000'000;
  return fmt::format("{:%FT%H:%M:%S}.{:06d}Z", seconds_part, fraction);
}

Result<int64_t> ParseIsoTime(const Json& value, const std::string& file) {
  std::tm tm{};
  long micros = 0;
  const std::string text = value.is_string() ? value.get<std::string>() : "";
  int got = std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d.%ldZ", &tm.tm_year, &tm.tm_mon,
                        &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &micros);
  if (got < 6) return Status::Corruption(file + ": bad time " + value.dump());
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1'000'000 + (got == 7 ? micros : 0);
}

Result<Json> ReadJsonFile(Env* env, const std::string& path) {
  N4A_ASSIGN_OR_RETURN(std::string text, env->read_file(path));
  // Strict: templates are plain files that a user may edit by hand.
  auto j = ParseStrictJson(text);
  if (!j.ok()) return Status::Corruption(path + ": " + j.status().message());
  return j;
}

Result<TemplateMetadata> ReadMetadata(Env* env, const std::string& path) {
  N4A_ASSIGN_OR_RETURN(Json j, ReadJsonFile(env, path));
  if (!j.is_object() || !j["format_version"].is_number_integer()) {
    return Status::Corruption(path + ": not a template metadata file (no format_version)");
  }
  if (j["format_version"].get<int64_t>() > kTemplateFormatVersion) {
    return Status::FailedPrecondition(
        fmt::format("{}: template format version {} is newer than this n4a knows ({}): upgrade n4a",
                    path, j["format_version"].get<int64_t>(), kTemplateFormatVersion));
  }
  TemplateMetadata m;
  try {
    m.name = j.at("name").get<std::string>();
    m.category = j.at("category").get<std::string>();
    m.description = j.value("description", "");
    m.tags = j.value("tags", std::vector<std::string>{});
    m.metrics = j.value("metrics", Json::object());
    m.source = j.value("source", Json::object());
  } catch (const Json::exception& e) {
    return Status::Corruption(path + ": " + e.what());
  }
  N4A_ASSIGN_OR_RETURN(m.created_at, ParseIsoTime(j["created_at"], path));
  N4A_ASSIGN_OR_RETURN(m.modified_at, ParseIsoTime(j["modified_at"], path));
  return m;
}

// Sub-folders of `dir` that can be names (hidden and temp entries skipped).
Result<std::vector<std::string>> NameDirs(Env* env, const std::string& dir) {
  std::vector<std::string> out;
  if (!env->file_exists(dir)) return out;
  N4A_ASSIGN_OR_RETURN(std::vector<DirEntry> entries, env->list_dir(dir));
  for (const DirEntry& e : entries) {
    if (e.is_dir && ValidateTemplateName(e.name).ok()) out.push_back(e.name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Every saved template's metadata, by category then name.
Result<std::vector<TemplateMetadata>> ReadAll(Env* env, const std::string& workspace) {
  std::vector<TemplateMetadata> out;
  const std::string library = LibraryDir(workspace);
  N4A_ASSIGN_OR_RETURN(std::vector<std::string> categories, NameDirs(env, library));
  for (const std::string& category : categories) {
    N4A_ASSIGN_OR_RETURN(std::vector<std::string> names, NameDirs(env, library + "/" + category));
    for (const std::string& name : names) {
      std::string path = library + "/" + category + "/" + name + "/" + kMetadataFile;
      if (!env->file_exists(path)) continue;  // being saved or deleted right now
      N4A_ASSIGN_OR_RETURN(TemplateMetadata m, ReadMetadata(env, path));
      if (m.name != name || m.category != category) {
        return Status::Corruption(path + ": names template '" + m.name + "' in category '" +
                                  m.category + "', but lies in " + category + "/" + name);
      }
      out.push_back(std::move(m));
    }
  }
  return out;
}

// The template called `name`, or NotFound.
Result<TemplateMetadata> Find(Env* env, const std::string& workspace, const std::string& name) {
  N4A_TRY(ValidateTemplateName(name));
  N4A_ASSIGN_OR_RETURN(std::vector<TemplateMetadata> all, ReadAll(env, workspace));
  for (TemplateMetadata& m : all) {
    if (m.name == name) return std::move(m);
  }
  return Status::NotFound("template '" + name + "' does not exist in " + LibraryDir(workspace) +
                          " (n4a template list shows the saved ones)");
}

Status RemoveTemplateFiles(Env* env, const std::string& workspace, const TemplateMetadata& m) {
  const std::string dir = TemplateDir(workspace, m);
  N4A_TRY(env->remove_file(dir + "/" + kMetadataFile).WithContext("delete template " + m.name));
  if (env->file_exists(dir + "/" + kConfigFile)) N4A_TRY(env->remove_file(dir + "/" + kConfigFile));
  // Folders are removed only when empty: files a user put there stay.
  N4A_ASSIGN_OR_RETURN(bool removed, env->remove_dir_if_empty(dir));
  if (removed) {
    N4A_ASSIGN_OR_RETURN(removed,
                         env->remove_dir_if_empty(LibraryDir(workspace) + "/" + m.category));
  }
  return env->sync_dir(LibraryDir(workspace));
}

Status ValidateTags(const std::vector<std::string>& tags) {
  for (const std::string& tag : tags) {
    if (tag.empty() || std::any_of(tag.begin(), tag.end(), [](char c) {
          return static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == ',';
        })) {
      return Status::InvalidArgument(fmt::format(
          "bad tag \"{}\": tags are non-empty, without commas or control characters", tag));
    }
  }
  return Status::Ok();
}

}  // namespace

Json TemplateMetadataToJson(const TemplateMetadata& m) {
  return {{"format_version", kTemplateFormatVersion},
          {"name", m.name},
          {"category", m.category},
          {"description", m.description},
          {"tags", m.tags},
          {"metrics", m.metrics},
          {"source", m.source},
          {"created_at", IsoTime(m.created_at)},
          {"modified_at", IsoTime(m.modified_at)}};
}

Status ValidateTemplateName(const std::string& name, const std::string& what) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument(fmt::format("bad {} \"{}\": {}", what, name, why));
  };
  if (name.empty()) return bad("it is empty");
  if (name.size() > kMaxNameBytes) return bad(fmt::format("longer than {} bytes", kMaxNameBytes));
  if (name.front() == '.') return bad("it starts with '.'");
  for (char c : name) {
    if (c == '/' || c == '\\') return bad("it contains a path separator");
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return bad("a control character");
  }
  return Status::Ok();
}

Result<TemplateMetadata> WorkspaceStore::save_template(TemplateMetadata metadata,
                                                       const Json& config, Overwrite overwrite) {
  if (metadata.category.empty()) metadata.category = kDefaultCategory;
  N4A_TRY(ValidateTemplateName(metadata.name));
  N4A_TRY(ValidateTemplateName(metadata.category, "template category"));
  N4A_TRY(ValidateTags(metadata.tags));
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->check_writable());
  Env* env = impl_->env();
  const std::string& workspace = impl_->window_.path();
  metadata.created_at = metadata.modified_at = impl_->now();
  auto existing = Find(env, workspace, metadata.name);
  if (existing.ok()) {
    if (overwrite == Overwrite::kNo) {
      return Status::AlreadyExists(
          fmt::format("template '{}' already exists (category {}): pass --force to replace it",
                      metadata.name, existing->category));
    }
    metadata.created_at = existing->created_at;
  } else if (!existing.status().IsNotFound()) {
    return existing.status();
  }
  const std::string dir = TemplateDir(workspace, metadata);
  N4A_TRY(env->create_dirs(dir).WithContext("save template " + metadata.name));
  N4A_TRY(WriteFileAtomic(env, dir + "/" + kConfigFile, config.dump(2) + "\n"));
  N4A_TRY(WriteFileAtomic(env, dir + "/" + kMetadataFile,
                          TemplateMetadataToJson(metadata).dump(2) + "\n"));
  if (existing.ok() && existing->category != metadata.category) {
    N4A_TRY(RemoveTemplateFiles(env, workspace, *existing));  // moved to another category
  }
  return metadata;
}

Result<std::vector<TemplateMetadata>> WorkspaceStore::list_templates(const TemplateFilter& filter) {
  N4A_ASSIGN_OR_RETURN(std::vector<TemplateMetadata> all,
                       ReadAll(impl_->env(), impl_->window_.path()));
  std::erase_if(all, [&](const TemplateMetadata& m) {
    bool tagged =
        filter.tag.empty() || std::find(m.tags.begin(), m.tags.end(), filter.tag) != m.tags.end();
    return !tagged || (!filter.category.empty() && m.category != filter.category);
  });
  return all;
}

Result<PipelineTemplate> WorkspaceStore::get_template(const std::string& name) {
  PipelineTemplate t;
  N4A_ASSIGN_OR_RETURN(t.metadata, Find(impl_->env(), impl_->window_.path(), name));
  N4A_ASSIGN_OR_RETURN(
      t.config, ReadJsonFile(impl_->env(),
                             TemplateDir(impl_->window_.path(), t.metadata) + "/" + kConfigFile));
  return t;
}

Status WorkspaceStore::delete_template(const std::string& name) {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->check_writable());
  N4A_ASSIGN_OR_RETURN(TemplateMetadata m, Find(impl_->env(), impl_->window_.path(), name));
  return RemoveTemplateFiles(impl_->env(), impl_->window_.path(), m);
}

}  // namespace n4a
