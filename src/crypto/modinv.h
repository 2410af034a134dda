/* modinv — constant-time inversion modulo a 1024-bit odd modulus (safegcd), see modinv.c. */
#ifndef MCX_CRYPTO_MODINV_H
#define MCX_CRYPTO_MODINV_H
#include <stdint.h>

/* out = x^-1 mod M for plain 0 <= x < M (0 maps to 0); m0inv = -M^-1 mod 2^64. Constant time. */
void mcxi_modinv_ct(uint64_t out[16], const uint64_t x[16], const uint64_t mod[16],
                    uint64_t m0inv);
#endif
