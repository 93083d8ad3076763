#include "util/suggest.h"

#include <algorithm>

namespace n4a {

size_t EditDistance(std::string_view a, std::string_view b) {
  // d[i][j]: the distance between the first i characters of a and j of b.
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t substitute = d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, substitute});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);  // two neighbours swapped
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string DidYouMean(std::string_view name, const std::vector<std::string>& known) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, name.size() / 3) + 1;
  for (const auto& k : known) {
    size_t d = EditDistance(name, k);
    if (d < best_distance) {
      best = k;
      best_distance = d;
    }
  }
  return best.empty() ? "" : " (did you mean " + best + "?)";
}

Status CheckKnownName(std::string_view what, std::string_view value,
                      const std::vector<std::string>& known) {
  if (std::find(known.begin(), known.end(), value) != known.end()) return Status::Ok();
  std::string list;
  for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
  return Status::InvalidArgument("unknown " + std::string(what) + " '" + std::string(value) + "'" +
                                 DidYouMean(value, known) + "; known: " + list);
}

}  // namespace n4a
