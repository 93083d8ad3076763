#include "ml/binary_format.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>
#include <limits>

#include "ml/crc32c.h"

namespace n4a::ml {
namespace {

// Limits that keep a hostile header from asking for absurd work.
constexpr uint32_t kMaxNameBytes = 256;
constexpr uint32_t kMaxParamsBytes = 1 << 20;
constexpr uint32_t kMaxArrays = 4096;

template <typename T>
void put_le(std::string& out, T value) {
  for (size_t i = 0; i < sizeof(T); ++i)
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

void put_string(std::string& out, std::string_view s) {
  put_le<uint32_t>(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

void put_doubles(std::string& out, const double* data, size_t count) {
  if constexpr (std::endian::native == std::endian::little) {
    out.append(reinterpret_cast<const char*>(data), count * sizeof(double));
  } else {
    for (size_t i = 0; i < count; ++i) put_le<uint64_t>(out, std::bit_cast<uint64_t>(data[i]));
  }
}

// A bounds-checked little-endian reader over the frame body.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }

  template <typename T>
  Result<T> get(std::string_view what) {
    if (remaining() < sizeof(T)) return truncated(what);
    T value = 0;
    for (size_t i = 0; i < sizeof(T); ++i) {
      value |= static_cast<T>(static_cast<unsigned char>(data_[pos_ + i])) << (8 * i);
    }
    pos_ += sizeof(T);
    return value;
  }

  Result<std::string_view> get_string(std::string_view what, uint32_t max_size) {
    N4A_ASSIGN_OR_RETURN(uint32_t size, get<uint32_t>(what));
    if (size > max_size) {
      return Status::Corruption(
          fmt::format("operator: {} length {} exceeds the limit {}", what, size, max_size));
    }
    if (remaining() < size) return truncated(what);
    std::string_view s = data_.substr(pos_, size);
    pos_ += size;
    return s;
  }

  Status get_doubles(double* out, size_t count) {
    if constexpr (std::endian::native == std::endian::little) {
      std::memcpy(out, data_.data() + pos_, count * sizeof(double));
    } else {
      for (size_t i = 0; i < count; ++i) {
        std::string_view b = data_.substr(pos_ + 8 * i, 8);
        uint64_t v = 0;
        for (size_t k = 0; k < 8; ++k) v |= uint64_t{static_cast<unsigned char>(b[k])} << (8 * k);
        out[i] = std::bit_cast<double>(v);
      }
    }
    pos_ += count * sizeof(double);
    return Status::Ok();
  }

  Status truncated(std::string_view what) const {
    return Status::Corruption(
        fmt::format("operator: truncated input while reading {} at byte {}", what, pos_));
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

Result<NamedArray> read_array(Reader& in) {
  NamedArray array;
  N4A_ASSIGN_OR_RETURN(std::string_view name, in.get_string("array name", kMaxNameBytes));
  N4A_ASSIGN_OR_RETURN(uint64_t rows, in.get<uint64_t>("array rows"));
  N4A_ASSIGN_OR_RETURN(uint64_t cols, in.get<uint64_t>("array cols"));
  const uint64_t max_values = in.remaining() / sizeof(double);
  if ((cols != 0 && rows > max_values / cols) || rows * cols > max_values) {
    return Status::Corruption(fmt::format(
        "operator: array '{}' of {} x {} doubles does not fit in the {} remaining bytes", name,
        rows, cols, in.remaining()));
  }
  constexpr uint64_t kMaxIndex = std::numeric_limits<Eigen::Index>::max();
  if (rows > kMaxIndex || cols > kMaxIndex) return in.truncated("array shape");
  array.name = std::string(name);
  array.values.resize(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(cols));
  N4A_TRY(in.get_doubles(array.values.data(), rows * cols));
  return array;
}

Status check_header(std::string_view bytes) {
  if (bytes.size() < kOperatorMagic.size() ||
      bytes.substr(0, kOperatorMagic.size()) != kOperatorMagic) {
    return Status::Corruption("operator: not an n4a operator (bad magic)");
  }
  Reader in(bytes.substr(kOperatorMagic.size()));
  N4A_ASSIGN_OR_RETURN(uint16_t version, in.get<uint16_t>("format version"));
  if (version > kOperatorFormatVersion) {
    return Status::NotSupported(
        fmt::format("operator: format version {} is newer than this n4a supports ({}); upgrade n4a",
                    version, kOperatorFormatVersion));
  }
  if (version == 0) return Status::Corruption("operator: invalid format version 0");
  if (bytes.size() < kOperatorMagic.size() + 2 + 4) {
    return Status::Corruption("operator: truncated input (no checksum)");
  }
  const size_t body = bytes.size() - 4;
  Reader crc_in(bytes.substr(body));
  N4A_ASSIGN_OR_RETURN(uint32_t stored, crc_in.get<uint32_t>("checksum"));
  const uint32_t actual = crc32c(bytes.data(), body);
  if (stored != actual) {
    return Status::Corruption(fmt::format(
        "operator: checksum mismatch (stored {:08x}, computed {:08x}): truncated or damaged",
        stored, actual));
  }
  return Status::Ok();
}

}  // namespace

std::string encode_operator(std::string_view name, const nlohmann::json& params,
                            const std::vector<NamedArray>& arrays) {
  std::string out(kOperatorMagic);
  size_t total = 64 + name.size();
  for (const auto& a : arrays)
    total += 24 + a.name.size() + 8 * static_cast<size_t>(a.values.size());
  out.reserve(total);
  put_le<uint16_t>(out, kOperatorFormatVersion);
  put_string(out, name);
  put_string(out, params.dump());
  put_le<uint32_t>(out, static_cast<uint32_t>(arrays.size()));
  for (const auto& a : arrays) {
    put_string(out, a.name);
    put_le<uint64_t>(out, static_cast<uint64_t>(a.values.rows()));
    put_le<uint64_t>(out, static_cast<uint64_t>(a.values.cols()));
    put_doubles(out, a.values.data(), static_cast<size_t>(a.values.size()));
  }
  put_le<uint32_t>(out, crc32c(out.data(), out.size()));
  return out;
}

Result<DecodedOperator> decode_operator(std::string_view bytes) {
  N4A_TRY(check_header(bytes));
  Reader in(bytes.substr(kOperatorMagic.size() + 2, bytes.size() - kOperatorMagic.size() - 2 - 4));
  DecodedOperator op;
  N4A_ASSIGN_OR_RETURN(std::string_view name, in.get_string("operator name", kMaxNameBytes));
  op.name = std::string(name);
  N4A_ASSIGN_OR_RETURN(std::string_view params, in.get_string("parameters", kMaxParamsBytes));
  op.params = nlohmann::json::parse(params, nullptr, /*allow_exceptions=*/false);
  if (op.params.is_discarded() || !op.params.is_object()) {
    return Status::Corruption(
        fmt::format("operator '{}': parameters are not a JSON object", op.name));
  }
  N4A_ASSIGN_OR_RETURN(uint32_t count, in.get<uint32_t>("array count"));
  if (count > kMaxArrays) {
    return Status::Corruption(
        fmt::format("operator '{}': {} arrays exceed the limit", op.name, count));
  }
  for (uint32_t i = 0; i < count; ++i) {
    N4A_ASSIGN_OR_RETURN(NamedArray array, read_array(in));
    op.arrays.push_back(std::move(array));
  }
  if (!in.at_end()) {
    return Status::Corruption(fmt::format("operator '{}': {} unexpected bytes after the arrays",
                                          op.name, in.remaining()));
  }
  return op;
}

}  // namespace n4a::ml
