// "Did you mean ...?" for names that people type (fields, statuses, metrics):
// the known name closest to a typo, and the InvalidArgument that says so.
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "n4a/status.h"

namespace n4a {

// Edit distance: one step per inserted, deleted or substituted character, or
// per two neighbours swapped ("rsme" is 1 from "rmse"; optimal string
// alignment distance).
size_t EditDistance(std::string_view a, std::string_view b);

// " (did you mean X?)" for the name of `known` closest to `name`, when it is
// at most max(2, |name| / 3) edits away (a typo rather than another word);
// "" when none is that close.
std::string DidYouMean(std::string_view name, const std::vector<std::string>& known);

// Ok when `value` is one of `known`; else InvalidArgument
// "unknown <what> '<value>' (did you mean X?); known: a, b, c".
Status CheckKnownName(std::string_view what, std::string_view value,
                      const std::vector<std::string>& known);

}  // namespace n4a
