#!/usr/bin/python3
"""Writes the reference outputs that tests/ml/golden_test.cc compares n4a to.

Run with Debian's Python (numpy 1.24, scipy 1.10, scikit-learn 1.2):
    /usr/bin/python3 tests/golden/generate.py
Outputs (committed): tests/golden/ml_golden.json, tests/golden/gasoline_pls.json.
Inputs are small fixed spectra-like matrices built here from a seeded
generator and stored in the JSON too, so the C++ side never regenerates them.
Floats are written with repr(), i.e. exactly (shortest round-trip form).
"""
import json
import os
import sys

import numpy as np
import scipy
import scipy.signal
import sklearn
from sklearn.cross_decomposition import PLSRegression
from sklearn.decomposition import PCA
from sklearn.linear_model import Ridge
from sklearn.metrics import (accuracy_score, balanced_accuracy_score, f1_score,
                             mean_absolute_error, mean_squared_error, r2_score)
from sklearn.preprocessing import MinMaxScaler, StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def spectra(rng, n, p):
    """Gaussian bands with random heights, an offset and a slope, plus noise."""
    u = np.linspace(0, 1, p)
    heights = rng.uniform(0.5, 2.0, size=(n, 4))
    centers = [0.15, 0.4, 0.62, 0.85]
    x = np.zeros((n, p))
    for b, c in enumerate(centers):
        x += heights[:, [b]] * np.exp(-((u - c) / 0.07) ** 2)
    x += rng.uniform(0.1, 0.5, size=(n, 1)) + rng.uniform(-0.3, 0.3, size=(n, 1)) * u
    x += rng.normal(0, 0.005, size=(n, p))
    return x, heights


def snv(x):
    sd = x.std(axis=1, ddof=0, keepdims=True)
    sd[sd == 0] = 1
    return (x - x.mean(axis=1, keepdims=True)) / sd


def msc(train, x):
    ref = train.mean(axis=0)
    out = np.empty_like(x)
    for i, row in enumerate(x):
        slope, offset = np.polyfit(ref, row, 1)
        out[i] = (row - offset) / slope
    return out


def gradient(x, order):
    for _ in range(order):
        x = np.gradient(x, axis=1)
    return x


def detrend(x, order):
    if order == 1:
        return scipy.signal.detrend(x, axis=1, type="linear")
    idx = np.arange(x.shape[1])
    out = np.empty_like(x)
    for i, row in enumerate(x):
        out[i] = row - np.polyval(np.polyfit(idx, row, order), idx)
    return out


def plsda_outputs(train, labels, test, k):
    classes = np.unique(labels)
    onehot = (labels[:, None] == classes[None, :]).astype(float)
    scores = PLSRegression(n_components=k, scale=False).fit(train, onehot).predict(test)
    pred = classes[np.argmax(scores, axis=1)]
    proba = np.clip(scores, 0, 1)
    sums = proba.sum(axis=1, keepdims=True)
    proba = np.where(sums > 0, proba / np.where(sums > 0, sums, 1), 1.0 / len(classes))
    return pred[:, None], proba


def build_cases(train, test, y1, y3, labels):
    cases = []

    def add(op, params, method, expected, y=None, fit=True):
        cases.append({"op": op, "params": params, "method": method, "y": y,
                      "expected": np.asarray(expected).tolist()})

    for w, k, d in [(11, 2, 0), (11, 2, 1), (7, 3, 2), (5, 2, 0), (15, 4, 1), (9, 0, 0)]:
        add("SavitzkyGolay", {"window_length": w, "polyorder": k, "deriv": d}, "transform",
            scipy.signal.savgol_filter(test, w, k, deriv=d, mode="interp", axis=1))
    for order in (1, 2):
        add("Derivative", {"order": order}, "transform", gradient(test, order))
    for order in (0, 1, 2, 3):
        ref = scipy.signal.detrend(test, axis=1, type="constant") if order == 0 else detrend(test, order)
        add("Detrend", {"order": order}, "transform", ref)
    add("SNV", {}, "transform", snv(test))
    add("MSC", {}, "transform", msc(train, test))
    add("MinMaxScaler", {}, "transform", MinMaxScaler().fit(train).transform(test))
    add("MinMaxScaler", {"feature_range": [-1, 2]}, "transform",
        MinMaxScaler(feature_range=(-1, 2)).fit(train).transform(test))
    for wm, ws in [(True, True), (False, True), (True, False)]:
        add("StandardScaler", {"with_mean": wm, "with_std": ws}, "transform",
            StandardScaler(with_mean=wm, with_std=ws).fit(train).transform(test))
    for k in (1, 5):
        add("PCA", {"n_components": k}, "transform",
            PCA(n_components=k, svd_solver="full").fit(train).transform(test))
    for k in (1, 3, 8, 15):
        for scale in (False, True):
            pls = PLSRegression(n_components=k, scale=scale).fit(train, y1)
            add("PLSRegression", {"n_components": k, "scale": scale}, "predict", pls.predict(test), "y1")
    for k in (2, 5):
        for scale in (False, True):
            pls = PLSRegression(n_components=k, scale=scale).fit(train, y3)
            add("PLSRegression", {"n_components": k, "scale": scale}, "predict", pls.predict(test), "y3")
    for alpha in (1e-3, 0.1, 10.0):
        add("Ridge", {"alpha": alpha}, "predict", Ridge(alpha=alpha).fit(train, y3).predict(test), "y3")
    pred, proba = plsda_outputs(train, labels.ravel(), test, 3)
    add("PLSDA", {"n_components": 3}, "predict", pred, "labels")
    add("PLSDA", {"n_components": 3}, "predict_proba", proba, "labels")
    return cases


def metrics_case(rng):
    t = rng.normal(10, 2, size=15)
    p = t + rng.normal(0.3, 0.8, size=15)
    ct = rng.integers(0, 4, size=30).astype(float)
    cp = np.where(rng.uniform(size=30) < 0.6, ct, rng.integers(0, 4, size=30)).astype(float)
    e = p - t
    bias = e.mean()
    sep = np.sqrt(((e - bias) ** 2).sum() / (len(e) - 1))
    return {
        "y_true": t.tolist(), "y_pred": p.tolist(),
        "regression": {
            "rmse": float(np.sqrt(mean_squared_error(t, p))), "mse": mean_squared_error(t, p),
            "mae": mean_absolute_error(t, p), "r2": r2_score(t, p), "bias": float(bias),
            "sep": float(sep), "rpd": float(np.std(t, ddof=1) / sep)},
        "c_true": ct.tolist(), "c_pred": cp.tolist(),
        "classification": {
            "accuracy": accuracy_score(ct, cp), "balanced_accuracy": balanced_accuracy_score(ct, cp),
            "f1_macro": f1_score(ct, cp, average="macro")},
    }


def gasoline():
    raw = np.genfromtxt(os.path.join(ROOT, "data", "gasoline.csv"), delimiter=",", skip_header=1)
    y, x = raw[:, 0], raw[:, 1:]
    rmse = []
    for k in range(1, 11):
        pred = PLSRegression(n_components=k, scale=False).fit(x[:50], y[:50]).predict(x[50:]).ravel()
        rmse.append(float(np.sqrt(np.mean((pred - y[50:]) ** 2))))
    return {"train_rows": [0, 50], "test_rows": [50, 60], "scale": False, "n_components": list(range(1, 11)),
            "test_rmse": rmse}


def versions():
    return {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__,
            "sklearn": sklearn.__version__}


def main():
    rng = np.random.default_rng(20240501)
    train, h_train = spectra(rng, 20, 50)
    test, h_test = spectra(rng, 8, 50)
    y1 = (3 * h_train[:, 0] - h_train[:, 2] + rng.normal(0, 0.05, 20))[:, None]
    y3 = np.column_stack([y1[:, 0], h_train[:, 1] * 2, h_train[:, 3] - h_train[:, 0]])
    labels = np.argmax(h_train[:, :3], axis=1).astype(float)[:, None] * 10
    golden = {
        "generator": "tests/golden/generate.py", "versions": versions(),
        "inputs": {"train": train.tolist(), "test": test.tolist(), "y1": y1.tolist(),
                   "y3": y3.tolist(), "labels": labels.tolist()},
        "cases": build_cases(train, test, y1, y3, labels),
        "metrics": metrics_case(rng),
    }
    with open(os.path.join(HERE, "ml_golden.json"), "w") as f:
        json.dump(golden, f, separators=(",", ":"))
        f.write("\n")
    with open(os.path.join(HERE, "gasoline_pls.json"), "w") as f:
        json.dump({"generator": "tests/golden/generate.py", "versions": versions(), **gasoline()}, f,
                  indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
