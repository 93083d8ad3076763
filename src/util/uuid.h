// UUIDv7 identifiers (RFC 9562): 48-bit Unix milliseconds, then random bits,
// so ids sort by creation time and two workspaces never collide.
// Thread-safe.
#pragma once

#include <string>

namespace n4a {

// A new UUIDv7 in canonical form ("0190a1b2-...-..."). Ids made by one process
// are strictly increasing, also within one millisecond.
std::string NewUuidV7();

}  // namespace n4a
