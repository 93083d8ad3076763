// WorkspaceStore: run provenance and lineage queries (`n4a datasets`,
// `n4a show`).
#include "catalog/provenance_reader.h"
#include "store/store_impl.h"

namespace n4a {
namespace {

// The runs.datasets entry of the data a pipeline was trained on.
Json TrainingDataset(const RunRecord& run, const PipelineRecord& pipeline) {
  if (!run.datasets.is_array()) return nullptr;
  for (const Json& entry : run.datasets) {
    if (entry.is_object() && entry.value("hash", "") == pipeline.dataset_hash &&
        entry.value("role", "train") == "train") {
      return entry;
    }
  }
  return nullptr;
}

}  // namespace

Status WorkspaceStore::set_run_provenance(const std::string& run_id, const Json& provenance) {
  std::lock_guard lock(impl_->mu_);
  N4A_TRY(impl_->check_writable());
  N4A_TRY(impl_->require_run(run_id));
  if (RunRecord* r = impl_->pending_.find_run(run_id)) {
    r->provenance = provenance;
    return Status::Ok();
  }
  return impl_->update("UPDATE runs SET provenance = $1 WHERE run_id = $2",
                       {provenance.dump(), run_id}, "run " + run_id + " does not exist");
}

Result<Table> WorkspaceStore::list_datasets() {
  std::lock_guard lock(impl_->mu_);
  return impl_->read<Table>([](db::Connection& con) { return catalog::ListDatasets(con); });
}

Result<WorkspaceStore::ChainDetails> WorkspaceStore::describe_chain(const std::string& chain_id) {
  std::lock_guard lock(impl_->mu_);
  return impl_->read<ChainDetails>([&](db::Connection& con) -> Result<ChainDetails> {
    ChainDetails d;
    N4A_ASSIGN_OR_RETURN(d.chain, catalog::GetChain(con, chain_id));
    N4A_ASSIGN_OR_RETURN(d.pipeline, catalog::GetPipeline(con, d.chain.pipeline_id));
    N4A_ASSIGN_OR_RETURN(d.run, impl_->get_run(con, d.pipeline.run_id));
    d.dataset = TrainingDataset(d.run, d.pipeline);
    N4A_ASSIGN_OR_RETURN(d.fold_scores, catalog::ChainFoldScores(con, chain_id));
    N4A_ASSIGN_OR_RETURN(d.artifacts, catalog::ChainArtifacts(con, chain_id));
    return d;
  });
}

}  // namespace n4a
