#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <thread>

#include "ml/pls.h"
#include "ml/pls_fit.h"
#include "ml/registry.h"

namespace n4a::ml {
namespace {

// Smooth spectra-like rows: a few Gaussian bands with random heights plus noise.
Matrix spectra(Eigen::Index n, Eigen::Index p, unsigned seed) {
  std::srand(seed);
  Matrix x = Matrix::Random(n, p) * 0.01;
  const Matrix heights = Matrix::Random(n, 3).array() + 1.5;
  for (Eigen::Index j = 0; j < p; ++j) {
    const double u = static_cast<double>(j) / static_cast<double>(p);
    for (int b = 0; b < 3; ++b) {
      x.col(j) += heights.col(b) * std::exp(-std::pow((u - 0.25 * (b + 1)) / 0.08, 2));
    }
  }
  return x;
}

std::unique_ptr<Operator> make(std::string_view name, const nlohmann::json& params = nullptr) {
  auto op = make_operator(name, params);
  EXPECT_TRUE(op.ok()) << op.status().ToString();
  return op.ok() ? std::move(op).value() : nullptr;
}

TEST(RegistryTest, ValidatesParameters) {
  EXPECT_EQ(operator_names().size(), 12u);
  auto unknown = make_operator("Foo", nullptr);
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("unknown operator 'Foo'"), std::string::npos);
  struct Case {
    const char* name;
    nlohmann::json params;
    const char* needle;
  };
  const Case cases[] = {
      {"SavitzkyGolay", {{"window_length", 10}}, "'window_length' must be odd"},
      {"SavitzkyGolay", {{"window_length", 5}, {"polyorder", 5}}, "'polyorder'"},
      {"SavitzkyGolay", {{"window_length", "11"}}, "'window_length' must be an integer"},
      {"PLSRegression", {{"n_components", 0}}, "'n_components' must be in"},
      {"PLSRegression", {{"scale", 1}}, "'scale' must be true or false"},
      {"PLSRegression", {{"n_comp", 3}}, "unknown parameter 'n_comp'"},
      {"Ridge", {{"alpha", -1.0}}, "'alpha' must be in"},
      {"Crop", {{"start", 1000}}, "'end' is required"},
      {"Crop", {{"start", 1000}, {"end", 900}}, "'start'"},
      {"MinMaxScaler", {{"feature_range", {1, 0}}}, "'feature_range'"},
      {"SNV", nlohmann::json::array(), "must be a JSON object"},
  };
  for (const Case& c : cases) {
    auto op = make_operator(c.name, c.params);
    ASSERT_FALSE(op.ok()) << c.name << " " << c.params.dump();
    EXPECT_TRUE(op.status().IsInvalidArgument());
    EXPECT_NE(op.status().message().find(c.needle), std::string::npos) << op.status().message();
  }
}

TEST(RegistryTest, ParamsRoundTripWithDefaults) {
  for (const std::string& name : operator_names()) {
    const nlohmann::json params =
        name == "Crop" ? nlohmann::json{{"start", 1}, {"end", 2}} : nlohmann::json(nullptr);
    auto op = make(name, params);
    ASSERT_TRUE(op);
    EXPECT_EQ(op->name(), name);
    auto again = make(name, op->params());
    ASSERT_TRUE(again);
    EXPECT_EQ(again->params(), op->params());
  }
  EXPECT_EQ(make("PLSRegression")->params()["scale"], false);
}

TEST(OperatorTest, StatelessTransforms) {
  Matrix x(2, 5);
  x << 1, 2, 4, 7, 11, 0, 1, 0, 1, 0;
  auto snv = make("SNV")->transform(x);
  ASSERT_TRUE(snv.ok());
  EXPECT_NEAR(snv->row(0).mean(), 0, 1e-15);
  EXPECT_NEAR(std::sqrt(snv->row(0).squaredNorm() / 5), 1, 1e-15);
  auto d1 = make("Derivative")->transform(x);
  ASSERT_TRUE(d1.ok());
  EXPECT_EQ(d1->row(0), (RowVector(5) << 1, 1.5, 2.5, 3.5, 4).finished());
  auto d2 = make("Derivative", {{"order", 2}})->transform(x);
  EXPECT_EQ(d2->row(0), (RowVector(5) << 0.5, 0.75, 1, 0.75, 0.5).finished());
  auto detrend = make("Detrend", {{"order", 2}})->transform(x);
  ASSERT_TRUE(detrend.ok());  // row 0 is quadratic in the index
  EXPECT_LT(detrend->row(0).cwiseAbs().maxCoeff(), 1e-13);
  auto sg = make("SavitzkyGolay", {{"window_length", 5}, {"polyorder", 2}})->transform(x);
  ASSERT_TRUE(sg.ok());  // a quadratic is reproduced exactly, edges included
  EXPECT_LT((sg->row(0) - x.row(0)).cwiseAbs().maxCoeff(), 1e-13);
  auto too_short = make("SavitzkyGolay", {{"window_length", 7}})->transform(x);
  EXPECT_FALSE(too_short.ok());
}

TEST(OperatorTest, CropUsesWavelengths) {
  auto crop = make("Crop", {{"start", 902}, {"end", 906}});
  Matrix x = Matrix::Random(3, 5);
  EXPECT_FALSE(crop->fit(x, Matrix()).ok());  // no wavelengths
  FitContext ctx{{900, 902, 904, 906, 908}};
  ASSERT_TRUE(crop->fit(x, Matrix(), ctx).ok());
  auto out = crop->transform(x);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, x.middleCols(1, 3));
  EXPECT_EQ(crop->output_wavelengths(ctx.wavelengths), (std::vector<double>{902, 904, 906}));
  EXPECT_FALSE(crop->transform(Matrix::Random(3, 4)).ok());
}

TEST(OperatorTest, ModelsNeedFitAndShapes) {
  auto pls = make("PLSRegression", {{"n_components", 3}});
  Matrix x = spectra(30, 40, 1);
  Matrix y = x.col(10) * 3 + x.col(30);
  EXPECT_EQ(pls->predict(x).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_FALSE(pls->transform(x).ok());
  EXPECT_FALSE(pls->fit(x, y.topRows(10)).ok());
  ASSERT_TRUE(pls->fit(x, y).ok());
  EXPECT_FALSE(pls->predict(x.leftCols(39)).ok());
  Matrix bad = x;
  bad(0, 0) = std::nan("");
  EXPECT_FALSE(make("Ridge")->fit(bad, y).ok());
}

TEST(OperatorTest, Pls1FastPathMatchesPls2Loop) {
  const Matrix x = spectra(40, 60, 2);
  const Matrix y = x.col(5) * 2 - x.col(40) + Matrix::Random(40, 1) * 0.01;
  Matrix y2(40, 2);
  y2 << y, y;
  for (PlsScale scale : {PlsScale::kNo, PlsScale::kYes}) {
    auto one = fit_pls(x, y, 8, scale);
    auto two = fit_pls(x, y2, 8, scale);
    ASSERT_TRUE(one.ok() && two.ok());
    const Matrix p1 = one->predict(x);
    const Matrix p2 = two->predict(x);
    EXPECT_LT((p1.col(0) - p2.col(0)).cwiseAbs().maxCoeff(), 1e-9);
    EXPECT_LT((one->x_weights - two->x_weights).cwiseAbs().maxCoeff(), 1e-9);
  }
}

TEST(OperatorTest, PlsDaClassifies) {
  Matrix x = spectra(40, 30, 3);
  Matrix y(40, 1);
  for (Eigen::Index i = 0; i < 40; ++i) {
    y(i, 0) = static_cast<double>(i % 3) * 5;
    x.row(i).segment(5 * (i % 3), 4).array() += 0.5;
  }
  auto da = make("PLSDA", {{"n_components", 4}});
  ASSERT_TRUE(da->fit(x, y).ok());
  auto pred = da->predict(x);
  ASSERT_TRUE(pred.ok());
  EXPECT_EQ(*pred, y);
  auto proba = da->predict_proba(x);
  ASSERT_TRUE(proba.ok());
  EXPECT_EQ(proba->cols(), 3);
  EXPECT_LT((proba->rowwise().sum().array() - 1).abs().maxCoeff(), 1e-12);
}

// A sweep fits the largest PLS of a family once and derives the smaller ones
// (executor.h): each derived model must be the very model, bytes and all,
// that fitting it would give; on one target (PLS1), two (PLS2), with and
// without scaling, for PLSDA, and when y's residual runs out early.
TEST(OperatorTest, DerivedPlsModelsAreExactlyTheFittedOnes) {
  // 1,000 columns: the PLS1 kernel then walks X in many row blocks.
  const Matrix x = spectra(120, 1000, 5);
  const Matrix y1 = x.col(70) * 2 - x.col(500) + Matrix::Random(120, 1) * 0.01;
  Matrix y2(120, 2);
  y2 << y1, x.col(200) - x.col(600);
  const Matrix exact = x.col(70) * 3;  // residual constant after 1 component
  Matrix classes(120, 1);
  for (Eigen::Index i = 0; i < 120; ++i) classes(i, 0) = static_cast<double>(i % 3);
  struct Case {
    const char* op;
    nlohmann::json params;
    const Matrix* y;
  };
  const Case cases[] = {{"PLSRegression", {{"scale", false}}, &y1},
                        {"PLSRegression", {{"scale", true}}, &y1},
                        {"PLSRegression", {{"scale", false}}, &y2},
                        {"PLSRegression", {{"scale", true}}, &exact},
                        {"PLSDA", nlohmann::json::object(), &classes}};
  constexpr int kLargest = 9;
  const Matrix other = spectra(37, 1000, 8);  // rows the models were not fitted on
  for (const Case& c : cases) {
    nlohmann::json params = c.params;
    params["n_components"] = kLargest;
    auto largest = make(c.op, params);
    ASSERT_TRUE(largest->fit(x, *c.y).ok());
    std::vector<std::unique_ptr<Operator>> members;
    for (int k = 1; k <= kLargest; ++k) {
      params["n_components"] = k;
      auto fitted = make(c.op, params);
      ASSERT_TRUE(fitted->fit(x, *c.y).ok());
      auto unfitted = make(c.op, params);
      ASSERT_EQ(unfitted->family()->key, largest->family()->key);
      EXPECT_EQ(unfitted->family()->size, k);
      auto derived = largest->derive(*unfitted);
      ASSERT_TRUE(derived.ok()) << derived.status().ToString();
      EXPECT_EQ((*derived)->serialize(), fitted->serialize()) << c.op << " " << params.dump();
      EXPECT_EQ(*(*derived)->predict(x), *fitted->predict(x));
      members.push_back(std::move(*derived));
    }
    // The whole family predicted in one pass: each exactly as predicted alone.
    std::vector<const Operator*> all;
    for (const auto& m : members) all.push_back(m.get());
    for (const Matrix* data : {&x, &other}) {
      auto together = largest->predict_members(all, *data);
      ASSERT_TRUE(together.ok()) << together.status().ToString();
      ASSERT_EQ(together->size(), members.size());
      for (size_t k = 0; k < members.size(); ++k)
        EXPECT_EQ((*together)[k], *members[k]->predict(*data)) << c.op << " k=" << k + 1;
    }
    EXPECT_FALSE(largest->predict_members(all, spectra(5, 999, 1)).ok());
  }
}

// W (P^T W)^+ through Eigen's complete orthogonal decomposition: a reference
// computed another way than pls_rotations.
Matrix reference_rotations(const Matrix& w, const Matrix& p) {
  const Matrix pw = p.transpose() * w;
  return w * pw.completeOrthogonalDecomposition().pseudoInverse();
}

double relative_error(const Matrix& got, const Matrix& want) {
  return (got - want).cwiseAbs().maxCoeff() / std::max(want.cwiseAbs().maxCoeff(), 1e-300);
}

// A NIPALS fit's P^T W is unit upper triangular: its rotations come from a
// back substitution, equal the pseudo-inverse's to rounding, and nest, bit
// for bit.
TEST(PlsRotationsTest, NipalsRotationsAreTheInverseAndNest) {
  const Matrix x = spectra(80, 200, 3);
  const Matrix y1 = x.col(20) * 2 - x.col(150) + Matrix::Random(80, 1) * 0.01;
  Matrix y2(80, 2);
  y2 << y1, x.col(60) - x.col(90);
  constexpr int kComponents = 12;
  using Case = std::pair<const Matrix*, PlsScale>;
  for (const auto& [y, scale] :
       {Case{&y1, PlsScale::kNo}, Case{&y1, PlsScale::kYes}, Case{&y2, PlsScale::kNo}}) {
    auto m = fit_pls(x, *y, kComponents, scale);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_TRUE(m->nested_rotations);
    EXPECT_LT(relative_error(m->x_rotations, reference_rotations(m->x_weights, m->x_loadings)),
              1e-9);
    for (int k = 1; k <= kComponents; ++k) {
      const PlsRotations r = pls_rotations(m->x_weights.leftCols(k), m->x_loadings.leftCols(k));
      EXPECT_TRUE(r.nested);
      EXPECT_EQ(r.x_rotations, m->x_rotations.leftCols(k)) << "k=" << k;
    }
  }
}

// Components after y's residual ran out are zero in W and P: their
// rotations are zero, as the pseudo-inverse of that block form gives.
TEST(PlsRotationsTest, ZeroComponentsHaveZeroRotations) {
  const Matrix x = spectra(60, 100, 5);
  auto m = fit_pls(x, x.col(30) - x.col(70), 6, PlsScale::kNo);
  ASSERT_TRUE(m.ok());
  Matrix w = m->x_weights, p = m->x_loadings;
  w.rightCols(2).setZero();
  p.rightCols(2).setZero();
  const PlsRotations r = pls_rotations(w, p);
  EXPECT_TRUE(r.nested);
  EXPECT_TRUE(r.x_rotations.rightCols(2).isZero(0.0));
  EXPECT_EQ(r.x_rotations.leftCols(4), m->x_rotations.leftCols(4));
  EXPECT_LT(relative_error(r.x_rotations, reference_rotations(w, p)), 1e-9);
  // A component zero in W only is not of that form.
  p.col(5) = m->x_loadings.col(5);
  EXPECT_FALSE(pls_rotations(w, p).nested);
}

// Weights and loadings of another form (a P^T W that is not triangular)
// go through the pseudo-inverse, and their models truncate by computing
// the rotations again.
TEST(PlsRotationsTest, OtherFormsGoThroughThePseudoInverse) {
  std::srand(4);
  const Matrix w = Matrix::Random(50, 4), p = Matrix::Random(50, 4);
  const PlsRotations r = pls_rotations(w, p);
  EXPECT_FALSE(r.nested);
  EXPECT_LT(relative_error(r.x_rotations, reference_rotations(w, p)), 1e-10);

  const Matrix x = spectra(60, 100, 9);
  auto m = fit_pls(x, x.col(30) - x.col(70), 5, PlsScale::kNo);
  ASSERT_TRUE(m.ok());
  // p_2^T w_0 no longer zero: the third component's loadings are not NIPALS's.
  m->x_loadings.col(2) += 1e-3 * m->x_weights.col(0);
  const PlsRotations perturbed = pls_rotations(m->x_weights, m->x_loadings);
  EXPECT_FALSE(perturbed.nested);
  EXPECT_LT(relative_error(perturbed.x_rotations, reference_rotations(m->x_weights, m->x_loadings)),
            1e-10);
  m->x_rotations = perturbed.x_rotations;
  m->nested_rotations = false;
  // The first two components are still of NIPALS's form, the third is not.
  for (int k = 1; k <= 5; ++k) {
    const PlsModel t = truncate_pls(*m, k);
    EXPECT_EQ(t.nested_rotations, k < 3) << "k=" << k;
    EXPECT_EQ(t.x_rotations,
              pls_rotations(m->x_weights.leftCols(k), m->x_loadings.leftCols(k)).x_rotations)
        << "k=" << k;
  }
}

// A member that is not cut from the same fit (another centering) is
// predicted on its own, still exactly as its predict().
TEST(OperatorTest, PredictMembersOfAnotherFitFallBackToTheirOwnPredict) {
  const Matrix x = spectra(60, 40, 2);
  const Matrix y = x.col(3) - x.col(20);
  auto a = make("PLSRegression", {{"n_components", 4}});
  auto b = make("PLSRegression", {{"n_components", 2}});
  auto ridge = make("Ridge");
  ASSERT_TRUE(a->fit(x, y).ok());
  ASSERT_TRUE(b->fit(x.topRows(30), y.topRows(30)).ok());
  ASSERT_TRUE(ridge->fit(x, y).ok());
  for (const std::vector<const Operator*>& members :
       {std::vector<const Operator*>{a.get(), b.get()}, {a.get(), ridge.get()}}) {
    auto got = a->predict_members(members, x);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    for (size_t k = 0; k < members.size(); ++k) EXPECT_EQ((*got)[k], *members[k]->predict(x));
  }
  EXPECT_FALSE(make("PLSRegression")->predict_members({a.get()}, x).ok());  // not fitted
}

TEST(OperatorTest, OnlySmallerMembersOfTheFamilyDerive) {
  const Matrix x = spectra(30, 20, 6);
  const Matrix y = x.col(3) + x.col(10);
  auto pls = make("PLSRegression", {{"n_components", 3}});
  EXPECT_FALSE(pls->derive(*make("PLSRegression", {{"n_components", 2}})).ok());  // unfitted
  ASSERT_TRUE(pls->fit(x, y).ok());
  EXPECT_TRUE(pls->derive(*make("PLSRegression", {{"n_components", 3}})).ok());
  EXPECT_FALSE(pls->derive(*make("PLSRegression", {{"n_components", 4}})).ok());
  EXPECT_FALSE(pls->derive(*make("PLSRegression", {{"n_components", 2}, {"scale", true}})).ok());
  EXPECT_FALSE(pls->derive(*make("PLSDA", {{"n_components", 2}})).ok());
  EXPECT_NE(make("PLSRegression", {{"scale", true}})->family()->key,
            make("PLSRegression", {{"scale", false}})->family()->key);
  EXPECT_FALSE(make("Ridge")->family().has_value());
}

TEST(OperatorTest, ConcurrentPredictIsSafe) {
  const Matrix x = spectra(200, 100, 4);
  const Matrix y = x.col(3) + x.col(50);
  auto pls = make("PLSRegression", {{"n_components", 5}});
  ASSERT_TRUE(pls->fit(x, y).ok());
  const Matrix expected = *pls->predict(x);
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int r = 0; r < 20; ++r) {
        auto p = pls->predict(x);
        if (!p.ok() || *p != expected) ++mismatches;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches, 0);
}

}  // namespace
}  // namespace n4a::ml

#include "ml/chain.h"

namespace n4a::ml {
namespace {

TEST(ChainTest, BlockwiseAndFoldedMatchSequential) {
  const Matrix x = spectra(600, 80, 9);
  const Matrix y = x.col(20) - 2 * x.col(60);
  auto snv = make("SNV");
  auto sg = make("SavitzkyGolay", {{"window_length", 11}, {"polyorder", 2}, {"deriv", 1}});
  auto scaler = make("StandardScaler");
  auto pls = make("PLSRegression", {{"n_components", 6}, {"scale", true}});
  Matrix z = *snv->transform(x);
  z = *sg->transform(z);
  ASSERT_TRUE(scaler->fit(z, Matrix()).ok());
  z = *scaler->transform(z);
  ASSERT_TRUE(pls->fit(z, y).ok());
  const Matrix expected = *pls->predict(z);
  const Operator* steps[] = {snv.get(), sg.get(), scaler.get()};
  auto folded = apply_chain(steps, pls.get(), x, 64);  // 600 rows >= 4 * 80: folds
  ASSERT_TRUE(folded.ok()) << folded.status().ToString();
  const double scale = expected.cwiseAbs().maxCoeff();
  EXPECT_LT((*folded - expected).cwiseAbs().maxCoeff() / scale, 1e-10);
  auto small = apply_chain(steps, pls.get(), x.topRows(50), 7);  // no folding
  ASSERT_TRUE(small.ok());
  EXPECT_LT((*small - expected.topRows(50)).cwiseAbs().maxCoeff() / scale, 1e-13);
  auto transformed = apply_chain(steps, nullptr, x, 64);
  ASSERT_TRUE(transformed.ok());
  EXPECT_LT((*transformed - z).cwiseAbs().maxCoeff(), 1e-12);
}

}  // namespace
}  // namespace n4a::ml
