#!/usr/bin/python3
"""scikit-learn baseline for bench/ml_e2e.sh, and the summary of the ml figures.

usage: ml_baseline.py TMPDIR SUMMARY_JSON
TMPDIR holds what n4a_ml_bench wrote: x.bin, y.bin, pred.bin, n4a_fit.json
(--export_pls) and cpp.json (Google Benchmark output).
"""
import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.cross_decomposition import PLSRegression


def sklearn_fit(tmp, meta):
    n, p, k = meta["rows"], meta["cols"], meta["n_components"]
    x = np.fromfile(os.path.join(tmp, "x.bin"), dtype="<f8").reshape(n, p)
    y = np.fromfile(os.path.join(tmp, "y.bin"), dtype="<f8").reshape(n, 1)
    best, best_cpu, model = float("inf"), float("inf"), None
    for _ in range(5):
        t0, c0 = time.perf_counter(), time.process_time()
        model = PLSRegression(n_components=k, scale=False).fit(x, y)
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    pred = model.predict(x).reshape(n, 1)
    ours = np.fromfile(os.path.join(tmp, "pred.bin"), dtype="<f8").reshape(n, 1)
    rel = float(np.max(np.abs(pred - ours)) / np.max(np.abs(pred)))
    return best, best_cpu, rel


def cpp_times(tmp):
    with open(os.path.join(tmp, "cpp.json")) as f:
        runs = json.load(f)["benchmarks"]
    return {r["name"].split("/")[0]: r for r in runs}


def main():
    tmp, summary_path = sys.argv[1], sys.argv[2]
    with open(os.path.join(tmp, "n4a_fit.json")) as f:
        meta = json.load(f)
    sk_fit, sk_cpu, rel = sklearn_fit(tmp, meta)
    cpp = cpp_times(tmp)
    copy = cpp["BM_MatrixCopy_100000x1000"]["bytes_per_second"] / 1e9
    chain = cpp["BM_SnvSgPlsPredict_100000x1000"]["bytes_per_second"] / 1e9
    ser = cpp["BM_PlsSerialize_20comp_1000feat"]
    de = cpp["BM_PlsDeserialize_20comp_1000feat"]
    derive = cpp["BM_PlsFamilyDerive_60x401_20comp"]["cpu_time"]
    pinv = cpp["BM_PlsFamilyPinvRotations_60x401_20comp"]["cpu_time"]
    summary = {
        "sklearn_version": sklearn.__version__,
        "pls_fit": {"n4a_seconds": meta["fit_seconds"], "sklearn_seconds": sk_fit,
                    "speedup": sk_fit / meta["fit_seconds"],
                    "n4a_cpu_seconds": meta["fit_cpu_seconds"], "sklearn_cpu_seconds": sk_cpu,
                    "cpu_speedup": sk_cpu / meta["fit_cpu_seconds"],
                    "max_rel_prediction_diff": rel},
        "snv_sg_pls_predict": {"n4a_gb_per_s": chain, "copy_gb_per_s": copy,
                               "ratio_to_copy": chain / copy},
        "pls20_serialize_us": ser["real_time"], "pls20_deserialize_us": de["real_time"],
        "pls20_bytes": ser.get("bytes"),
        "pls_family_60x401_20comp": {"derive_us": derive, "pinv_rotations_us": pinv,
                                     "speedup": pinv / derive},
    }
    with open(summary_path, "w") as f:
        json.dump(summary, f, indent=1)
    pf, sp = summary["pls_fit"], summary["snv_sg_pls_predict"]
    print(f"PLS fit 5000x1000, 20 comp, 1 thread: n4a {pf['n4a_seconds'] * 1e3:.1f} ms, "
          f"sklearn {pf['sklearn_seconds'] * 1e3:.1f} ms -> {pf['speedup']:.1f}x "
          f"(goal >= 10x); CPU time {pf['n4a_cpu_seconds'] * 1e3:.1f} vs "
          f"{pf['sklearn_cpu_seconds'] * 1e3:.1f} ms -> {pf['cpu_speedup']:.1f}x; "
          f"max relative prediction difference {rel:.2e}")
    # Rates of Google Benchmark are per CPU second (robust on a shared machine).
    print(f"SNV+SG(11,2,1)+PLS predict 100000x1000: {chain:.2f} GB/s, copy {copy:.2f} GB/s "
          f"-> {sp['ratio_to_copy'] * 100:.0f}% of copy (goal >= 25%)")
    print(f"PLS(20) on 1000 features ({summary['pls20_bytes']:.0f} bytes): serialize "
          f"{ser['real_time']:.0f} us, deserialize {de['real_time']:.0f} us")
    print(f"PLS family 1..20 cut from one PLS(20) fit, 60x401: {derive:.0f} us; their rotations "
          f"through SVD pseudo-inverses {pinv:.0f} us -> {pinv / derive:.1f}x")


if __name__ == "__main__":
    main()
