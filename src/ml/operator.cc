#include "ml/operator.h"

#include <fmt/format.h>

#include <exception>

#include "ml/binary_format.h"

namespace n4a::ml {
namespace {

// Runs `body`, turning a thrown exception into an Internal status.
template <typename R, typename F>
R guarded(std::string_view op, std::string_view what, F&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    return Status::Internal(fmt::format("{}: {} failed: {}", op, what, e.what()));
  }
}

bool all_finite(const Matrix& m) {
  return m.allFinite();
}

}  // namespace

Status Operator::fit(const Matrix& x, const Matrix& y, const FitContext& context) {
  if (x.rows() == 0 || x.cols() == 0) return invalid("fit needs a non-empty X");
  if (kind() == OperatorKind::kModel && y.rows() != x.rows()) {
    return invalid(fmt::format("X has {} rows but y has {}", x.rows(), y.rows()));
  }
  if (kind() == OperatorKind::kModel && y.cols() == 0) return invalid("fit needs a target y");
  if (!context.inputs_finite) {
    if (!all_finite(x)) return invalid("X contains NaN or infinite values");
    if (y.size() > 0 && !all_finite(y)) return invalid("y contains NaN or infinite values");
  }
  return guarded<Status>(name(), "fit", [&] { return do_fit(x, y, context); });
}

Result<Matrix> Operator::transform(const Matrix& x) const {
  if (kind() != OperatorKind::kTransform) return invalid("is a model: use predict()");
  if (!fitted()) return Status::FailedPrecondition(fmt::format("{}: not fitted", name()));
  return guarded<Result<Matrix>>(name(), "transform", [&] { return do_transform(x); });
}

Result<Matrix> Operator::predict(const Matrix& x) const {
  if (kind() != OperatorKind::kModel) return invalid("is a transform: use transform()");
  if (!fitted()) return Status::FailedPrecondition(fmt::format("{}: not fitted", name()));
  return guarded<Result<Matrix>>(name(), "predict", [&] { return do_predict(x); });
}

Result<std::vector<Matrix>> Operator::predict_members(const std::vector<const Operator*>& members,
                                                      const Matrix& x) const {
  if (kind() != OperatorKind::kModel) return invalid("is a transform: use transform()");
  if (!fitted()) return Status::FailedPrecondition(fmt::format("{}: not fitted", name()));
  return guarded<Result<std::vector<Matrix>>>(name(), "predict",
                                              [&] { return do_predict_members(members, x); });
}

Result<std::vector<Matrix>> Operator::do_predict_members(
    const std::vector<const Operator*>& members, const Matrix& x) const {
  std::vector<Matrix> out;
  for (const Operator* m : members) {
    N4A_ASSIGN_OR_RETURN(Matrix y, m->predict(x));
    out.push_back(std::move(y));
  }
  return out;
}

Result<Matrix> Operator::predict_proba(const Matrix& x) const {
  if (!fitted()) return Status::FailedPrecondition(fmt::format("{}: not fitted", name()));
  return guarded<Result<Matrix>>(name(), "predict_proba", [&] { return do_predict_proba(x); });
}

Result<Matrix> Operator::do_transform(const Matrix&) const {
  return Status::NotSupported(fmt::format("{}: transform() is not supported", name()));
}

Result<Matrix> Operator::do_predict(const Matrix&) const {
  return Status::NotSupported(fmt::format("{}: predict() is not supported", name()));
}

Result<Matrix> Operator::do_predict_proba(const Matrix&) const {
  return Status::NotSupported(fmt::format("{}: predict_proba() is not supported", name()));
}

std::string Operator::serialize() const {
  return encode_operator(name(), params(), fitted_arrays());
}

Result<std::unique_ptr<Operator>> Operator::derive(const Operator& member) const {
  return invalid(fmt::format("cannot derive a fitted {} from this model", member.name()));
}

Status Operator::invalid(std::string_view what) const {
  return Status::InvalidArgument(fmt::format("{}: {}", name(), what));
}

Status Operator::check_columns(const Matrix& x, Eigen::Index expected) const {
  if (x.cols() == expected) return Status::Ok();
  return invalid(fmt::format("X has {} columns, fitted on {}", x.cols(), expected));
}

Status unpack_arrays(std::string_view op, std::vector<NamedArray>& arrays,
                     std::initializer_list<std::pair<std::string_view, Matrix*>> targets) {
  if (arrays.size() != targets.size()) {
    return corrupt_state(
        op, fmt::format("expected {} fitted arrays, found {}", targets.size(), arrays.size()));
  }
  size_t i = 0;
  for (const auto& [expected, target] : targets) {
    if (arrays[i].name != expected) {
      return corrupt_state(
          op, fmt::format("fitted array {} is '{}', expected '{}'", i, arrays[i].name, expected));
    }
    *target = std::move(arrays[i].values);
    ++i;
  }
  return Status::Ok();
}

Status StatelessTransform::restore(std::vector<NamedArray> arrays) {
  if (!arrays.empty()) return corrupt_state(name(), "a stateless operator has no fitted arrays");
  return Status::Ok();
}

Status corrupt_state(std::string_view op, std::string_view what) {
  return Status::Corruption(fmt::format("{}: invalid fitted state: {}", op, what));
}

}  // namespace n4a::ml
