#include "ml/chain.h"

#include <algorithm>

namespace n4a::ml {
namespace {

// Folding needs p x p work once; worth it only for many rows.
constexpr Eigen::Index kFoldMinRowsPerFeature = 4;

// An affine model predict(X) = X b + c standing for a suffix of the chain.
class FoldedModel final : public Operator {
 public:
  FoldedModel(Matrix b, Matrix c) : b_(std::move(b)), c_(std::move(c)) {}
  std::string_view name() const override { return "FoldedModel"; }
  OperatorKind kind() const override { return OperatorKind::kModel; }
  nlohmann::json params() const override { return nlohmann::json::object(); }
  bool fitted() const override { return true; }
  std::vector<NamedArray> fitted_arrays() const override { return {}; }
  Status restore(std::vector<NamedArray>) override { return Status::NotSupported("internal"); }

 protected:
  Status do_fit(const Matrix&, const Matrix&, const FitContext&) override {
    return Status::NotSupported("internal");
  }
  Result<Matrix> do_predict(const Matrix& x) const override {
    N4A_TRY(check_columns(x, b_.rows()));
    Matrix out = x * b_;
    out.rowwise() += c_.row(0);
    return out;
  }

 private:
  Matrix b_, c_;
};

// Folds the affine transforms at the end of `transforms` into `model`:
// predict(f(X)) with f(X) = X L + c0 is X (L b) + (c0 b + c). L and c0 come
// from transforming the identity and a zero row. Returns how many transforms
// remain in front, and the folded model in `folded` (null if none folded).
Result<size_t> fold_affine_suffix(std::span<const Operator* const> transforms,
                                  const Operator& model, Eigen::Index p_in,
                                  std::unique_ptr<Operator>& folded) {
  Matrix b, c;
  if (!model.affine_model(b, c)) return transforms.size();
  size_t keep = transforms.size();
  while (keep > 0 && transforms[keep - 1]->is_affine()) --keep;
  if (keep == transforms.size()) return keep;
  // Width of the input to transforms[keep]: run a zero row through the prefix.
  Matrix probe = Matrix::Zero(1, p_in);
  for (size_t i = 0; i < keep; ++i) {
    N4A_ASSIGN_OR_RETURN(probe, transforms[i]->transform(probe));
  }
  const Eigen::Index p = probe.cols();
  for (size_t i = transforms.size(); i > keep; --i) {
    Matrix basis(p + 1, p);
    basis.topRows(p).setIdentity();
    basis.row(p).setZero();
    N4A_ASSIGN_OR_RETURN(Matrix images, transforms[i - 1]->transform(basis));
    if (images.cols() != b.rows()) return Status::Internal("apply_chain: width mismatch");
    const RowVector c0 = images.row(p);
    images.topRows(p).rowwise() -= c0;
    c = c0 * b + c;
    b = images.topRows(p) * b;
  }
  folded = std::make_unique<FoldedModel>(std::move(b), std::move(c));
  return keep;
}

Result<Matrix> apply_block(std::span<const Operator* const> transforms, const Operator* model,
                           Matrix block) {
  for (const Operator* op : transforms) {
    N4A_ASSIGN_OR_RETURN(block, op->transform(block));
  }
  if (model == nullptr) return block;
  return model->predict(block);
}

}  // namespace

Result<Matrix> apply_chain(std::span<const Operator* const> transforms, const Operator* model,
                           const Matrix& x, Eigen::Index block_rows) {
  std::unique_ptr<Operator> folded;
  if (model != nullptr && x.rows() >= kFoldMinRowsPerFeature * x.cols()) {
    N4A_ASSIGN_OR_RETURN(size_t keep, fold_affine_suffix(transforms, *model, x.cols(), folded));
    if (folded) {
      transforms = transforms.first(keep);
      model = folded.get();
    }
  }
  if (block_rows <= 0) {
    block_rows = std::max<Eigen::Index>(1, (256 * 1024 / 8) / std::max<Eigen::Index>(1, x.cols()));
  }
  if (x.rows() <= block_rows) return apply_block(transforms, model, x);
  Matrix out;
  for (Eigen::Index i0 = 0; i0 < x.rows(); i0 += block_rows) {
    const Eigen::Index b = std::min(block_rows, x.rows() - i0);
    N4A_ASSIGN_OR_RETURN(Matrix part, apply_block(transforms, model, x.middleRows(i0, b)));
    if (i0 == 0) out.resize(x.rows(), part.cols());
    if (part.cols() != out.cols()) return Status::Internal("apply_chain: output width changed");
    out.middleRows(i0, b) = part;
  }
  return out;
}

}  // namespace n4a::ml
