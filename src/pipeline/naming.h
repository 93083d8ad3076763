// Short readable names of steps and variants, e.g. "SG(11,2,1)" and
// "SNV > SG(11,2,1) > PLS(8)". Pure functions, thread-safe.
#pragma once

#include <string>

#include "n4a/records.h"

namespace n4a::pipeline {

// The short name of operator `op` with its full parameters (defaults
// included): a known abbreviation with its main parameters in a fixed order
// (SavitzkyGolay -> SG(window,polyorder,deriv), PLSRegression -> PLS(k), ...),
// else the operator name with its parameters as key=value.
std::string short_step_name(const std::string& op, const Json& full_params);

// A number as people write it: 8, 0.5, 1e-05.
std::string format_number(const Json& value);

}  // namespace n4a::pipeline
