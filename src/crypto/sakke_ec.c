/*
 * sakke_ec — curve arithmetic for SAKKE parameter set 1 (RFC 6508 §2.1, RFC 6509 App. A):
 * E: y^2 = x^3 - 3x over F_p, base point P of prime order q, cofactor 4.
 *
 * Formulas (Jacobian, a = -3): doubling dbl-2001-b, mixed addition madd-2007-bl, addition
 * add-2007-bl (Explicit-Formulas Database).
 *
 * Secret scalars are only ever multiplied with fixed bases (P, the KMS key Z) through a comb
 * (Lim-Lee, W teeth): per column one doubling and one masked table scan plus mixed addition per
 * base and block. Why no exceptional case inside one base's comb: before an addition the
 * accumulator is [a]B and the table entry [t]B where a and t are sums of distinct powers of two
 * taken from disjoint sets of bit positions of k (the entry's bits are those of the current column
 * in the current block; the accumulator holds the bits of higher columns, shifted, and of earlier
 * blocks in this column), so a + t <= k < q; a = +-t (mod q) then forces a = t as integers, which
 * disjoint binary expansions allow only for a = t = 0. Both zero cases (accumulator O, column
 * index 0) are handled with masks.
 */
#include "crypto/sakke_ec.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mcxsec/util.h"
#include "util/ct.h"

/* RFC 6509 Appendix A: P = (Px, Py) and g, in Montgomery form (x*2^1024 mod p); generated with
 * Python from the RFC values and checked against the RFC octets by tests/unit/test_fp1024.c. */
static const mcxi_eca sakke_P = {
    .x = {{
        0xbf9c7ec6e0162bc2ULL, 0xddecc6e310a89289ULL, 0x5d599df09e499d81ULL, 0x9a96ea286d358218ULL,
        0x01aec7d370c5f8dbULL, 0xe72e49958cf5d066ULL, 0xc2e7297d3e91d7f8ULL, 0x8621db92da9f2f5aULL,
        0x4b26c8675a5679edULL, 0x233385df2c56aac1ULL, 0xb88e74d4c6a13f99ULL, 0x1214b173ffa8ec11ULL,
        0xa0386a271f3f9fefULL, 0xbd9b1b4ec0e7b44eULL, 0xafe528dceecd3496ULL, 0x8dfff96a1c49f80bULL,
    }},
    .y = {{
        0xb4a4753ac03c0c83ULL, 0x68e69d18abcdcd75ULL, 0xe3839b88f775b649ULL, 0x803f949abf58f352ULL,
        0x5f702679bd0bc15cULL, 0x85bf5d168ff298c2ULL, 0x3f6ebd98c6c7976eULL, 0x20618af445e3e1b4ULL,
        0x67d5598e54e64093ULL, 0xb047283b504fed9eULL, 0x450cabfd70d87517ULL, 0x47d628bf3f5addbeULL,
        0x0037ef3078cb4ccaULL, 0x4e148d3c6b1c4908ULL, 0xe256d3294fcfd837ULL, 0x2aa1207bde3c01f3ULL,
    }},
};
static const mcxi_fp sakke_g = {{
        0x170a46d2335c1685ULL, 0xeac9e971e1007a58ULL, 0x40e8f3df43ca4a73ULL, 0x2646f81582642475ULL,
        0x3af49bb4b36576d1ULL, 0xd89e2d1472bf1afbULL, 0x27be882c2fd151e6ULL, 0xaddedc858f88717cULL,
        0xd6d859bf16ac6c6fULL, 0x0e741a1b2d8eae58ULL, 0x6faf7a0061c1f30dULL, 0x66dbd09a9b67e096ULL,
        0x21f11c067d3b4f7dULL, 0x6152ba02c727c98eULL, 0xafd58891e86cb221ULL, 0x59e93c6a6bd3baf4ULL,
}};

const mcxi_eca *mcxi_sakke_P(void)
{
    return &sakke_P;
}

const mcxi_fp *mcxi_sakke_g(void)
{
    return &sakke_g;
}

/* ---- point arithmetic ------------------------------------------------------------------------ */

void mcxi_ec_dbl(mcxi_ecj *r, const mcxi_ecj *p)
{
    mcxi_fp delta, gamma, beta, alpha, t0, t1;
    mcxi_fp_sqr(&delta, &p->z);
    mcxi_fp_sqr(&gamma, &p->y);
    mcxi_fp_mul(&beta, &p->x, &gamma);
    mcxi_fp_sub(&t0, &p->x, &delta);
    mcxi_fp_add(&t1, &p->x, &delta);
    mcxi_fp_mul(&alpha, &t0, &t1);
    mcxi_fp_add(&t0, &alpha, &alpha);
    mcxi_fp_add(&alpha, &t0, &alpha); /* alpha = 3(X-delta)(X+delta) */
    /* Z3 = (Y+Z)^2 - gamma - delta */
    mcxi_fp_add(&t0, &p->y, &p->z);
    mcxi_fp_sqr(&t0, &t0);
    mcxi_fp_sub(&t0, &t0, &gamma);
    mcxi_fp_sub(&r->z, &t0, &delta);
    /* X3 = alpha^2 - 8 beta */
    mcxi_fp_add(&beta, &beta, &beta); /* 2b */
    mcxi_fp_add(&beta, &beta, &beta); /* 4b */
    mcxi_fp_sqr(&t0, &alpha);
    mcxi_fp_sub(&t0, &t0, &beta);
    mcxi_fp_sub(&t0, &t0, &beta);
    /* Y3 = alpha (4 beta - X3) - 8 gamma^2 */
    mcxi_fp_sub(&t1, &beta, &t0);
    r->x = t0;
    mcxi_fp_mul(&t1, &alpha, &t1);
    mcxi_fp_sqr(&gamma, &gamma);
    mcxi_fp_add(&gamma, &gamma, &gamma);
    mcxi_fp_add(&gamma, &gamma, &gamma);
    mcxi_fp_add(&gamma, &gamma, &gamma);
    mcxi_fp_sub(&r->y, &t1, &gamma);
}

void mcxi_ec_madd(mcxi_ecj *r, const mcxi_ecj *p, const mcxi_eca *q)
{
    mcxi_fp z1z1, u2, s2, h, hh, i, j, rr, v, t0;
    mcxi_fp_sqr(&z1z1, &p->z);
    mcxi_fp_mul(&u2, &q->x, &z1z1);
    mcxi_fp_mul(&s2, &p->z, &z1z1);
    mcxi_fp_mul(&s2, &q->y, &s2);
    mcxi_fp_sub(&h, &u2, &p->x);
    mcxi_fp_sqr(&hh, &h);
    mcxi_fp_add(&i, &hh, &hh);
    mcxi_fp_add(&i, &i, &i);
    mcxi_fp_mul(&j, &h, &i);
    mcxi_fp_sub(&rr, &s2, &p->y);
    mcxi_fp_add(&rr, &rr, &rr);
    mcxi_fp_mul(&v, &p->x, &i);
    /* Z3 = (Z1 + H)^2 - Z1Z1 - HH */
    mcxi_fp_add(&t0, &p->z, &h);
    mcxi_fp_sqr(&t0, &t0);
    mcxi_fp_sub(&t0, &t0, &z1z1);
    mcxi_fp_sub(&r->z, &t0, &hh);
    /* Y1 J, read before r->y is written (r may alias p) */
    mcxi_fp_mul(&u2, &p->y, &j);
    mcxi_fp_add(&u2, &u2, &u2); /* u2 := 2 Y1 J */
    /* X3 = r^2 - J - 2V */
    mcxi_fp_sqr(&t0, &rr);
    mcxi_fp_sub(&t0, &t0, &j);
    mcxi_fp_sub(&t0, &t0, &v);
    mcxi_fp_sub(&t0, &t0, &v);
    /* Y3 = r(V - X3) - 2 Y1 J */
    mcxi_fp_sub(&v, &v, &t0);
    r->x = t0;
    mcxi_fp_mul(&v, &rr, &v);
    mcxi_fp_sub(&r->y, &v, &u2);
}

void mcxi_ec_add(mcxi_ecj *r, const mcxi_ecj *p, const mcxi_ecj *q)
{
    mcxi_fp z1z1, z2z2, u1, u2, s1, s2, h, i, j, rr, v, t0;
    mcxi_fp_sqr(&z1z1, &p->z);
    mcxi_fp_sqr(&z2z2, &q->z);
    mcxi_fp_mul(&u1, &p->x, &z2z2);
    mcxi_fp_mul(&u2, &q->x, &z1z1);
    mcxi_fp_mul(&s1, &q->z, &z2z2);
    mcxi_fp_mul(&s1, &p->y, &s1);
    mcxi_fp_mul(&s2, &p->z, &z1z1);
    mcxi_fp_mul(&s2, &q->y, &s2);
    mcxi_fp_sub(&h, &u2, &u1);
    mcxi_fp_add(&i, &h, &h);
    mcxi_fp_sqr(&i, &i);
    mcxi_fp_mul(&j, &h, &i);
    mcxi_fp_sub(&rr, &s2, &s1);
    mcxi_fp_add(&rr, &rr, &rr);
    mcxi_fp_mul(&v, &u1, &i);
    /* Z3 = ((Z1+Z2)^2 - Z1Z1 - Z2Z2) H */
    mcxi_fp_add(&t0, &p->z, &q->z);
    mcxi_fp_sqr(&t0, &t0);
    mcxi_fp_sub(&t0, &t0, &z1z1);
    mcxi_fp_sub(&t0, &t0, &z2z2);
    mcxi_fp_mul(&r->z, &t0, &h);
    /* X3 = r^2 - J - 2V */
    mcxi_fp_sqr(&t0, &rr);
    mcxi_fp_sub(&t0, &t0, &j);
    mcxi_fp_sub(&t0, &t0, &v);
    mcxi_fp_sub(&t0, &t0, &v);
    /* Y3 = r(V - X3) - 2 S1 J */
    mcxi_fp_sub(&v, &v, &t0);
    r->x = t0;
    mcxi_fp_mul(&v, &rr, &v);
    mcxi_fp_mul(&s1, &s1, &j);
    mcxi_fp_add(&s1, &s1, &s1);
    mcxi_fp_sub(&r->y, &v, &s1);
}

void mcxi_ec_from_affine(mcxi_ecj *r, const mcxi_eca *a)
{
    r->x = a->x;
    r->y = a->y;
    mcxi_fp_set_one(&r->z);
}

uint64_t mcxi_ec_to_affine(mcxi_eca *r, const mcxi_ecj *p)
{
    mcxi_fp zi, zi2;
    uint64_t inf = mcxi_fp_is_zero(&p->z);
    mcxi_fp_inv(&zi, &p->z); /* 0 -> 0, so O maps to (0, 0) */
    mcxi_fp_sqr(&zi2, &zi);
    mcxi_fp_mul(&r->x, &p->x, &zi2);
    mcxi_fp_mul(&zi2, &zi2, &zi);
    mcxi_fp_mul(&r->y, &p->y, &zi2);
    return inf;
}

uint64_t mcxi_ec_on_curve(const mcxi_eca *a)
{
    /* y^2 == x^3 - 3x */
    mcxi_fp l, r, t;
    mcxi_fp_sqr(&l, &a->y);
    mcxi_fp_sqr(&r, &a->x);
    mcxi_fp_mul(&r, &r, &a->x);
    mcxi_fp_add(&t, &a->x, &a->x);
    mcxi_fp_add(&t, &t, &a->x);
    mcxi_fp_sub(&r, &r, &t);
    return mcxi_fp_eq(&l, &r);
}

void mcxi_fp_batch_inv(mcxi_fp *out, const mcxi_fp *in, size_t n, mcxi_fp *scratch)
{
    if (n == 0)
        return;
    mcxi_fp acc, t;
    scratch[0] = in[0];
    for (size_t i = 1; i < n; i++)
        mcxi_fp_mul(&scratch[i], &scratch[i - 1], &in[i]);
    mcxi_fp_inv(&acc, &scratch[n - 1]);
    for (size_t i = n - 1; i > 0; i--) {
        /* acc = (in[0]..in[i])^-1 */
        mcxi_fp_mul(&t, &acc, &scratch[i - 1]); /* in[i]^-1 */
        mcxi_fp_mul(&acc, &acc, &in[i]);
        out[i] = t;
    }
    out[0] = acc;
    mcx_wipe(&acc, sizeof acc);
    mcx_wipe(&t, sizeof t);
}

/* ---- fixed-base combs ------------------------------------------------------------------------ */

mcx_err mcxi_comb_build(struct mcxi_comb *c, const mcxi_eca *base)
{
    enum { TOTAL = MCXI_COMB_V * MCXI_COMB_N };
    mcx_err rc = MCX_ERR_NOMEM;
    mcxi_ecj *jt = malloc(sizeof(mcxi_ecj) * TOTAL);
    mcxi_fp *zs = malloc(sizeof(mcxi_fp) * TOTAL);
    mcxi_fp *scratch = malloc(sizeof(mcxi_fp) * TOTAL);
    mcxi_ecj t;
    if (jt == NULL || zs == NULL || scratch == NULL)
        goto out;
    /* jt[b*N + 2^i - 1] = [2^((bW+i)D)]B, by repeated doubling of the public base */
    mcxi_ec_from_affine(&t, base);
    for (unsigned b = 0; b < MCXI_COMB_V; b++) {
        for (unsigned i = 0; i < MCXI_COMB_W; i++) {
            if (b != 0 || i != 0)
                for (unsigned k = 0; k < MCXI_COMB_D; k++)
                    mcxi_ec_dbl(&t, &t);
            jt[b * MCXI_COMB_N + (1u << i) - 1] = t;
        }
    }
    for (unsigned b = 0; b < MCXI_COMB_V; b++) {
        mcxi_ecj *bt = jt + b * MCXI_COMB_N;
        for (unsigned j = 1; j <= MCXI_COMB_N; j++) {
            unsigned top = 1;
            while ((top << 1) <= j)
                top <<= 1;
            if (top == j)
                continue;
            /* distinct nonzero combinations of the B_i are distinct points, never opposite (see
             * the uniqueness argument at the top of this file), so the plain addition is exact */
            mcxi_ec_add(&bt[j - 1], &bt[j - top - 1], &bt[top - 1]);
        }
    }
    for (unsigned j = 0; j < TOTAL; j++)
        zs[j] = jt[j].z;
    mcxi_fp_batch_inv(zs, zs, TOTAL, scratch);
    for (unsigned j = 0; j < TOTAL; j++) {
        mcxi_fp z2, z3;
        mcxi_eca *e = &c->t[j / MCXI_COMB_N][j % MCXI_COMB_N];
        mcxi_fp_sqr(&z2, &zs[j]);
        mcxi_fp_mul(&z3, &z2, &zs[j]);
        mcxi_fp_mul(&e->x, &jt[j].x, &z2);
        mcxi_fp_mul(&e->y, &jt[j].y, &z3);
    }
    rc = MCX_OK;
out:
    free(jt);
    free(zs);
    free(scratch);
    return rc;
}

void mcxi_comb2_build(struct mcxi_comb2 *c, const mcxi_fp2 *u)
{
    mcxi_fp2 t = *u;
    for (unsigned b = 0; b < MCXI_COMB_V; b++) {
        mcxi_fp2_set_one(&c->t[b][0]);
        for (unsigned i = 0; i < MCXI_COMB_W; i++) {
            if (b != 0 || i != 0)
                for (unsigned k = 0; k < MCXI_COMB_D; k++)
                    mcxi_fp2_sqr(&t, &t);
            c->t[b][1u << i] = t;
        }
        for (unsigned j = 1; j <= MCXI_COMB_N; j++) {
            unsigned top = 1;
            while ((top << 1) <= j)
                top <<= 1;
            if (top != j)
                mcxi_fp2_mul(&c->t[b][j], &c->t[b][j - top], &c->t[b][top]);
        }
    }
}

/* Column index of block b: bit ((bW + i)D + col) of k for each tooth i. Positions are public. */
static inline unsigned comb_index(const uint64_t k[16], unsigned b, unsigned col)
{
    unsigned idx = 0;
    for (unsigned i = 0; i < MCXI_COMB_W; i++) {
        unsigned pos = (b * MCXI_COMB_W + i) * MCXI_COMB_D + col;
        if (pos < 1024) /* public position; scalars are < q < 2^1022 */
            idx |= (unsigned)((k[pos >> 6] >> (pos & 63)) & 1) << i;
    }
    return idx;
}

/*
 * Constant-time table scan: copy entry number idx (entries numbered from `first`) of n entries of
 * 256 octets (an affine point or an F_p^2 element) to out; out = 0 if no entry has that number.
 * Every entry is read; the selection is by masks only. GCC/Clang vector types keep the accumulator
 * in SIMD registers; an AVX2 variant is chosen at run time from the CPU features (never from data).
 */
#define SCAN_BYTES 256
typedef uint64_t mcxi_v2 __attribute__((vector_size(16)));
typedef uint64_t mcxi_v4 __attribute__((vector_size(32)));

static void ct_scan_sse2(void *restrict out, const void *restrict table, unsigned n,
                         unsigned first, unsigned idx)
{
    enum { NV = SCAN_BYTES / 16 };
    mcxi_v2 acc[NV];
    const unsigned char *p = table;
    for (size_t l = 0; l < NV; l++)
        acc[l] = (mcxi_v2){0, 0};
    for (unsigned j = 0; j < n; j++) {
        uint64_t m = 0 - mcxi_ct_eq64(j + first, idx);
        mcxi_v2 mv = {m, m};
        const unsigned char *e = p + (size_t)j * SCAN_BYTES;
#pragma GCC unroll 16
        for (size_t l = 0; l < NV; l++) {
            mcxi_v2 x;
            memcpy(&x, e + 16 * l, 16);
            acc[l] |= x & mv;
        }
    }
    memcpy(out, acc, SCAN_BYTES);
    mcx_wipe(acc, sizeof acc);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
__attribute__((target("avx2"))) static void ct_scan_avx2(void *restrict out,
                                                         const void *restrict table, unsigned n,
                                                         unsigned first, unsigned idx)
{
    enum { NV = SCAN_BYTES / 32 };
    mcxi_v4 acc[NV];
    const unsigned char *p = table;
    for (size_t l = 0; l < NV; l++)
        acc[l] = (mcxi_v4){0, 0, 0, 0};
    for (unsigned j = 0; j < n; j++) {
        uint64_t m = 0 - mcxi_ct_eq64(j + first, idx);
        mcxi_v4 mv = {m, m, m, m};
        const unsigned char *e = p + (size_t)j * SCAN_BYTES;
#pragma GCC unroll 8
        for (size_t l = 0; l < NV; l++) {
            mcxi_v4 x;
            memcpy(&x, e + 32 * l, 32);
            acc[l] |= x & mv;
        }
    }
    memcpy(out, acc, SCAN_BYTES);
    mcx_wipe(acc, sizeof acc);
}
#endif

static void ct_scan(void *restrict out, const void *restrict table, unsigned n, unsigned first,
                    unsigned idx)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (__builtin_cpu_supports("avx2")) {
        ct_scan_avx2(out, table, n, first, idx);
        return;
    }
#endif
    ct_scan_sse2(out, table, n, first, idx);
}

_Static_assert(sizeof(mcxi_eca) == SCAN_BYTES && sizeof(mcxi_fp2) == SCAN_BYTES,
               "table entries are 256 octets");

static void comb_lookup(mcxi_eca *r, const struct mcxi_comb *c, unsigned b, unsigned idx)
{
    ct_scan(r, c->t[b], MCXI_COMB_N, 1, idx);
}

static void comb2_lookup(mcxi_fp2 *r, const struct mcxi_comb2 *c, unsigned b, unsigned idx)
{
    ct_scan(r, c->t[b], MCXI_COMB_N + 1, 0, idx);
}

/* acc += entry for one comb column, with the O / zero-index cases selected by masks. */
static void comb_step(mcxi_ecj *acc, uint64_t *inf, const struct mcxi_comb *c, unsigned b,
                      unsigned idx)
{
    mcxi_eca e;
    mcxi_ecj s, ej;
    comb_lookup(&e, c, b, idx);
    mcxi_ec_madd(&s, acc, &e);
    mcxi_ec_from_affine(&ej, &e);
    uint64_t nz = mcxi_ct_nz64(idx);
    /* acc at infinity: the sum is the entry itself */
    mcxi_fp_cmov(&s.x, &ej.x, *inf);
    mcxi_fp_cmov(&s.y, &ej.y, *inf);
    mcxi_fp_cmov(&s.z, &ej.z, *inf);
    /* index 0: nothing to add */
    mcxi_fp_cmov(&acc->x, &s.x, nz);
    mcxi_fp_cmov(&acc->y, &s.y, nz);
    mcxi_fp_cmov(&acc->z, &s.z, nz);
    *inf &= nz ^ 1;
    mcx_wipe(&e, sizeof e);
    mcx_wipe(&s, sizeof s);
    mcx_wipe(&ej, sizeof ej);
}

uint64_t mcxi_comb_mul(mcxi_ecj *r, const struct mcxi_comb *c1, const uint64_t k1[16],
                       const struct mcxi_comb *c2, const uint64_t k2[16])
{
    mcxi_ecj acc;
    uint64_t inf = 1;
    mcxi_fp_set_one(&acc.x);
    mcxi_fp_set_one(&acc.y);
    mcxi_fp_set_zero(&acc.z);
    for (int col = MCXI_COMB_D - 1; col >= 0; col--) {
        mcxi_ec_dbl(&acc, &acc);
        for (unsigned b = 0; b < MCXI_COMB_V; b++) {
            comb_step(&acc, &inf, c1, b, comb_index(k1, b, (unsigned)col));
            if (c2 != NULL)
                comb_step(&acc, &inf, c2, b, comb_index(k2, b, (unsigned)col));
        }
    }
    /* keep Z = 0 for O so that callers' affine conversion reports it */
    mcxi_fp z0;
    mcxi_fp_set_zero(&z0);
    mcxi_fp_cmov(&acc.z, &z0, inf);
    *r = acc;
    mcx_wipe(&acc, sizeof acc);
    return inf;
}

void mcxi_comb2_pow(mcxi_fp2 *r, const struct mcxi_comb2 *c, const uint64_t k[16])
{
    mcxi_fp2 acc, e;
    mcxi_fp2_set_one(&acc);
    for (int col = MCXI_COMB_D - 1; col >= 0; col--) {
        mcxi_fp2_sqr(&acc, &acc);
        for (unsigned b = 0; b < MCXI_COMB_V; b++) {
            comb2_lookup(&e, c, b, comb_index(k, b, (unsigned)col));
            mcxi_fp2_mul(&acc, &acc, &e);
        }
    }
    *r = acc;
    mcx_wipe(&acc, sizeof acc);
    mcx_wipe(&e, sizeof e);
}

/* ---- variable time (public inputs only) ------------------------------------------------------ */

static void ec_add_vartime(mcxi_ecj *r, const mcxi_ecj *p, const mcxi_ecj *q)
{
    if (mcxi_fp_is_zero(&p->z)) {
        *r = *q;
        return;
    }
    if (mcxi_fp_is_zero(&q->z)) {
        *r = *p;
        return;
    }
    /* same x? */
    mcxi_fp z1z1, z2z2, u1, u2, s1, s2;
    mcxi_fp_sqr(&z1z1, &p->z);
    mcxi_fp_sqr(&z2z2, &q->z);
    mcxi_fp_mul(&u1, &p->x, &z2z2);
    mcxi_fp_mul(&u2, &q->x, &z1z1);
    if (mcxi_fp_eq(&u1, &u2)) {
        mcxi_fp_mul(&s1, &q->z, &z2z2);
        mcxi_fp_mul(&s1, &p->y, &s1);
        mcxi_fp_mul(&s2, &p->z, &z1z1);
        mcxi_fp_mul(&s2, &q->y, &s2);
        if (mcxi_fp_eq(&s1, &s2)) {
            mcxi_ec_dbl(r, p);
        } else {
            mcxi_fp_set_one(&r->x);
            mcxi_fp_set_one(&r->y);
            mcxi_fp_set_zero(&r->z);
        }
        return;
    }
    mcxi_ec_add(r, p, q);
}

void mcxi_ec_mul_vartime(mcxi_ecj *r, const mcxi_eca *a, const uint64_t k[16])
{
    mcxi_ecj acc, base;
    mcxi_fp_set_one(&acc.x);
    mcxi_fp_set_one(&acc.y);
    mcxi_fp_set_zero(&acc.z);
    mcxi_ec_from_affine(&base, a);
    for (int i = 1023; i >= 0; i--) {
        if (!mcxi_fp_is_zero(&acc.z))
            mcxi_ec_dbl(&acc, &acc);
        if ((k[i >> 6] >> (i & 63)) & 1)
            ec_add_vartime(&acc, &acc, &base);
    }
    *r = acc;
}

/* ---- encoding (RFC 6508 §2.1: 0x04 || x || y, each coordinate L = 128 octets) ---------------- */

mcx_err mcxi_ec_decode(mcxi_eca *r, const uint8_t in[257])
{
    /* the format octet carries no key material (it is 0x04 in every valid encoding) */
    uint8_t tag = in[0];
    mcxi_ct_unpoison(&tag, sizeof tag);
    if (tag != 0x04)
        return MCX_ERR_POINT_FORMAT;
    uint64_t okx = mcxi_fp_from_bytes(&r->x, in + 1);
    uint64_t oky = mcxi_fp_from_bytes(&r->y, in + 129);
    uint64_t ok_range = okx & oky;
    uint64_t is_o = mcxi_fp_is_zero(&r->x) & mcxi_fp_is_zero(&r->y);
    uint64_t on = mcxi_ec_on_curve(r);
    /* The verdicts are public (a key or message is accepted or refused): declassify them. */
    mcxi_ct_unpoison(&ok_range, sizeof ok_range);
    mcxi_ct_unpoison(&is_o, sizeof is_o);
    mcxi_ct_unpoison(&on, sizeof on);
    if (!ok_range)
        return MCX_ERR_POINT_RANGE;
    if (is_o)
        return MCX_ERR_INFINITY;
    if (!on)
        return MCX_ERR_NOT_ON_CURVE;
    return MCX_OK;
}

void mcxi_ec_encode(uint8_t out[257], const mcxi_eca *a)
{
    out[0] = 0x04;
    mcxi_fp_to_bytes(out + 1, &a->x);
    mcxi_fp_to_bytes(out + 129, &a->y);
}

/* ---- one-time tables for P and g ------------------------------------------------------------- */

static struct mcxi_comb *P_comb;
static struct mcxi_comb2 *g_comb;
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void build_tables(void)
{
    struct mcxi_comb *pc = malloc(sizeof *pc);
    struct mcxi_comb2 *gc = malloc(sizeof *gc);
    if (pc == NULL || gc == NULL || mcxi_comb_build(pc, &sakke_P) != MCX_OK) {
        free(pc);
        free(gc);
        return;
    }
    /* u = 1 + i*g represents g in PF_p (RFC 6508 §2.1) */
    mcxi_fp2 u;
    mcxi_fp_set_one(&u.a);
    u.b = sakke_g;
    mcxi_comb2_build(gc, &u);
    P_comb = pc;
    g_comb = gc;
}

const struct mcxi_comb *mcxi_sakke_P_comb(void)
{
    if (pthread_once(&tables_once, build_tables) != 0)
        return NULL;
    return P_comb;
}

const struct mcxi_comb2 *mcxi_sakke_g_comb(void)
{
    if (pthread_once(&tables_once, build_tables) != 0)
        return NULL;
    return g_comb;
}
