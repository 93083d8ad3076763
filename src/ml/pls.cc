#include "ml/pls.h"

#include <fmt/format.h>

#include "ml/params.h"

namespace n4a::ml {
namespace {

bool is_row(const Matrix& m, Eigen::Index cols) {
  return m.rows() == 1 && m.cols() == cols;
}

}  // namespace

std::vector<NamedArray> pls_arrays(const PlsModel& m) {
  return {{"x_mean", m.x_mean},         {"x_std", m.x_std},
          {"y_mean", m.y_mean},         {"y_std", m.y_std},
          {"x_weights", m.x_weights},   {"x_loadings", m.x_loadings},
          {"y_loadings", m.y_loadings}, {"coef", m.coef}};
}

Status restore_pls(std::string_view op, std::vector<NamedArray>& arrays, int n_components,
                   PlsModel& m) {
  // Format version 1 also stored x_rotations, before coef: derived again below.
  constexpr size_t kRotations = 7;
  if (arrays.size() == 9 && arrays[kRotations].name == "x_rotations") {
    arrays.erase(arrays.begin() + kRotations);
  }
  Matrix xm, xs, ym, ys, xw, xl, yl, coef;
  N4A_TRY(unpack_arrays(op, arrays,
                        {{"x_mean", &xm},
                         {"x_std", &xs},
                         {"y_mean", &ym},
                         {"y_std", &ys},
                         {"x_weights", &xw},
                         {"x_loadings", &xl},
                         {"y_loadings", &yl},
                         {"coef", &coef}}));
  const Eigen::Index p = xm.cols(), q = ym.cols(), k = n_components;
  const bool ok = p > 0 && q > 0 && is_row(xm, p) && is_row(xs, p) && is_row(ym, q) &&
                  is_row(ys, q) && xw.rows() == p && xw.cols() == k && xl.rows() == p &&
                  xl.cols() == k && yl.rows() == q && yl.cols() == k && coef.rows() == p &&
                  coef.cols() == q;
  if (!ok) return corrupt_state(op, "inconsistent array shapes");
  PlsRotations xr = pls_rotations(xw, xl);
  m = PlsModel{xm,
               xs,
               ym,
               ys,
               std::move(xw),
               std::move(xl),
               std::move(yl),
               std::move(xr.x_rotations),
               std::move(coef),
               xr.nested};
  return Status::Ok();
}

Result<std::unique_ptr<Operator>> PlsRegression::create(const nlohmann::json& params) {
  ParamReader r("PLSRegression", params);
  N4A_ASSIGN_OR_RETURN(int k, r.integer("n_components", 2, 1, 100000));
  N4A_ASSIGN_OR_RETURN(bool scale, r.boolean("scale", false));
  N4A_TRY(r.finish());
  return std::unique_ptr<Operator>(new PlsRegression(k, scale ? PlsScale::kYes : PlsScale::kNo));
}

nlohmann::json PlsRegression::params() const {
  return {{"n_components", n_components_}, {"scale", scale_ == PlsScale::kYes}};
}

Status PlsRegression::do_fit(const Matrix& x, const Matrix& y, const FitContext&) {
  N4A_ASSIGN_OR_RETURN(PlsModel model, fit_pls(x, y, n_components_, scale_));
  model_ = std::move(model);
  return Status::Ok();
}

Result<DataShape> PlsRegression::output_shape(const DataShape& in) const {
  N4A_TRY(check_pls_size(name(), n_components_, in.n_samples, in.n_features));
  return in;
}

std::optional<ModelFamily> PlsRegression::family() const {
  return ModelFamily{fmt::format("PLSRegression(scale={})", scale_ == PlsScale::kYes),
                     n_components_};
}

Result<std::unique_ptr<Operator>> PlsRegression::derive(const Operator& member) const {
  const auto* m = dynamic_cast<const PlsRegression*>(&member);
  if (!fitted() || m == nullptr || m->scale_ != scale_ || m->n_components_ > n_components_) {
    return Operator::derive(member);
  }
  std::unique_ptr<PlsRegression> out(new PlsRegression(m->n_components_, scale_));
  out->model_ = truncate_pls(model_, m->n_components_);
  return std::unique_ptr<Operator>(std::move(out));
}

Result<Matrix> PlsRegression::do_predict(const Matrix& x) const {
  N4A_TRY(check_columns(x, model_.coef.rows()));
  return model_.predict(x);
}

Result<std::vector<Matrix>> PlsRegression::do_predict_members(
    const std::vector<const Operator*>& members, const Matrix& x) const {
  std::vector<const Matrix*> coefs;
  for (const Operator* op : members) {
    const auto* m = dynamic_cast<const PlsRegression*>(op);
    const bool shared = m != nullptr && m->fitted() && m->model_.x_mean == model_.x_mean &&
                        m->model_.x_std == model_.x_std && m->model_.y_mean == model_.y_mean;
    if (!shared) return Operator::do_predict_members(members, x);
    coefs.push_back(&m->model_.coef);
  }
  N4A_TRY(check_columns(x, model_.coef.rows()));
  return pls_predict_many(model_, coefs, x);
}

std::vector<NamedArray> PlsRegression::fitted_arrays() const {
  if (!fitted()) return {};
  return pls_arrays(model_);
}

Status PlsRegression::restore(std::vector<NamedArray> arrays) {
  if (arrays.empty()) {
    model_ = PlsModel{};
    return Status::Ok();
  }
  return restore_pls(name(), arrays, n_components_, model_);
}

}  // namespace n4a::ml

namespace n4a::ml {

bool PlsRegression::affine_model(Matrix& b, Matrix& c) const {
  if (!fitted()) return false;
  b = model_.coef;
  b.array().colwise() /= model_.x_std.transpose().array();
  c = model_.y_mean - (model_.x_mean.array() / model_.x_std.array()).matrix() * model_.coef;
  return true;
}

}  // namespace n4a::ml
