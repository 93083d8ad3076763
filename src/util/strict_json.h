// Strict parsing of JSON that a user wrote (run configs, templates).
//
// nlohmann::json's parser takes a key that appears twice in one object
// without a word (the last one wins, so a typo'd copy silently overrides the
// value the user reads), and nests without limit (a generator nested 20,000
// deep then overflows the stack of whatever walks the document recursively).
// ParseStrictJson refuses both and names the JSON path of the problem in the
// style of config errors: `pipeline[1].window_length`, `cv.n_splits`, `[0]`.
// Stateless; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "n4a/status.h"

namespace n4a {

// How deep arrays and objects may nest in a strict document (the document
// itself is level 1). A run config needs about 6 levels; generators nest
// deeper, but not by dozens.
constexpr int kMaxStrictJsonDepth = 64;

// The JSON value of `text`. InvalidArgument otherwise:
// - malformed JSON: "not valid JSON: <parser message with line and column>";
// - a key twice in one object: "<path of the key>: duplicate key ...";
// - arrays and objects nested more than `max_depth` levels:
//   "<path of the container>: nested more than <max_depth> levels deep".
Result<nlohmann::json> ParseStrictJson(std::string_view text, int max_depth = kMaxStrictJsonDepth);

}  // namespace n4a
