// The Python template of `n4a export script` (export_script in
// include/n4a/replay.h): a self-contained NumPy implementation of every
// built-in operator's transform/predict that reads the operators' own binary
// format (docs/formats/operator.md) from an embedded base64 payload.
#pragma once

#include <string_view>
#include <vector>

namespace n4a::replay {

// The script, with the placeholder kPayloadMarker where the base64 payload
// goes (a JSON object: manifest, steps, folds, artifacts by id in base64).
std::string_view script_template();
inline constexpr std::string_view kPayloadMarker = "@N4A_PAYLOAD@";

// The operators the template implements (registry names).
const std::vector<std::string_view>& script_operators();

}  // namespace n4a::replay
