// The operator binary format, version 1 (docs/formats/operator.md):
//
//   "N4AOP\0"  u16 version  u32 len + operator name  u32 len + params JSON
//   u32 array count, then per array: u32 len + name, u64 rows, u64 cols,
//   rows*cols f64 (row-major)   u32 CRC-32C of every preceding byte.
//
// All integers and doubles are little-endian. Encoding is deterministic.
// Decoding checks every length against the remaining input before using it,
// so corrupt or hostile input gives a Status, never a crash or a huge
// allocation. Thread-safe (pure functions).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "ml/operator.h"
#include "n4a/status.h"

namespace n4a::ml {

inline constexpr std::string_view kOperatorMagic{"N4AOP\0", 6};
// 2: PLS models no longer store x_rotations (derived on restore); readers
// still read version 1 (docs/formats/operator.md).
inline constexpr uint16_t kOperatorFormatVersion = 2;

// The decoded frame of a serialized operator (not yet validated by the registry).
struct DecodedOperator {
  std::string name;
  nlohmann::json params;
  std::vector<NamedArray> arrays;
};

// Encodes an operator frame. `params` is written as its canonical dump
// (object keys sorted, doubles with round-trip precision).
std::string encode_operator(std::string_view name, const nlohmann::json& params,
                            const std::vector<NamedArray>& arrays);

// Decodes a frame. Corruption for a wrong magic, a bad checksum, truncated or
// inconsistent lengths, or invalid JSON; NotSupported for a newer version.
Result<DecodedOperator> decode_operator(std::string_view bytes);

}  // namespace n4a::ml
