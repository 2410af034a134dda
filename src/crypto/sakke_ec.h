/*
 * sakke_ec — the SAKKE curve E: y^2 = x^3 - 3x over F_p (RFC 6508 §2.1, RFC 6509 App. A):
 * Jacobian point arithmetic (a = -3 formulas), affine encoding 0x04 || x || y (RFC 6508 §2.1, 257
 * octets), fixed-base comb tables and constant-time comb multiplication for secret scalars, and
 * the fixed-base comb for powers of g in F_p^2.
 */
#ifndef MCX_CRYPTO_SAKKE_EC_H
#define MCX_CRYPTO_SAKKE_EC_H
#include "crypto/fp2.h"
#include "mcxsec/err.h"

typedef struct {
    mcxi_fp x, y, z; /* Jacobian: (X/Z^2, Y/Z^3); Z = 0 is the point at infinity */
} mcxi_ecj;

typedef struct {
    mcxi_fp x, y; /* affine, Montgomery form */
} mcxi_eca;

/* Comb parameters (Lim-Lee): V blocks of W teeth spaced D bits apart cover W*V*D >= 1022 scalar
 * bits (q < 2^1022); per column one doubling and V table additions per base. */
#ifndef MCXI_COMB_W
#define MCXI_COMB_W 8
#endif
#ifndef MCXI_COMB_V
#define MCXI_COMB_V 2
#endif
#define MCXI_COMB_D ((1022 + MCXI_COMB_W * MCXI_COMB_V - 1) / (MCXI_COMB_W * MCXI_COMB_V))
#define MCXI_COMB_N ((1u << MCXI_COMB_W) - 1) /* entries 1 .. 2^W-1 per block */

/** Fixed-base comb table of a point B: t[b][j-1] = sum over set bits i of j of [2^((bW+i)D)]B. */
struct mcxi_comb {
    mcxi_eca t[MCXI_COMB_V][MCXI_COMB_N];
};

/** Comb table for powers of u in F_p^2: t[b][j] = prod over bits i of j of u^(2^((bW+i)D)). */
struct mcxi_comb2 {
    mcxi_fp2 t[MCXI_COMB_V][MCXI_COMB_N + 1];
};

/* The RFC 6509 parameter-set-1 constants (Montgomery form). */
const mcxi_eca *mcxi_sakke_P(void);
/* g as an F_p element (PF_p representative, RFC 6508 §2.1 / §3.2) */
const mcxi_fp *mcxi_sakke_g(void);
/* Comb tables for P and for u = 1 + i*g; built once (pthread_once); NULL if allocation failed. */
const struct mcxi_comb *mcxi_sakke_P_comb(void);
const struct mcxi_comb2 *mcxi_sakke_g_comb(void);

void mcxi_ec_dbl(mcxi_ecj *r, const mcxi_ecj *p);
/* r = p + q (q affine). Not for p = +-q or p = O (callers exclude or select around those cases). */
void mcxi_ec_madd(mcxi_ecj *r, const mcxi_ecj *p, const mcxi_eca *q);
/* r = p + q. Not for p = +-q or either at infinity. */
void mcxi_ec_add(mcxi_ecj *r, const mcxi_ecj *p, const mcxi_ecj *q);
void mcxi_ec_from_affine(mcxi_ecj *r, const mcxi_eca *a);
/* Affine from Jacobian (constant time); returns 1 if p is the point at infinity (r is then 0,0). */
uint64_t mcxi_ec_to_affine(mcxi_eca *r, const mcxi_ecj *p);
/* 1 if a lies on E */
uint64_t mcxi_ec_on_curve(const mcxi_eca *a);

/* Batch inversion (Montgomery's trick, one Fermat inversion): out[i] = in[i]^-1; in and out may be
 * the same array; any zero input makes all outputs zero. scratch holds n elements. */
void mcxi_fp_batch_inv(mcxi_fp *out, const mcxi_fp *in, size_t n, mcxi_fp *scratch);

/* Build the comb table of a public base point (B on E, in the order-q group). */
mcx_err mcxi_comb_build(struct mcxi_comb *c, const mcxi_eca *base);
/* Build the comb table of powers of u in F_p^2. */
void mcxi_comb2_build(struct mcxi_comb2 *c, const mcxi_fp2 *u);

/*
 * r = [k1]B1 + [k2]B2 (or just [k1]B1 when c2 is NULL) for B1, B2 of order q and scalars
 * k < 2^1024 as plain limbs, constant time in k1, k2. Returns 1 if the result is the point at
 * infinity. Exceptional additions cannot occur within one base (see sakke_ec.c); between the two
 * bases they would need a linear relation between B1 and B2 known in advance (negligible).
 */
uint64_t mcxi_comb_mul(mcxi_ecj *r, const struct mcxi_comb *c1, const uint64_t k1[16],
                       const struct mcxi_comb *c2, const uint64_t k2[16]);
/* r = u^k in F_p^2 from u's comb table, constant time in k. */
void mcxi_comb2_pow(mcxi_fp2 *r, const struct mcxi_comb2 *c, const uint64_t k[16]);

/* Variable-time [k]A for public A and k (validation of received public points only). */
void mcxi_ec_mul_vartime(mcxi_ecj *r, const mcxi_eca *a, const uint64_t k[16]);

/* Decode 0x04 || x || y: MCX_ERR_POINT_FORMAT, MCX_ERR_POINT_RANGE, MCX_ERR_INFINITY (x = y = 0,
 * the conventional encoding of O), MCX_ERR_NOT_ON_CURVE. */
mcx_err mcxi_ec_decode(mcxi_eca *r, const uint8_t in[257]);
void mcxi_ec_encode(uint8_t out[257], const mcxi_eca *a);
#endif
