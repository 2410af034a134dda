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

/* Signed comb parameters (Lim-Lee comb over a signed-digit recoding): V blocks of W teeth spaced
 * D bits apart cover W*V*D = 1024 digit positions, each digit +-1 (sakke_ec.c). A block's table
 * holds the 2^(W-1) combinations whose top tooth is +1; the others are their negatives. Per column:
 * one doubling, then per base and block one table scan and one mixed addition. */
#define MCXI_COMB_W 8
#define MCXI_COMB_V 8
#define MCXI_COMB_D 16
#define MCXI_COMB_N (1u << (MCXI_COMB_W - 1)) /* entries per block */
_Static_assert(MCXI_COMB_W *MCXI_COMB_V *MCXI_COMB_D == 1024, "the recoding has 1024 digits");

/** Fixed-base comb table of a point B, with B_(b,i) = [2^((bW+i)D)]B:
 * t[b][j] = B_(b,W-1) + sum over i < W-1 of (2*bit_i(j) - 1) B_(b,i), affine. */
struct mcxi_comb {
    mcxi_eca t[MCXI_COMB_V][MCXI_COMB_N];
};

/** The same for powers of u in F_p^2, up to F_p factors (which PF_p ignores): entry j stands for
 * 1 + t[b][j]*i, the product of the u_(b,i)^(+-1) scaled to real part 1; the inverse of an entry
 * is its conjugate (again up to an F_p factor). */
struct mcxi_comb2 {
    mcxi_fp t[MCXI_COMB_V][MCXI_COMB_N];
};

/* Constant-time table scans, narrowest to widest; the widest the CPU has is used. Tests only:
 * mcxi_ec_set_scan(level) switches (-1: the best), returns the previous level or -1 if level is
 * not available. Not thread safe. */
enum { MCXI_SCAN_SSE2 = 0, MCXI_SCAN_AVX2 = 1, MCXI_SCAN_AVX512 = 2 };
int mcxi_ec_set_scan(int level);

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

/* Batch inversion (Montgomery's trick, one inversion): out[i] = in[i]^-1; in and out may be
 * the same array; any zero input makes all outputs zero. scratch holds n elements. */
void mcxi_fp_batch_inv(mcxi_fp *out, const mcxi_fp *in, size_t n, mcxi_fp *scratch);

/* Build the comb table of a public base point (B on E, in the order-q group). */
mcx_err mcxi_comb_build(struct mcxi_comb *c, const mcxi_eca *base);
/* Build the comb table of powers of u in F_p^2 (u of order q in PF_p). MCX_ERR_INTERNAL if an
 * entry has real part 0 (never for the fixed g; the table could not be scaled). */
mcx_err mcxi_comb2_build(struct mcxi_comb2 *c, const mcxi_fp2 *u);

/*
 * r = [k1]B1 + [k2]B2 (or just [k1]B1 when c2 is NULL) for B1, B2 of order q and scalars
 * 1 <= k < q as plain limbs (0 has no odd-digit recoding: callers handle a public 0 and refuse
 * a secret one), constant time in k1, k2. Returns 1 if r is the point at infinity
 * (Z = 0). The result is never a wrong point: an exceptional addition (see sakke_ec.c; it needs
 * a sum of >= 320 signed digits of k to hit a multiple of q, or a linear relation between B1 and
 * B2) makes Z = 0 from there on, so it is reported as the point at infinity.
 */
uint64_t mcxi_comb_mul(mcxi_ecj *r, const struct mcxi_comb *c1, const uint64_t k1[16],
                       const struct mcxi_comb *c2, const uint64_t k2[16]);
/* r = u^k in F_p^2 up to an F_p factor (exact in PF_p) from u's comb table, for 1 <= k < q,
 * constant time in k. */
void mcxi_comb2_pow(mcxi_fp2 *r, const struct mcxi_comb2 *c, const uint64_t k[16]);

/* Variable-time [k]A for public A and k (validation of received public points only). */
void mcxi_ec_mul_vartime(mcxi_ecj *r, const mcxi_eca *a, const uint64_t k[16]);

/* Decode 0x04 || x || y: MCX_ERR_POINT_FORMAT (a prefix other than 0x04 and 0x00),
 * MCX_ERR_POINT_RANGE, MCX_ERR_INFINITY (prefix 0x00, or x = y = 0, the conventional encoding of
 * O), MCX_ERR_NOT_ON_CURVE. */
mcx_err mcxi_ec_decode(mcxi_eca *r, const uint8_t in[257]);
void mcxi_ec_encode(uint8_t out[257], const mcxi_eca *a);
#endif
