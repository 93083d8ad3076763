// Applying a fitted chain (transforms, then optionally a model) to many
// samples, block of rows by block of rows.
//
// Every fitted n4a transform acts on each row independently (its state is
// fixed at fit), so a chain can run on a block of rows that stays in cache
// from the first operator to the last: memory traffic is one read of X and
// one write of the result, instead of one full intermediate matrix per
// operator. When the model is affine (PLSRegression, Ridge) and the
// transforms just before it are affine too (Savitzky-Golay, derivatives,
// Detrend, Crop, scalers, PCA), and X has many rows (>= 4 per feature), those
// transforms are folded into the model once (X L b instead of (X L) b), which
// changes results only by floating-point rounding. Otherwise the result equals
// applying the operators one after the other on the whole matrix.
// Thread-safe for fitted operators (const calls only).
#pragma once

#include <span>

#include "ml/operator.h"

namespace n4a::ml {

// Applies `transforms` in order, then `model->predict` when `model` is not
// null (else returns the transformed X). `block_rows` = 0 picks a block of
// about 256 KiB of input. Errors of any operator are returned as they are.
Result<Matrix> apply_chain(std::span<const Operator* const> transforms, const Operator* model,
                           const Matrix& x, Eigen::Index block_rows = 0);

}  // namespace n4a::ml
