/*
 * pairing — the Tate-Lichtenbaum pairing of RFC 6508 §3.2 on E(F_p)[q] with the distortion map
 * (x, y) -> (-x, i*y), in the PF_p representation (F_p factors dropped; final exponent
 * (p+1)/q = 4; value x2/x1).
 *
 * Two evaluations of the same reduced pairing:
 *  - plain: the Miller loop walks the multiples of the first argument (projective lines);
 *  - with precomputed lines: the lines of the loop over a fixed point K (a receiver's RSK) are
 *    computed once in affine normalised form (lambda, c) so that the line at a distorted point R is
 *    (lambda*Rx + c) + i*Ry. On this curve the modified pairing is symmetric on the order-q group,
 *    so <R, K> = e(K, R) and the loop can walk K while R varies (tests/unit/test_pairing.c).
 */
#ifndef MCX_CRYPTO_PAIRING_H
#define MCX_CRYPTO_PAIRING_H
#include "crypto/sakke_ec.h"

/* Miller loop length for the NAF of q - 1: 1021 doublings + 352 additions = 1373 lines. */
#define MCXI_MILLER_MAX_STEPS 1373

struct mcxi_lines {
    size_t n;                            /* number of lines (doublings + additions) */
    int8_t naf[1024];                    /* NAF digits of q - 1, least significant first (public) */
    int top;                             /* index of the leading digit */
    mcxi_fp lam[MCXI_MILLER_MAX_STEPS];  /* slope */
    mcxi_fp c[MCXI_MILLER_MAX_STEPS];    /* lambda*x_T - y_T */
};

/* <R, Q> before taking x2/x1: the F_p^2 value v^4 of RFC 6508 §3.2 (up to an F_p factor). */
void mcxi_pairing_plain(mcxi_fp2 *out, const mcxi_eca *R, const mcxi_eca *Q);

/* Precompute the lines of the Miller loop walking K (constant time in K). The loop uses the
 * non-adjacent form of q - 1 (352 instead of 512 additions); an addition of -K differs from the
 * binary loop only by vertical-line factors in F_p, which vanish in PF_p. */
mcx_err mcxi_pairing_lines(struct mcxi_lines *L, const mcxi_eca *K);

/* <R, K> = e(K, R) from K's lines (v^4, up to an F_p factor). Constant time in the lines and R. */
void mcxi_pairing_eval(mcxi_fp2 *out, const struct mcxi_lines *L, const mcxi_eca *R);

/* PF_p value x2/x1 of v (RFC 6508 §2.1), constant time; x1 = 0 gives 0. */
void mcxi_pfp_value(mcxi_fp *out, const mcxi_fp2 *v);
#endif
