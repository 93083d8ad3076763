#include "pipeline/executor.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>

#include "ml/registry.h"
#include "pipeline/prefix_trie.h"
#include "pipeline/scoring.h"
#include "pipeline/task_pool.h"

namespace n4a::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

int64_t micros_since(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();
}

// The rows of one fold, before any transform.
struct FoldInput {
  std::string fold_id;
  ml::Matrix y_fit;  // n x 1
  bool y_fit_finite = false;
  std::vector<double> y_eval;
  std::vector<int64_t> fit_rows, eval_rows;  // rows of the dataset file
};

// The fold's matrices as transformed by a prefix.
// Finiteness is checked once here rather than by each of the fits that read
// the matrices.
struct FoldData {
  ml::Matrix x_fit, x_eval;
  bool x_fit_finite = false;
  std::vector<double> wavelengths;
};

struct Slot {
  std::shared_ptr<const FoldData> data;
  FittedStep fitted;
  Status status;
  std::atomic<int> remaining{0};  // consumers that have not read `data` yet
};

// The model tasks of one leaf: variants whose models belong to one family
// (ml::ModelFamily, e.g. PLS over a range of n_components) share one fit per
// fold, of their largest member, and derive their own model from it; the
// others fit alone.
struct LeafPlan {
  struct Family {
    std::vector<size_t> members;  // variant positions
    size_t largest = 0;           // the member whose model is fitted
  };
  std::vector<size_t> solo;
  std::vector<Family> families;
};

// A family's work in one fold, shared by its members: the fit of the
// largest, and every member's predictions (by position in Family::members).
struct FamilyFit {
  std::vector<ml::Matrix> train, eval;
  std::shared_ptr<SerializedOperator> op;  // the fit's bytes; null without recording
  int64_t fit_us = 0;                      // fit of the largest and derivations
  int64_t predict_us = 0;                  // every member's predictions
};

// A member's share of its family's work (family null: it fits alone).
struct FamilyMember {
  FamilyFit* family = nullptr;
  size_t index = 0;  // in Family::members
  bool largest = false;
};

struct VariantState {
  std::vector<FoldOutcome> folds;
  std::vector<Status> statuses;
  std::atomic<int> remaining{0};
};

std::vector<double> column(const ml::Matrix& m) {
  return std::vector<double>(m.col(0).begin(), m.col(0).end());
}

PartitionPrediction prediction(std::vector<double> y_true, std::vector<double> y_pred,
                               std::vector<int64_t> rows) {
  PartitionPrediction p;
  p.y_true = std::move(y_true);
  p.y_pred = std::move(y_pred);
  p.sample_indices = std::move(rows);
  return p;
}

Result<ml::Matrix> apply(const ml::Operator& op, const ml::Matrix& x) {
  if (x.rows() == 0) return ml::Matrix(0, x.cols());
  return op.kind() == ml::OperatorKind::kModel ? op.predict(x) : op.transform(x);
}

class Executor {
 public:
  Executor(const ExecutorInput& in, int jobs, const ResultSink& sink)
      : in_(in), trie_(*in.variants), pool_(jobs), sink_(sink) {}

  bool run(const std::function<bool()>& should_stop) {
    make_folds();
    make_slots();
    make_plans();
    for (size_t f = 0; f < folds_.size(); ++f) schedule_consumers(0, f);
    return pool_.run(should_stop);
  }
  ExecutorStats stats() const {
    return {transform_fits_.load(), model_fits_.load(), models_derived_.load()};
  }

 private:
  Slot& slot(size_t node, size_t fold) { return *slots_[node * folds_.size() + fold]; }
  uint64_t priority(size_t variant_index, size_t fold) const {
    return (static_cast<uint64_t>(variant_index) << 20) | fold;
  }

  FoldInput fold_input(const std::string& id, const std::vector<Eigen::Index>& fit,
                       const Partition* eval_part, const std::vector<Eigen::Index>& eval) {
    const Partition& train = in_.data->train;
    FoldInput f;
    f.fold_id = id;
    f.y_fit.resize(static_cast<Eigen::Index>(fit.size()), 1);
    for (size_t i = 0; i < fit.size(); ++i) {
      f.y_fit(static_cast<Eigen::Index>(i), 0) = train.data.y(fit[i], 0);
      f.fit_rows.push_back(train.source_rows[static_cast<size_t>(fit[i])]);
    }
    f.y_fit_finite = f.y_fit.allFinite();
    for (Eigen::Index r : eval) {
      f.y_eval.push_back(eval_part->data.y(r, 0));
      f.eval_rows.push_back(eval_part->source_rows[static_cast<size_t>(r)]);
    }
    return f;
  }

  void make_folds() {
    const PreparedData& d = *in_.data;
    std::vector<ml::Fold> folds = d.folds;
    for (size_t k = 0; k < folds.size(); ++k) {
      folds_.push_back(
          fold_input(fmt::format("fold_{}", k), folds[k].train, &d.train, folds[k].test));
    }
    if (in_.refit == Refit::kYes) {
      ml::Fold all;
      for (Eigen::Index i = 0; i < d.train.data.n_samples(); ++i) all.train.push_back(i);
      if (d.test) {
        for (Eigen::Index i = 0; i < d.test->data.n_samples(); ++i) all.test.push_back(i);
      }
      folds.push_back(all);
      folds_.push_back(fold_input("fold_final", all.train, d.test ? &*d.test : nullptr, all.test));
    }
    root_data_ = std::move(folds);
  }

  void make_slots() {
    const size_t n_folds = folds_.size();
    for (size_t n = 0; n < trie_.nodes().size(); ++n) {
      const TrieNode& node = trie_.node(n);
      for (size_t f = 0; f < n_folds; ++f) {
        auto s = std::make_unique<Slot>();
        s->remaining = static_cast<int>(node.children.size() + node.variants.size());
        slots_.push_back(std::move(s));
      }
    }
    const ml::Dataset& train = in_.data->train.data;
    for (size_t f = 0; f < n_folds; ++f) {
      auto data = std::make_shared<FoldData>();
      std::vector<Eigen::Index>& eval = root_data_[f].test;
      data->x_fit = train.x(root_data_[f].train, Eigen::all);
      data->x_fit_finite = data->x_fit.allFinite();
      const bool final_fold = in_.refit == Refit::kYes && f + 1 == n_folds;
      const ml::Dataset& eval_set = final_fold && in_.data->test ? in_.data->test->data : train;
      data->x_eval =
          eval.empty() ? ml::Matrix(0, train.x.cols()) : ml::Matrix(eval_set.x(eval, Eigen::all));
      data->wavelengths = train.wavelengths;
      slot(0, f).data = std::move(data);
    }
    root_data_.clear();
    states_.resize(in_.variants->size());
    for (auto& s : states_) {
      s = std::make_unique<VariantState>();
      s->folds.resize(n_folds);
      s->statuses.resize(n_folds);
      s->remaining = static_cast<int>(n_folds);
    }
  }

  // Groups each leaf's variants by model family. A model whose parameters
  // do not build fits alone (and reports why).
  void make_plans() {
    plans_.resize(trie_.nodes().size());
    for (size_t node = 0; node < plans_.size(); ++node) {
      LeafPlan& plan = plans_[node];
      std::map<std::string, LeafPlan::Family> by_key;
      std::map<size_t, int> sizes;
      for (size_t pos : trie_.node(node).variants) {
        const StepConfig& step = (*in_.variants)[pos].model();
        auto model = ml::make_operator(step.op, step.params);
        auto family = model.ok() ? (*model)->family() : std::nullopt;
        if (!family) {
          plan.solo.push_back(pos);
          continue;
        }
        LeafPlan::Family& f = by_key[family->key];
        sizes[pos] = family->size;
        if (f.members.empty() || family->size > sizes[f.largest]) f.largest = pos;
        f.members.push_back(pos);
      }
      for (auto& [key, family] : by_key) {
        if (family.members.size() == 1) {
          plan.solo.push_back(family.members.front());
        } else {
          plan.families.push_back(std::move(family));
        }
      }
    }
  }

  void schedule_consumers(size_t node, size_t fold) {
    const TrieNode& n = trie_.node(node);
    for (size_t child : n.children) {
      pool_.submit(priority(trie_.node(child).first_variant, fold),
                   [this, child, fold] { run_transform(child, fold); });
    }
    const LeafPlan& plan = plans_[node];
    for (size_t pos : plan.solo) {
      pool_.submit(priority((*in_.variants)[pos].index, fold),
                   [this, pos, fold] { run_model(pos, fold); });
    }
    for (const LeafPlan::Family& family : plan.families) {
      pool_.submit(priority((*in_.variants)[family.members.front()].index, fold),
                   [this, node, &family, fold] { run_family(node, family, fold); });
    }
  }

  // Drops a slot's matrices once every consumer has taken them.
  void release(size_t node, size_t fold) {
    Slot& s = slot(node, fold);
    if (--s.remaining == 0) s.data.reset();
  }

  static ml::FitContext fit_context(const FoldData& in, const FoldInput& fold) {
    return {in.wavelengths, in.x_fit_finite && fold.y_fit_finite};
  }

  Status fit_transform(const StepConfig& step, const FoldData& in, const FoldInput& fold,
                       Slot& out) {
    N4A_ASSIGN_OR_RETURN(auto op, ml::make_operator(step.op, step.params));
    ++transform_fits_;
    auto t0 = Clock::now();
    N4A_TRY(op->fit(in.x_fit, fold.y_fit, fit_context(in, fold)));
    out.fitted.fit_us = micros_since(t0);
    t0 = Clock::now();
    auto data = std::make_shared<FoldData>();
    N4A_ASSIGN_OR_RETURN(data->x_fit, op->transform(in.x_fit));
    data->x_fit_finite = data->x_fit.allFinite();
    N4A_ASSIGN_OR_RETURN(data->x_eval, apply(*op, in.x_eval));
    out.fitted.transform_us = micros_since(t0);
    data->wavelengths = op->output_wavelengths(in.wavelengths);
    out.data = std::move(data);
    if (in_.serialize == Serialize::kYes) {
      out.fitted.op = std::make_shared<SerializedOperator>(op->serialize());
    }
    return Status::Ok();
  }

  void run_transform(size_t node, size_t fold) {
    const TrieNode& n = trie_.node(node);
    Slot& parent = slot(n.parent, fold);
    Slot& me = slot(node, fold);
    std::shared_ptr<const FoldData> input = parent.data;
    me.fitted.node = node;
    me.status = parent.status;
    release(n.parent, fold);
    if (me.status.ok()) {
      Status s = fit_transform(*n.step, *input, folds_[fold], me);
      if (!s.ok())
        me.status = s.WithContext(fmt::format("{} ({})", n.step->short_name, n.step->config_path));
    }
    schedule_consumers(node, fold);
  }

  Result<std::unique_ptr<ml::Operator>> fit(const StepConfig& step, const FoldData& in,
                                            const FoldInput& fold) {
    N4A_ASSIGN_OR_RETURN(auto model, ml::make_operator(step.op, step.params));
    ++model_fits_;
    N4A_TRY(model->fit(in.x_fit, fold.y_fit, fit_context(in, fold)));
    return model;
  }

  // Fits the largest member of `family` on (node, fold) once, derives every
  // member's model from it and predicts for them all in one pass over each
  // partition. If that fails, each member fits its own model (smaller ones
  // may succeed) and reports its own error.
  void run_family(size_t node, const LeafPlan::Family& family, size_t fold) {
    const Slot& s = slot(node, fold);  // each member releases it
    auto fit_of = std::make_shared<FamilyFit>();
    if (!s.status.ok() || !fit_family(family, *s.data, folds_[fold], *fit_of).ok()) {
      fit_of.reset();
    }
    for (size_t i = 0; i < family.members.size(); ++i) {
      const size_t pos = family.members[i];
      const bool largest = pos == family.largest;
      pool_.submit(
          priority((*in_.variants)[pos].index, fold), [this, pos, fold, fit_of, i, largest] {
            run_model(pos, fold, fit_of ? FamilyMember{fit_of.get(), i, largest} : FamilyMember{});
          });
    }
  }

  Status fit_family(const LeafPlan::Family& family, const FoldData& in, const FoldInput& fold,
                    FamilyFit& out) {
    auto t0 = Clock::now();
    N4A_ASSIGN_OR_RETURN(auto largest, fit((*in_.variants)[family.largest].model(), in, fold));
    std::vector<std::unique_ptr<ml::Operator>> models;
    std::vector<const ml::Operator*> members;
    for (size_t pos : family.members) {
      const StepConfig& step = (*in_.variants)[pos].model();
      N4A_ASSIGN_OR_RETURN(auto member, ml::make_operator(step.op, step.params));
      N4A_ASSIGN_OR_RETURN(auto model, largest->derive(*member));
      members.push_back(model.get());
      models.push_back(std::move(model));
    }
    models_derived_ += models.size();
    out.fit_us = micros_since(t0);
    t0 = Clock::now();
    N4A_ASSIGN_OR_RETURN(out.train, largest->predict_members(members, in.x_fit));
    N4A_ASSIGN_OR_RETURN(out.eval, largest->predict_members(members, in.x_eval));
    out.predict_us = micros_since(t0);
    if (in_.serialize == Serialize::kYes) {
      out.op = std::make_shared<SerializedOperator>(largest->serialize());
    }
    return Status::Ok();
  }

  // Fits the model of `step` and predicts both partitions, or takes them
  // from its family's work (`member`).
  Status fit_model(const StepConfig& step, const FoldData& in, const FoldInput& fold,
                   const FamilyMember& member, FoldOutcome& out) {
    ml::Matrix train_pred, eval_pred;
    if (member.family != nullptr) {
      // The family's times count for its largest model (docs/pipeline-config.md).
      out.fit_us = member.largest ? member.family->fit_us : 0;
      out.predict_us = member.largest ? member.family->predict_us : 0;
      train_pred = std::move(member.family->train[member.index]);
      eval_pred = std::move(member.family->eval[member.index]);
      // The family's fit is recorded once, as every member's artifact.
      out.model = member.family->op;
      out.model_derived = !member.largest && out.model != nullptr;
    } else {
      auto t0 = Clock::now();
      N4A_ASSIGN_OR_RETURN(auto model, fit(step, in, fold));
      out.fit_us = micros_since(t0);
      t0 = Clock::now();
      N4A_ASSIGN_OR_RETURN(train_pred, apply(*model, in.x_fit));
      N4A_ASSIGN_OR_RETURN(eval_pred, apply(*model, in.x_eval));
      out.predict_us = micros_since(t0);
      if (in_.serialize == Serialize::kYes) {
        out.model = std::make_shared<SerializedOperator>(model->serialize());
      }
    }
    out.train = prediction(column(fold.y_fit), column(train_pred), fold.fit_rows);
    if (eval_pred.rows() > 0) out.eval = prediction(fold.y_eval, column(eval_pred), fold.eval_rows);
    return Status::Ok();
  }

  void run_model(size_t pos, size_t fold, const FamilyMember& member = {}) {
    const size_t leaf = trie_.leaf_of(pos);
    Slot& s = slot(leaf, fold);
    std::shared_ptr<const FoldData> input = s.data;
    Status status = s.status;
    release(leaf, fold);
    FoldOutcome out;
    out.fold_id = folds_[fold].fold_id;
    for (size_t node : trie_.path_of(pos)) out.steps.push_back(slot(node, fold).fitted);
    const StepConfig& model = (*in_.variants)[pos].model();
    if (status.ok()) {
      status = fit_model(model, *input, folds_[fold], member, out);
      if (!status.ok()) status = status.WithContext(model.config_path);
    }
    if (!status.ok()) status = status.WithContext(out.fold_id);
    VariantState& st = *states_[pos];
    st.folds[fold] = std::move(out);
    st.statuses[fold] = std::move(status);
    if (--st.remaining == 0) finalize(pos);
  }

  void finalize(size_t pos) {
    VariantState& st = *states_[pos];
    VariantResult r;
    r.variant = &(*in_.variants)[pos];
    for (const Status& s : st.statuses) {
      if (!s.ok()) {
        r.status = s;
        break;
      }
    }
    if (r.status.ok()) {
      std::vector<FoldOutcome>& folds = st.folds;
      if (in_.refit == Refit::kYes) {
        r.final_fold = std::move(folds.back());
        folds.pop_back();
      }
      r.folds = std::move(folds);
      summarize_variant(r, in_.task, in_.metric);
      r.duration_ms = duration_ms(r);
    }
    st.folds.clear();
    sink_(std::move(r));
  }

  static int64_t duration_ms(const VariantResult& r) {
    int64_t us = 0;
    auto add = [&](const FoldOutcome& f) {
      us += f.fit_us + f.predict_us;
      for (const FittedStep& s : f.steps) us += s.fit_us + s.transform_us;
    };
    for (const FoldOutcome& f : r.folds) add(f);
    if (r.final_fold) add(*r.final_fold);
    return us / 1000;
  }

  const ExecutorInput& in_;
  PrefixTrie trie_;
  TaskPool pool_;
  const ResultSink& sink_;
  std::vector<FoldInput> folds_;
  std::vector<ml::Fold> root_data_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<std::unique_ptr<VariantState>> states_;
  std::vector<LeafPlan> plans_;  // by trie node
  std::atomic<size_t> transform_fits_{0}, model_fits_{0}, models_derived_{0};
};

}  // namespace

bool execute_variants(const ExecutorInput& input, int jobs,
                      const std::function<bool()>& should_stop, const ResultSink& sink,
                      ExecutorStats* stats) {
  if (input.variants->empty()) return false;
  Executor executor(input, jobs, sink);
  const bool stopped = executor.run(should_stop);
  if (stats != nullptr) *stats = executor.stats();
  return stopped;
}

}  // namespace n4a::pipeline
