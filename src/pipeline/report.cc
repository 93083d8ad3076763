#include "pipeline/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace n4a::pipeline {
namespace {

Value number(const std::optional<double>& v) {
  return v ? Value(*v) : Value();
}

Json json_number(const std::optional<double>& v) {
  return v && std::isfinite(*v) ? Json(*v) : Json();
}

std::string clock_text(double seconds) {
  const auto s = static_cast<int64_t>(std::max(0.0, seconds));
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace

const char* run_status_name(RunStatus status) {
  return status == RunStatus::kCompleted ? "completed" : "interrupted";
}

Table leaderboard_table(const RunReport& report, size_t top) {
  Table t;
  const std::string cv = report.rank_by_oof ? "cv_oof_" : "cv_";
  t.columns = {"rank",    "pipeline", cv + report.metric, "test_" + report.metric,
               "test_r2", "chain_id"};
  t.kinds = {ColumnKind::kInt,    ColumnKind::kString, ColumnKind::kDouble,
             ColumnKind::kDouble, ColumnKind::kDouble, ColumnKind::kString};
  auto ranked = report.ranked();
  for (size_t i = 0; i < ranked.size() && (top == 0 || i < top); ++i) {
    const VariantSummary& v = *ranked[i];
    t.rows.push_back({Value(static_cast<int64_t>(i + 1)), Value(v.name), number(v.cv_score),
                      number(v.cv_test_score), number(v.test_r2),
                      v.chain_id.empty() ? Value() : Value(v.chain_id)});
  }
  return t;
}

Json report_json(const RunReport& report) {
  Json board = Json::array();
  auto ranked = report.ranked();
  for (size_t i = 0; i < ranked.size(); ++i) {
    const VariantSummary& v = *ranked[i];
    board.push_back({{"rank", i + 1},
                     {"name", v.name},
                     {"cv_score", json_number(v.cv_score)},
                     {"cv_val_score", json_number(v.cv_val_score)},
                     {"cv_oof_score", json_number(v.cv_oof_score)},
                     {"test_score", json_number(v.cv_test_score)},
                     {"test_r2", json_number(v.test_r2)},
                     {"pipeline_id", v.pipeline_id},
                     {"chain_id", v.chain_id},
                     {"resumed", v.resumed}});
  }
  Json failures = Json::array();
  for (const VariantSummary* v : report.failures()) {
    failures.push_back({{"name", v->name}, {"error", v->error}, {"pipeline_id", v->pipeline_id}});
  }
  const size_t not_run = report.variants.size() - ranked.size() - failures.size();
  return {{"run_id", report.run_id},
          {"name", report.run_name},
          {"status", run_status_name(report.status)},
          {"metric", report.metric},
          {"dataset", report.dataset_name},
          {"workspace", report.workspace},
          {"wall_ms", report.wall_ms},
          {"variants", report.variants.size()},
          {"completed", ranked.size()},
          {"failed", failures.size()},
          {"not_run", not_run},
          {"transform_fits", report.transform_fits},
          {"model_fits", report.model_fits},
          {"models_derived", report.models_derived},
          {"retired", report.retired},
          {"leaderboard", board},
          {"failures", failures}};
}

std::string progress_line(const Progress& p, int width) {
  const int bar = std::max(10, width - 60);
  const double frac =
      p.total == 0 ? 1.0 : static_cast<double>(p.done) / static_cast<double>(p.total);
  const int filled = static_cast<int>(frac * bar);
  std::string line = "[" + std::string(static_cast<size_t>(filled), '#') +
                     std::string(static_cast<size_t>(bar - filled), '-') + "]";
  line += fmt::format(" {}/{}", p.done, p.total);
  if (p.done > 0 && p.done < p.total) {
    const double eta =
        p.elapsed_seconds / static_cast<double>(p.done) * static_cast<double>(p.total - p.done);
    line += "  ETA " + clock_text(eta);
  }
  if (p.best) line += fmt::format("  best {} {:.4g}", p.metric, *p.best);
  if (p.failed > 0) line += fmt::format("  ({} failed)", p.failed);
  return line;
}

}  // namespace n4a::pipeline
