#ifndef SLUICE_CCRC32_H
#define SLUICE_CCRC32_H

#include <stddef.h>
#include <stdint.h>

/// Whether this CPU has the carry-less multiply (PCLMULQDQ) and SSE4.1 instructions that
/// `sluice_crc32_fold` needs.
int sluice_crc32_fold_available(void);

/// CRC-32 (IEEE 802.3, reflected, zlib's) of `length` bytes by folding 64 and 16 bytes at a time
/// with carry-less multiplication. `crc` and the result are the raw register, not inverted: pass
/// ~previous and invert what comes back. `length` must be at least 64 and a multiple of 16.
/// Only call it when `sluice_crc32_fold_available()` says so.
uint32_t sluice_crc32_fold(const uint8_t *bytes, size_t length, uint32_t crc);

#endif
