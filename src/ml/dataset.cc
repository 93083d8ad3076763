#include "ml/dataset.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>

#include "ml/csv_reader.h"
#include "util/sha256.h"

namespace n4a::ml {
namespace {

// Where each header column goes.
struct Layout {
  std::vector<std::string> header;
  std::vector<int> feature_cols, target_cols;
  int id_col = -1;
};

char detect_separator(std::string_view header) {
  const auto commas = std::count(header.begin(), header.end(), ',');
  const auto semis = std::count(header.begin(), header.end(), ';');
  return semis > commas ? ';' : ',';
}

Status error(std::string_view source, size_t line, std::string_view what) {
  return Status::InvalidArgument(fmt::format("{}: line {}: {}", source, line, what));
}

Result<Layout> make_layout(std::vector<std::string> header, const CsvOptions& options,
                           std::string_view source) {
  Layout layout;
  auto find = [&](const std::string& name) -> int {
    auto it = std::find(header.begin(), header.end(), name);
    return it == header.end() ? -1 : static_cast<int>(it - header.begin());
  };
  for (size_t c = 0; c < header.size(); ++c) {
    if (header[c].empty())
      return error(source, 1, fmt::format("column {} has an empty header", c + 1));
    if (find(header[c]) != static_cast<int>(c)) {
      return error(source, 1, fmt::format("duplicate column '{}'", header[c]));
    }
  }
  for (const std::string& t : options.targets) {
    const int col = find(t);
    if (col < 0) return error(source, 1, fmt::format("target column '{}' not found", t));
    layout.target_cols.push_back(col);
  }
  if (!options.id_column.empty()) {
    layout.id_col = find(options.id_column);
    if (layout.id_col < 0) {
      return error(source, 1, fmt::format("id column '{}' not found", options.id_column));
    }
  }
  for (int c = 0; c < static_cast<int>(header.size()); ++c) {
    const bool used = c == layout.id_col ||
                      std::count(layout.target_cols.begin(), layout.target_cols.end(), c) > 0;
    if (!used) layout.feature_cols.push_back(c);
  }
  if (layout.feature_cols.empty()) return error(source, 1, "no feature column");
  layout.header = std::move(header);
  return layout;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    pos = end + 1;
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

Status parse_value(const Layout& layout, int col, std::string_view field, std::string_view source,
                   size_t line, double& out) {
  if (parse_double(field, out)) return Status::Ok();
  const std::string& name = layout.header[static_cast<size_t>(col)];
  if (field.empty()) {
    return error(source, line, fmt::format("column '{}' ({}): missing value", name, col + 1));
  }
  return error(source, line,
               fmt::format("column '{}' ({}): non-numeric value '{}'", name, col + 1, field));
}

Status parse_rows(const std::vector<std::string_view>& lines, char sep, const Layout& layout,
                  std::string_view source, Dataset& d) {
  const auto n = static_cast<Eigen::Index>(lines.size() - 1);
  d.x.resize(n, static_cast<Eigen::Index>(layout.feature_cols.size()));
  d.y.resize(n, static_cast<Eigen::Index>(layout.target_cols.size()));
  std::vector<std::string> fields;
  for (Eigen::Index i = 0; i < n; ++i) {
    const size_t line = static_cast<size_t>(i) + 2;
    if (!split_csv_line(lines[static_cast<size_t>(i) + 1], sep, fields)) {
      return error(source, line, "unterminated quoted field");
    }
    if (fields.size() != layout.header.size()) {
      return error(source, line,
                   fmt::format("{} fields, but the header has {} columns", fields.size(),
                               layout.header.size()));
    }
    for (size_t j = 0; j < layout.feature_cols.size(); ++j) {
      const int c = layout.feature_cols[j];
      N4A_TRY(parse_value(layout, c, fields[static_cast<size_t>(c)], source, line,
                          d.x(i, static_cast<Eigen::Index>(j))));
    }
    for (size_t j = 0; j < layout.target_cols.size(); ++j) {
      const int c = layout.target_cols[j];
      N4A_TRY(parse_value(layout, c, fields[static_cast<size_t>(c)], source, line,
                          d.y(i, static_cast<Eigen::Index>(j))));
    }
    if (layout.id_col >= 0) d.sample_ids.push_back(fields[static_cast<size_t>(layout.id_col)]);
  }
  return Status::Ok();
}

void fill_headers(const Layout& layout, Dataset& d) {
  for (int c : layout.feature_cols) {
    const std::string& h = layout.header[static_cast<size_t>(c)];
    double w = 0;
    d.feature_names.push_back(h);
    d.wavelengths.push_back(parse_double(h, w) ? w : std::numeric_limits<double>::quiet_NaN());
  }
  for (int c : layout.target_cols) d.target_names.push_back(layout.header[static_cast<size_t>(c)]);
}

void hash_u64(Sha256& h, uint64_t v) {
  unsigned char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<unsigned char>(v >> (8 * i));
  h.Update(b, 8);
}

void hash_string(Sha256& h, const std::string& s) {
  const auto len = static_cast<uint32_t>(s.size());
  unsigned char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<unsigned char>(len >> (8 * i));
  h.Update(b, 4);
  h.Update(s);
}

void hash_doubles(Sha256& h, const Matrix& m) {
  if constexpr (std::endian::native == std::endian::little) {
    h.Update(m.data(), static_cast<size_t>(m.size()) * sizeof(double));
  } else {
    for (Eigen::Index i = 0; i < m.size(); ++i) hash_u64(h, std::bit_cast<uint64_t>(m.data()[i]));
  }
}

}  // namespace

std::string dataset_content_hash(const Dataset& d) {
  Sha256 h;
  h.Update(std::string_view("n4a.dataset.v1\n"));
  hash_u64(h, static_cast<uint64_t>(d.x.rows()));
  hash_u64(h, static_cast<uint64_t>(d.x.cols()));
  hash_u64(h, static_cast<uint64_t>(d.y.cols()));
  for (const auto& s : d.feature_names) hash_string(h, s);
  for (const auto& s : d.target_names) hash_string(h, s);
  const unsigned char has_ids = d.sample_ids.empty() ? 0 : 1;
  h.Update(&has_ids, 1);
  for (const auto& s : d.sample_ids) hash_string(h, s);
  hash_doubles(h, d.x);
  hash_doubles(h, d.y);
  return h.FinishHex();
}

Result<Dataset> parse_csv(std::string_view text, const CsvOptions& options,
                          std::string_view source) {
  const std::vector<std::string_view> lines = split_lines(strip_utf8_bom(text));
  if (lines.empty())
    return Status::InvalidArgument(fmt::format("{}: empty file (no header row)", source));
  const char sep = options.separator != 0 ? options.separator : detect_separator(lines[0]);
  std::vector<std::string> header;
  if (!split_csv_line(lines[0], sep, header)) return error(source, 1, "unterminated quoted field");
  N4A_ASSIGN_OR_RETURN(Layout layout, make_layout(std::move(header), options, source));
  if (lines.size() < 2) return error(source, 2, "no data row after the header");
  Dataset d;
  d.source = std::string(source);
  fill_headers(layout, d);
  N4A_TRY(parse_rows(lines, sep, layout, source, d));
  d.content_hash = dataset_content_hash(d);
  return d;
}

Result<Dataset> load_csv(const std::string& path, const CsvOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError(fmt::format("{}: cannot open for reading", path));
  // One read into a buffer of the file's size: copying the stream into a
  // string grew and copied it several times and then copied it once more,
  // ~25 ms of page faults and copies for an 18 MB file. A pipe (no size),
  // or whatever a file gained meanwhile, is read after it.
  std::string text;
  std::error_code size_error;
  const uintmax_t size = std::filesystem::file_size(path, size_error);
  if (!size_error) {
    text.resize(static_cast<size_t>(size));
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<size_t>(in.gcount()));
  }
  if (!in.eof()) text.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) return Status::IOError(fmt::format("{}: read error", path));
  return parse_csv(text, options, path);
}

Result<Dataset> select_rows(const Dataset& data, const std::vector<Eigen::Index>& rows) {
  Dataset out;
  out.x.resize(static_cast<Eigen::Index>(rows.size()), data.x.cols());
  out.y.resize(static_cast<Eigen::Index>(rows.size()), data.y.cols());
  for (size_t k = 0; k < rows.size(); ++k) {
    const Eigen::Index i = rows[k];
    if (i < 0 || i >= data.x.rows()) {
      return Status::InvalidArgument(
          fmt::format("{}: row index {} out of range [0, {})", data.source, i, data.x.rows()));
    }
    out.x.row(static_cast<Eigen::Index>(k)) = data.x.row(i);
    out.y.row(static_cast<Eigen::Index>(k)) = data.y.row(i);
    if (!data.sample_ids.empty()) out.sample_ids.push_back(data.sample_ids[static_cast<size_t>(i)]);
  }
  out.target_names = data.target_names;
  out.feature_names = data.feature_names;
  out.wavelengths = data.wavelengths;
  out.source = data.source;
  out.content_hash = dataset_content_hash(out);
  return out;
}

Result<Dataset> slice_rows(const Dataset& data, Eigen::Index begin, Eigen::Index end) {
  if (begin < 0 || end > data.x.rows() || begin > end) {
    return Status::InvalidArgument(fmt::format("{}: row range [{}, {}) is not within [0, {})",
                                               data.source, begin, end, data.x.rows()));
  }
  std::vector<Eigen::Index> rows;
  for (Eigen::Index i = begin; i < end; ++i) rows.push_back(i);
  return select_rows(data, rows);
}

}  // namespace n4a::ml
