#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "ml/params.h"
#include "ml/pls.h"

namespace n4a::ml {

Result<std::unique_ptr<Operator>> PlsDa::create(const nlohmann::json& params) {
  ParamReader r("PLSDA", params);
  N4A_ASSIGN_OR_RETURN(int k, r.integer("n_components", 2, 1, 100000));
  N4A_TRY(r.finish());
  return std::unique_ptr<Operator>(new PlsDa(k));
}

Status PlsDa::do_fit(const Matrix& x, const Matrix& y, const FitContext&) {
  if (y.cols() != 1) return invalid("needs exactly one target column of class labels");
  std::vector<double> labels(y.data(), y.data() + y.rows());
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  if (labels.size() < 2) return invalid("needs at least two classes");
  Matrix onehot = Matrix::Zero(y.rows(), static_cast<Eigen::Index>(labels.size()));
  for (Eigen::Index i = 0; i < y.rows(); ++i) {
    const auto it = std::lower_bound(labels.begin(), labels.end(), y(i, 0));
    onehot(i, it - labels.begin()) = 1.0;
  }
  N4A_ASSIGN_OR_RETURN(PlsModel model, fit_pls(x, onehot, n_components_, PlsScale::kNo));
  model_ = std::move(model);
  classes_ = Eigen::Map<const RowVector>(labels.data(), static_cast<Eigen::Index>(labels.size()));
  return Status::Ok();
}

Result<DataShape> PlsDa::output_shape(const DataShape& in) const {
  N4A_TRY(check_pls_size(name(), n_components_, in.n_samples, in.n_features));
  return in;
}

std::optional<ModelFamily> PlsDa::family() const {
  return ModelFamily{"PLSDA", n_components_};
}

Result<std::unique_ptr<Operator>> PlsDa::derive(const Operator& member) const {
  const auto* m = dynamic_cast<const PlsDa*>(&member);
  if (!fitted() || m == nullptr || m->n_components_ > n_components_) {
    return Operator::derive(member);
  }
  std::unique_ptr<PlsDa> out(new PlsDa(m->n_components_));
  out->model_ = truncate_pls(model_, m->n_components_);
  out->classes_ = classes_;
  return std::unique_ptr<Operator>(std::move(out));
}

Result<Matrix> PlsDa::do_predict(const Matrix& x) const {
  N4A_TRY(check_columns(x, model_.coef.rows()));
  const Matrix scores = model_.predict(x);
  Matrix out(x.rows(), 1);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    Eigen::Index arg = 0;
    scores.row(i).maxCoeff(&arg);
    out(i, 0) = classes_(0, arg);
  }
  return out;
}

Result<Matrix> PlsDa::do_predict_proba(const Matrix& x) const {
  N4A_TRY(check_columns(x, model_.coef.rows()));
  Matrix out = model_.predict(x).cwiseMax(0.0).cwiseMin(1.0);
  for (Eigen::Index i = 0; i < out.rows(); ++i) {
    const double sum = out.row(i).sum();
    if (sum > 0) {
      out.row(i) /= sum;
    } else {
      out.row(i).setConstant(1.0 / static_cast<double>(out.cols()));
    }
  }
  return out;
}

std::vector<NamedArray> PlsDa::fitted_arrays() const {
  if (!fitted()) return {};
  std::vector<NamedArray> arrays = pls_arrays(model_);
  arrays.insert(arrays.begin(), NamedArray{"classes", classes_});
  return arrays;
}

Status PlsDa::restore(std::vector<NamedArray> arrays) {
  if (arrays.empty()) {
    classes_.resize(0, 0), model_ = PlsModel{};
    return Status::Ok();
  }
  if (arrays.front().name != "classes") return corrupt_state(name(), "first array must be classes");
  Matrix classes = std::move(arrays.front().values);
  arrays.erase(arrays.begin());
  PlsModel model;
  N4A_TRY(restore_pls(name(), arrays, n_components_, model));
  if (classes.rows() != 1 || classes.cols() != model.coef.cols() || classes.cols() < 2) {
    return corrupt_state(name(), "classes must be 1 x n_classes");
  }
  classes_ = std::move(classes), model_ = std::move(model);
  return Status::Ok();
}

}  // namespace n4a::ml
