#include "objects/dataset_file_name.h"

#include "util/sha256.h"

namespace n4a::objects {
namespace {

constexpr size_t kMaxKeptLength = 100;

bool IsKept(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool NeedsSuffix(std::string_view original, std::string_view mapped) {
  return mapped != original || mapped.empty() || mapped == "." || mapped == ".." ||
         mapped.find(".tmp.") != std::string_view::npos || EndsWith(mapped, ".parquet") ||
         mapped.size() > kMaxKeptLength;
}

}  // namespace

std::string DatasetFileName(std::string_view dataset_name) {
  std::string out(dataset_name);
  for (char& c : out) {
    if (!IsKept(c)) c = '_';
  }
  if (!NeedsSuffix(dataset_name, out)) return out;
  if (out.size() > kMaxKeptLength) out.resize(kMaxKeptLength);
  // Keeps the suffixed form clear of the patterns that triggered it.
  for (size_t p = out.find(".tmp."); p != std::string::npos; p = out.find(".tmp.")) out[p] = '_';
  if (out == "." || out == "..") out.assign(out.size(), '_');
  return out + "~" + Sha256Hex(dataset_name).substr(0, 8);
}

}  // namespace n4a::objects
