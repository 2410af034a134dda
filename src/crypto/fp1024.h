/*
 * fp1024 — fixed-width (16 x 64-bit limb) constant-time Montgomery arithmetic for the two 1024-bit
 * moduli of SAKKE parameter set 1 (RFC 6509 Appendix A): the field prime p and the group order
 * q = (p+1)/4 (1022 bits). Used by the SAKKE core (RFC 6508) only; no heap, no branches or memory
 * indices that depend on operand values, full-length loops, masked final subtractions.
 *
 * Values are arrays of 16 little-endian 64-bit limbs. "m-form" means Montgomery form x*R mod m with
 * R = 2^1024. Every function accepts aliasing of outputs with inputs.
 */
#ifndef MCX_CRYPTO_FP1024_H
#define MCX_CRYPTO_FP1024_H
#include <stddef.h>
#include <stdint.h>

#define MCXI_FP_LIMBS 16
#define MCXI_FP_BYTES 128

/** A modulus with its Montgomery constants. */
struct mcxi_mod {
    uint64_t m[MCXI_FP_LIMBS];   /* the modulus (odd, > 2^1020) */
    uint64_t m0inv;              /* -m^-1 mod 2^64 */
    uint64_t one[MCXI_FP_LIMBS]; /* R mod m (1 in m-form) */
    uint64_t r2[MCXI_FP_LIMBS];  /* R^2 mod m */
};

extern const struct mcxi_mod mcxi_mod_p; /* the SAKKE field prime p */
extern const struct mcxi_mod mcxi_mod_q; /* the SAKKE group order q */

/** An element of F_p in Montgomery form. */
typedef struct {
    uint64_t v[MCXI_FP_LIMBS];
} mcxi_fp;

/* Montgomery-multiplication backends, slowest to fastest; the fastest the CPU supports is used. */
enum { MCXI_FP_PORTABLE = 0, MCXI_FP_ADX = 1, MCXI_FP_IFMA = 2 };
/* Tests only: use backend b (-1: the best available); returns the previous one, or -1 if b is not
 * available on this CPU. Not thread safe. */
int mcxi_fp_set_backend(int b);

/* ---- generic (modulus as argument) ---- */
/* r = a*b/R mod m. Requires a < R, b < m (then r < m). */
void mcxi_mod_mul(uint64_t r[16], const uint64_t a[16], const uint64_t b[16],
                  const struct mcxi_mod *m);
/* r = a^2/R mod m (a < m). */
void mcxi_mod_sqr(uint64_t r[16], const uint64_t a[16], const struct mcxi_mod *m);
/* r = a + b mod m, a, b < m. */
void mcxi_mod_add(uint64_t r[16], const uint64_t a[16], const uint64_t b[16],
                  const struct mcxi_mod *m);
/* r = a - b mod m, a, b < m. */
void mcxi_mod_sub(uint64_t r[16], const uint64_t a[16], const uint64_t b[16],
                  const struct mcxi_mod *m);
/* r = a^-1 (m-form in, m-form out), constant time (safegcd, modinv.c); 0 maps to 0. */
void mcxi_mod_inv(uint64_t r[16], const uint64_t a[16], const struct mcxi_mod *m);
/* The same by Fermat's little theorem (fixed public exponent m-2): the reference for the tests. */
void mcxi_mod_inv_fermat(uint64_t r[16], const uint64_t a[16], const struct mcxi_mod *m);
/* Load 128 big-endian octets as a plain integer (no reduction). */
void mcxi_limbs_from_be(uint64_t r[16], const uint8_t in[128]);
/* Store a plain integer as 128 big-endian octets. */
void mcxi_limbs_to_be(uint8_t out[128], const uint64_t a[16]);
/* 1 if a < m else 0, constant time. */
uint64_t mcxi_limbs_lt(const uint64_t a[16], const uint64_t m[16]);
/* 1 if a == 0 else 0, constant time. */
uint64_t mcxi_limbs_is_zero(const uint64_t a[16]);
/* 1 if a == b else 0, constant time. */
uint64_t mcxi_limbs_eq(const uint64_t a[16], const uint64_t b[16]);
/* plain -> m-form (a < R; result reduced mod m) */
void mcxi_mod_to_mont(uint64_t r[16], const uint64_t a[16], const struct mcxi_mod *m);
/* m-form -> plain (fully reduced) */
void mcxi_mod_from_mont(uint64_t r[16], const uint64_t a[16], const struct mcxi_mod *m);
/* r = (big-endian octet string of any length) mod m, plain form. Constant time in the content
 * (not in the length). */
void mcxi_mod_reduce_be(uint64_t r[16], const uint8_t *in, size_t len, const struct mcxi_mod *m);

/* ---- F_p ---- */
void mcxi_fp_mul(mcxi_fp *r, const mcxi_fp *a, const mcxi_fp *b);
void mcxi_fp_sqr(mcxi_fp *r, const mcxi_fp *a);
void mcxi_fp_add(mcxi_fp *r, const mcxi_fp *a, const mcxi_fp *b);
void mcxi_fp_sub(mcxi_fp *r, const mcxi_fp *a, const mcxi_fp *b);
void mcxi_fp_neg(mcxi_fp *r, const mcxi_fp *a);
void mcxi_fp_inv(mcxi_fp *r, const mcxi_fp *a);
void mcxi_fp_set_one(mcxi_fp *r);
void mcxi_fp_set_zero(mcxi_fp *r);
uint64_t mcxi_fp_is_zero(const mcxi_fp *a);
uint64_t mcxi_fp_eq(const mcxi_fp *a, const mcxi_fp *b);
/* r = ctl ? a : r */
void mcxi_fp_cmov(mcxi_fp *r, const mcxi_fp *a, uint64_t ctl);
/* Decode 128 big-endian octets; returns 1 if the value is < p (r is then its m-form), 0 otherwise
 * (r is then unspecified). Constant time. */
uint64_t mcxi_fp_from_bytes(mcxi_fp *r, const uint8_t in[128]);
void mcxi_fp_to_bytes(uint8_t out[128], const mcxi_fp *a);
#endif
