// libFuzzer target for deserialize_operator (docs/formats/operator.md).
//
// The first input byte picks a mode: even bytes feed the rest as is (this
// mostly exercises the header and checksum checks); odd bytes re-frame the
// rest with a valid CRC-32C (appended), so the fuzzer reaches the parser,
// the JSON parameters, the registry and every operator's restore(). A
// successful decode is re-serialized and decoded again, and the fitted
// operator is applied to a small matrix: nothing may crash.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ml/binary_format.h"
#include "ml/crc32c.h"
#include "ml/registry.h"

namespace {

void exercise(const n4a::ml::Operator& op) {
  const std::string again = op.serialize();
  auto back = n4a::ml::deserialize_operator(again);
  if (!back.ok()) __builtin_trap();  // what we wrote must read back
  if (!op.fitted()) return;
  for (Eigen::Index cols : {Eigen::Index{1}, Eigen::Index{4}, Eigen::Index{16}}) {
    const n4a::ml::Matrix x = n4a::ml::Matrix::Constant(3, cols, 0.5);
    if (op.kind() == n4a::ml::OperatorKind::kModel) {
      (void)op.predict(x);
      (void)op.predict_proba(x);
    } else {
      (void)op.transform(x);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  if (data[0] % 2 == 1) {
    const uint32_t crc = n4a::ml::crc32c(bytes.data(), bytes.size());
    for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<char>(crc >> (8 * i)));
  }
  auto op = n4a::ml::deserialize_operator(bytes);
  if (op.ok()) exercise(**op);
  return 0;
}
