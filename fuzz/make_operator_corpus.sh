#!/usr/bin/env bash
# Seeds fuzz/corpus_operator/ with one serialized operator of every kind
# (prefixed with the fuzzer's mode byte 1 and without their CRC, so the
# fuzzer's re-framing mode starts from valid inputs).
# usage: fuzz/make_operator_corpus.sh BUILD_DIR (a normal build with tests)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
mkdir -p fuzz/corpus_operator
N4A_FUZZ_CORPUS_DIR=$PWD/fuzz/corpus_operator "$BUILD/tests/n4a_ml_tests" \
  --gtest_filter='FuzzCorpus.*' >/dev/null
ls fuzz/corpus_operator | wc -l
