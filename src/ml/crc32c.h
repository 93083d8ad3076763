// CRC-32C (Castagnoli polynomial, reflected 0x82F63B78), as used by iSCSI,
// ext4 and LevelDB: with the SSE4.2 crc32 instruction where the CPU has it
// (checked at run time), else in portable C++ (slicing by 8). Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

namespace n4a::ml {

// The CRC-32C of `size` bytes at `data` (initial value and final xor 0xFFFFFFFF;
// crc32c("123456789") == 0xE3069283).
uint32_t crc32c(const void* data, size_t size);
// The same in portable C++ (what crc32c() uses without SSE4.2).
uint32_t crc32c_portable(const void* data, size_t size);

}  // namespace n4a::ml
