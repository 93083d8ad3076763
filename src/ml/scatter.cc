#include "ml/scatter.h"

#include <fmt/format.h>

#include <cmath>

#include "ml/params.h"

namespace n4a::ml {

Result<std::unique_ptr<Operator>> Snv::create(const nlohmann::json& params) {
  ParamReader r("SNV", params);
  N4A_TRY(r.finish());
  return std::unique_ptr<Operator>(new Snv());
}

void Snv::apply_row(const double* in, double* out, Eigen::Index size) {
  Eigen::Map<const RowVector> x(in, size);
  Eigen::Map<RowVector> y(out, size);
  const double mean = x.mean();
  const double ss = (x.array() - mean).square().sum();
  const double sd = std::sqrt(ss / static_cast<double>(size));
  const double inv = sd > 0 ? 1.0 / sd : 1.0;
  y = (x.array() - mean) * inv;
}

Result<Matrix> Snv::do_transform(const Matrix& x) const {
  Matrix out(x.rows(), x.cols());
  for (Eigen::Index i = 0; i < x.rows(); ++i) apply_row(&x(i, 0), &out(i, 0), x.cols());
  return out;
}

Result<std::unique_ptr<Operator>> Msc::create(const nlohmann::json& params) {
  ParamReader r("MSC", params);
  N4A_TRY(r.finish());
  return std::unique_ptr<Operator>(new Msc());
}

Status Msc::set_reference(Matrix reference) {
  ref_mean_ = reference.mean();
  centered_ = reference.row(0).array() - ref_mean_;
  ref_ss_ = centered_.squaredNorm();
  if (!(ref_ss_ > 0)) return invalid("the mean spectrum is constant: nothing to regress on");
  reference_ = std::move(reference);
  return Status::Ok();
}

Status Msc::do_fit(const Matrix& x, const Matrix&, const FitContext&) {
  return set_reference(x.colwise().mean());
}

Result<Matrix> Msc::do_transform(const Matrix& x) const {
  N4A_TRY(check_columns(x, reference_.cols()));
  Matrix out(x.rows(), x.cols());
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    const double slope = x.row(i).dot(centered_) / ref_ss_;
    if (slope == 0 || !std::isfinite(slope)) {
      return invalid(fmt::format("row {} has slope {} against the reference spectrum", i, slope));
    }
    const double offset = x.row(i).mean() - slope * ref_mean_;
    out.row(i) = (x.row(i).array() - offset) / slope;
  }
  return out;
}

std::vector<NamedArray> Msc::fitted_arrays() const {
  if (!fitted()) return {};
  return {{"reference", reference_}};
}

Status Msc::restore(std::vector<NamedArray> arrays) {
  if (arrays.empty()) {
    reference_.resize(0, 0);
    return Status::Ok();
  }
  Matrix reference;
  N4A_TRY(unpack_arrays(name(), arrays, {{"reference", &reference}}));
  if (reference.rows() != 1 || reference.cols() < 2) {
    return corrupt_state(name(), "reference must be 1 x p with p >= 2");
  }
  Status s = set_reference(std::move(reference));
  if (!s.ok()) return corrupt_state(name(), s.message());
  return Status::Ok();
}

}  // namespace n4a::ml
