/*
 * Internal: constant-time arithmetic modulo n, the order of the NIST P-256 group (the "q" of
 * RFC 6507 §3.1 for ECCSI). Fixed-width 4 x 64-bit little-endian limbs, no branch, loop bound or
 * index depends on a value; used for every scalar computation of ECCSI (SSK = KSAK + HS·v,
 * s = j·(HE + r·SSK)^-1) so that OpenSSL BN never touches a secret scalar's arithmetic.
 */
#ifndef MCX_CRYPTO_P256N_H
#define MCX_CRYPTO_P256N_H
#include <stdint.h>

/* Load / store a 32-octet big-endian integer (no reduction). */
void mcxi_p256n_from_be(uint64_t r[4], const uint8_t b[32]);
void mcxi_p256n_to_be(uint8_t b[32], const uint64_t a[4]);
/* 1 if 0 < a < n, else 0 (constant time). */
uint64_t mcxi_p256n_in_range(const uint64_t a[4]);
/* 1 if a == 0, else 0 (constant time). */
uint64_t mcxi_p256n_is_zero(const uint64_t a[4]);
/* r = a mod n for any a < 2^256 (one conditional subtraction: 2^256 < 2n). r may alias a. */
void mcxi_p256n_reduce(uint64_t r[4], const uint64_t a[4]);
/* r = a + b mod n, for a, b < n. Aliasing allowed. */
void mcxi_p256n_add(uint64_t r[4], const uint64_t a[4], const uint64_t b[4]);
/* r = a · b mod n, for a, b < n. Aliasing allowed. */
void mcxi_p256n_mul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4]);
/* r = a^(n-2) mod n = a^-1 (0 for a = 0), Fermat with a public exponent: constant time in a. */
void mcxi_p256n_inv(uint64_t r[4], const uint64_t a[4]);
/* r = a^-1 mod n (0 for a = 0) by the binary extended Euclidean algorithm. VARIABLE TIME: use
 * only on public values or on values blinded by a fresh uniformly random factor. */
void mcxi_p256n_inv_vartime(uint64_t r[4], const uint64_t a[4]);

#endif
