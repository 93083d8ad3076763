#include "ml/chain.h"

#include <algorithm>

namespace n4a::ml {
namespace {

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
