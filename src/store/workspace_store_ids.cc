// WorkspaceStore::resolve_id: ids by a unique prefix (catalog/id_prefix.h).
#include "catalog/id_prefix.h"
#include "store/store_impl.h"

namespace n4a {
namespace {

catalog::IdColumn IdColumnOf(IdKind kind) {
  switch (kind) {
    case IdKind::kRun: return {"runs", "run_id", "run"};
    case IdKind::kPipeline: return {"pipelines", "pipeline_id", "pipeline"};
    case IdKind::kChain: return {"chains", "chain_id", "chain"};
  }
  return {"chains", "chain_id", "chain"};
}

}  // namespace

Result<std::string> WorkspaceStore::resolve_id(IdKind kind, const std::string& id) {
  const catalog::IdColumn ids = IdColumnOf(kind);
  if (id.empty()) return Status::InvalidArgument("no " + ids.what + " id given");
  std::lock_guard lock(impl_->mu_);
  return impl_->read<std::string>(
      [&](db::Connection& con) { return catalog::ResolveIdPrefix(con, ids, id); });
}

}  // namespace n4a
