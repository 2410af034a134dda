/*
 * fp2 — F_p^2 = F_p[i]/(i^2 + 1) for SAKKE (RFC 6508 §2.1, §3.2: the pairing's codomain and the
 * PF_p representation of its values). Elements are a + b*i with a, b in Montgomery form.
 * Constant time (built on fp1024).
 */
#ifndef MCX_CRYPTO_FP2_H
#define MCX_CRYPTO_FP2_H
#include "crypto/fp1024.h"

typedef struct {
    mcxi_fp a; /* real part */
    mcxi_fp b; /* coefficient of i */
} mcxi_fp2;

void mcxi_fp2_mul(mcxi_fp2 *r, const mcxi_fp2 *x, const mcxi_fp2 *y);
void mcxi_fp2_sqr(mcxi_fp2 *r, const mcxi_fp2 *x);
void mcxi_fp2_add(mcxi_fp2 *r, const mcxi_fp2 *x, const mcxi_fp2 *y);
void mcxi_fp2_sub(mcxi_fp2 *r, const mcxi_fp2 *x, const mcxi_fp2 *y);
void mcxi_fp2_conj(mcxi_fp2 *r, const mcxi_fp2 *x);
void mcxi_fp2_inv(mcxi_fp2 *r, const mcxi_fp2 *x);
void mcxi_fp2_set_one(mcxi_fp2 *r);
/* r = x^e for a public exponent e < 2^1024 (branches and table indices follow e only, so the
 * time depends on e but not on x). */
void mcxi_fp2_pow_public(mcxi_fp2 *r, const mcxi_fp2 *x, const uint64_t e[16]);
/* r = ctl ? x : r */
void mcxi_fp2_cmov(mcxi_fp2 *r, const mcxi_fp2 *x, uint64_t ctl);
#endif
