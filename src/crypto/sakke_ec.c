/*
 * sakke_ec — curve arithmetic for SAKKE parameter set 1 (RFC 6508 §2.1, RFC 6509 App. A):
 * E: y^2 = x^3 - 3x over F_p, base point P of prime order q, cofactor 4.
 *
 * Formulas (Jacobian, a = -3): doubling dbl-2001-b, mixed addition madd-2007-bl, addition
 * add-2007-bl (Explicit-Formulas Database).
 *
 * Secret scalars are only ever multiplied with fixed bases (P, the KMS key Z, a receiver's own
 * [b]P + Z) through a signed comb: the scalar is recoded into 1024 digits +-1, and per column there
 * is one doubling and, per base and block, one masked scan of a 128-entry table plus one mixed
 * addition (exceptional cases: see mcxi_comb_mul). Powers of g use the same comb in F_p^2 with
 * entries scaled to real part 1 (two F_p multiplications per entry).
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
        0xbf9c7ec6e0162bc2ULL,
        0xddecc6e310a89289ULL,
        0x5d599df09e499d81ULL,
        0x9a96ea286d358218ULL,
        0x01aec7d370c5f8dbULL,
        0xe72e49958cf5d066ULL,
        0xc2e7297d3e91d7f8ULL,
        0x8621db92da9f2f5aULL,
        0x4b26c8675a5679edULL,
        0x233385df2c56aac1ULL,
        0xb88e74d4c6a13f99ULL,
        0x1214b173ffa8ec11ULL,
        0xa0386a271f3f9fefULL,
        0xbd9b1b4ec0e7b44eULL,
        0xafe528dceecd3496ULL,
        0x8dfff96a1c49f80bULL,
    }},
    .y = {{
        0xb4a4753ac03c0c83ULL,
        0x68e69d18abcdcd75ULL,
        0xe3839b88f775b649ULL,
        0x803f949abf58f352ULL,
        0x5f702679bd0bc15cULL,
        0x85bf5d168ff298c2ULL,
        0x3f6ebd98c6c7976eULL,
        0x20618af445e3e1b4ULL,
        0x67d5598e54e64093ULL,
        0xb047283b504fed9eULL,
        0x450cabfd70d87517ULL,
        0x47d628bf3f5addbeULL,
        0x0037ef3078cb4ccaULL,
        0x4e148d3c6b1c4908ULL,
        0xe256d3294fcfd837ULL,
        0x2aa1207bde3c01f3ULL,
    }},
};
static const mcxi_fp sakke_g = {{
    0x170a46d2335c1685ULL,
    0xeac9e971e1007a58ULL,
    0x40e8f3df43ca4a73ULL,
    0x2646f81582642475ULL,
    0x3af49bb4b36576d1ULL,
    0xd89e2d1472bf1afbULL,
    0x27be882c2fd151e6ULL,
    0xaddedc858f88717cULL,
    0xd6d859bf16ac6c6fULL,
    0x0e741a1b2d8eae58ULL,
    0x6faf7a0061c1f30dULL,
    0x66dbd09a9b67e096ULL,
    0x21f11c067d3b4f7dULL,
    0x6152ba02c727c98eULL,
    0xafd58891e86cb221ULL,
    0x59e93c6a6bd3baf4ULL,
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

/* ---- fixed-base signed combs ----------------------------------------------------------------- */

/*
 * Recoding (the signed-digit comb of Hedabou-Pinel-Beneteau, in the form with all digits odd):
 * for odd k < 2^1023, d = (k - 1)/2 + 2^1023 has 1024 bits d_j and k = sum_j (2 d_j - 1) 2^j,
 * every digit +-1. An even k is replaced by q - k (odd) and the sign of every table entry flipped,
 * since [q - k]B = -[k]B for B of order q. Returns the flip bit (1 when k was even), constant time.
 */
static uint64_t comb_recode(uint64_t d[16], const uint64_t k[16])
{
    static const uint64_t zero[16];
    uint64_t qk[16];
    uint64_t flip = (k[0] & 1) ^ 1;
    mcxi_mod_sub(qk, zero, k, &mcxi_mod_q); /* q - k for 1 <= k < q */
    uint64_t mask = 0 - flip;
    for (int j = 0; j < 16; j++)
        d[j] = (k[j] & ~mask) | (qk[j] & mask);
    for (int j = 0; j < 15; j++) /* (k - 1) / 2 = k >> 1 for odd k */
        d[j] = (d[j] >> 1) | (d[j + 1] << 63);
    d[15] = (d[15] >> 1) | (1ULL << 63);
    mcx_wipe(qk, sizeof qk);
    return flip;
}

/* Table index and sign for block b, column col: the teeth are digits (bW + i)D + col. The entry
 * is t[j] when the top tooth's digit is +1 and -t[~j] otherwise, where bit i of j says whether
 * digit i equals the top digit. Bit positions are public; the digit values are not. */
static inline unsigned comb_digits(const uint64_t d[16], unsigned b, unsigned col, uint64_t *neg)
{
    unsigned bits = 0;
    for (unsigned i = 0; i < MCXI_COMB_W; i++) {
        unsigned pos = (b * MCXI_COMB_W + i) * MCXI_COMB_D + col;
        bits |= (unsigned)((d[pos >> 6] >> (pos & 63)) & 1) << i;
    }
    unsigned top = bits >> (MCXI_COMB_W - 1);
    unsigned low_mask = MCXI_COMB_N - 1;
    *neg = (uint64_t)(top ^ 1);
    return (bits ^ ((top - 1) & low_mask)) & low_mask; /* top = 0: complement the low bits */
}

/*
 * Tables. T_b[0] = B_top - sum_(i<top) B_i; T_b[j] = T_b[j - 2^m] + [2]B_m for the highest set bit
 * m of j. Every sum formed is a signed-digit integer with at most W + 1 nonzero digits (times B),
 * so it is neither O nor +-the other operand: that would make a nonzero integer with <= 2W + 2
 * signed digits a multiple of q, whose non-adjacent forms have at least 320 nonzero digits (c
 * = 1..7). Hence the plain (incomplete) addition formulas are exact here.
 */
mcx_err mcxi_comb_build(struct mcxi_comb *c, const mcxi_eca *base)
{
    enum { TOTAL = MCXI_COMB_V * MCXI_COMB_N };
    mcx_err rc = MCX_ERR_NOMEM;
    mcxi_ecj *jt = malloc(sizeof(mcxi_ecj) * TOTAL);
    mcxi_fp *zs = malloc(sizeof(mcxi_fp) * TOTAL);
    mcxi_fp *scratch = malloc(sizeof(mcxi_fp) * TOTAL);
    mcxi_ecj t, teeth[MCXI_COMB_W], twice[MCXI_COMB_W - 1];
    if (jt == NULL || zs == NULL || scratch == NULL)
        goto out;
    mcxi_ec_from_affine(&t, base);
    for (unsigned b = 0; b < MCXI_COMB_V; b++) {
        mcxi_ecj *bt = jt + b * MCXI_COMB_N;
        for (unsigned i = 0; i < MCXI_COMB_W; i++) { /* teeth[i] = [2^((bW+i)D)]B */
            if (b != 0 || i != 0)
                for (unsigned k = 0; k < MCXI_COMB_D; k++)
                    mcxi_ec_dbl(&t, &t);
            teeth[i] = t;
        }
        bt[0] = teeth[MCXI_COMB_W - 1];
        for (unsigned i = 0; i + 1 < MCXI_COMB_W; i++) {
            mcxi_ecj neg = teeth[i];
            mcxi_fp_neg(&neg.y, &neg.y);
            mcxi_ec_add(&bt[0], &bt[0], &neg);
            mcxi_ec_dbl(&twice[i], &teeth[i]);
        }
        for (unsigned m = 0; m + 1 < MCXI_COMB_W; m++)
            for (unsigned j = 1u << m; j < (2u << m); j++)
                mcxi_ec_add(&bt[j], &bt[j - (1u << m)], &twice[m]);
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

mcx_err mcxi_comb2_build(struct mcxi_comb2 *c, const mcxi_fp2 *u)
{
    enum { TOTAL = MCXI_COMB_V * MCXI_COMB_N };
    mcx_err rc = MCX_ERR_NOMEM;
    mcxi_fp2 *e = malloc(sizeof(mcxi_fp2) * TOTAL);
    mcxi_fp *re = malloc(sizeof(mcxi_fp) * TOTAL);
    mcxi_fp *scratch = malloc(sizeof(mcxi_fp) * TOTAL);
    mcxi_fp2 t = *u, teeth[MCXI_COMB_W], sq[MCXI_COMB_W - 1];
    uint64_t any_zero = 0;
    if (e == NULL || re == NULL || scratch == NULL)
        goto out;
    /* the same construction as mcxi_comb_build, multiplicatively; u^-1 is conj(u) / N(u), and
     * the F_p factor N(u) is dropped */
    for (unsigned b = 0; b < MCXI_COMB_V; b++) {
        mcxi_fp2 *bt = e + b * MCXI_COMB_N;
        for (unsigned i = 0; i < MCXI_COMB_W; i++) {
            if (b != 0 || i != 0)
                for (unsigned k = 0; k < MCXI_COMB_D; k++)
                    mcxi_fp2_sqr(&t, &t);
            teeth[i] = t;
        }
        bt[0] = teeth[MCXI_COMB_W - 1];
        for (unsigned i = 0; i + 1 < MCXI_COMB_W; i++) {
            mcxi_fp2 inv;
            mcxi_fp2_conj(&inv, &teeth[i]);
            mcxi_fp2_mul(&bt[0], &bt[0], &inv);
            mcxi_fp2_sqr(&sq[i], &teeth[i]);
        }
        for (unsigned m = 0; m + 1 < MCXI_COMB_W; m++)
            for (unsigned j = 1u << m; j < (2u << m); j++)
                mcxi_fp2_mul(&bt[j], &bt[j - (1u << m)], &sq[m]);
    }
    /* scale every entry to real part 1: a + bi ~ 1 + (b/a) i */
    for (unsigned j = 0; j < TOTAL; j++) {
        re[j] = e[j].a;
        any_zero |= mcxi_fp_is_zero(&re[j]);
    }
    if (any_zero) {
        rc = MCX_ERR_INTERNAL;
        goto out;
    }
    mcxi_fp_batch_inv(re, re, TOTAL, scratch);
    for (unsigned j = 0; j < TOTAL; j++)
        mcxi_fp_mul(&c->t[j / MCXI_COMB_N][j % MCXI_COMB_N], &e[j].b, &re[j]);
    rc = MCX_OK;
out:
    free(e);
    free(re);
    free(scratch);
    return rc;
}

/*
 * Constant-time table scan: copy entry idx of n entries of SIZE octets (an affine point: 256; an
 * F_p element: 128) to out. Every entry is read; the selection is by masks only. GCC/Clang vector
 * types keep the accumulator in SIMD registers; the AVX2 variant is chosen at run time from the
 * CPU features (never from data).
 */
typedef uint64_t mcxi_v2 __attribute__((vector_size(16)));
typedef uint64_t mcxi_v4 __attribute__((vector_size(32)));

#define DEFINE_CT_SCAN(name, attr, vtype, VB, SIZE)                                                \
    attr static void name(void *restrict out, const void *restrict table, unsigned n,              \
                          unsigned idx)                                                            \
    {                                                                                              \
        enum { NV = (SIZE) / (VB) };                                                               \
        vtype acc[NV];                                                                             \
        const unsigned char *p = table;                                                            \
        for (size_t l = 0; l < NV; l++)                                                            \
            acc[l] = (vtype){0};                                                                   \
        for (unsigned j = 0; j < n; j++) {                                                         \
            uint64_t m = 0 - mcxi_ct_eq64(j, idx);                                                 \
            vtype mv = (vtype){0} + m;                                                             \
            const unsigned char *e = p + (size_t)j * (SIZE);                                       \
            _Pragma("GCC unroll 16") for (size_t l = 0; l < NV; l++)                               \
            {                                                                                      \
                vtype x;                                                                           \
                memcpy(&x, e + (VB)*l, (VB));                                                      \
                acc[l] |= x & mv;                                                                  \
            }                                                                                      \
        }                                                                                          \
        memcpy(out, acc, (SIZE));                                                                  \
        mcx_wipe(acc, sizeof acc);                                                                 \
    }

DEFINE_CT_SCAN(ct_scan256_sse2, , mcxi_v2, 16, 256)
DEFINE_CT_SCAN(ct_scan128_sse2, , mcxi_v2, 16, 128)
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
DEFINE_CT_SCAN(ct_scan256_avx2, __attribute__((target("avx2"))), mcxi_v4, 32, 256)
DEFINE_CT_SCAN(ct_scan128_avx2, __attribute__((target("avx2"))), mcxi_v4, 32, 128)
#define HAVE_AVX2_SCAN 1
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
/* AVX-512: one ternary-logic instruction per 64 octets, acc |= x & mask */
#define DEFINE_CT_SCAN512(name, SIZE)                                                              \
    __attribute__((target("avx512f"))) static void name(                                           \
        void *restrict out, const void *restrict table, unsigned n, unsigned idx)                  \
    {                                                                                              \
        enum { NV = (SIZE) / 64 };                                                                 \
        __m512i acc[NV];                                                                           \
        const unsigned char *p = table;                                                            \
        for (size_t l = 0; l < NV; l++)                                                            \
            acc[l] = _mm512_setzero_si512();                                                       \
        for (unsigned j = 0; j < n; j++) {                                                         \
            __m512i mv = _mm512_set1_epi64((long long)(0 - mcxi_ct_eq64(j, idx)));                 \
            const unsigned char *e = p + (size_t)j * (SIZE);                                       \
            _Pragma("GCC unroll 4") for (size_t l = 0; l < NV; l++)                                \
            {                                                                                      \
                __m512i x = _mm512_loadu_si512((const void *)(e + 64 * l));                        \
                acc[l] = _mm512_ternarylogic_epi64(acc[l], x, mv, 0xf8);                           \
            }                                                                                      \
        }                                                                                          \
        memcpy(out, acc, (SIZE));                                                                  \
        mcx_wipe(acc, sizeof acc);                                                                 \
    }
DEFINE_CT_SCAN512(ct_scan256_avx512, 256)
DEFINE_CT_SCAN512(ct_scan128_avx512, 128)
#endif

_Static_assert(sizeof(mcxi_eca) == 256 && sizeof(mcxi_fp) == 128, "table entry sizes");

/* The scan in use: the widest vector unit the CPU has, chosen from CPU features only; tests
 * switch it with mcxi_ec_set_scan. */
static int scan_best(void)
{
#ifdef HAVE_AVX2_SCAN
    __builtin_cpu_init(); /* called from a constructor */
    if (__builtin_cpu_supports("avx512f"))
        return MCXI_SCAN_AVX512;
    if (__builtin_cpu_supports("avx2"))
        return MCXI_SCAN_AVX2;
#endif
    return MCXI_SCAN_SSE2;
}

static int scan_level = MCXI_SCAN_SSE2;

__attribute__((constructor)) static void select_scan(void)
{
    scan_level = scan_best();
}

int mcxi_ec_set_scan(int level)
{
    int old = scan_level;
    if (level < 0)
        level = scan_best();
    else if (level > scan_best())
        return -1;
    scan_level = level;
    return old;
}

/* The scans by level: [0] for 256-octet entries (points), [1] for 128-octet ones (F_p). */
typedef void scan_fn(void *out, const void *table, unsigned n, unsigned idx);
static scan_fn *const scans[][2] = {
    [MCXI_SCAN_SSE2] = {ct_scan256_sse2, ct_scan128_sse2},
#ifdef HAVE_AVX2_SCAN
    [MCXI_SCAN_AVX2] = {ct_scan256_avx2, ct_scan128_avx2},
    [MCXI_SCAN_AVX512] = {ct_scan256_avx512, ct_scan128_avx512},
#endif
};

static void comb_lookup(mcxi_eca *r, const struct mcxi_comb *c, unsigned b, unsigned idx,
                        uint64_t neg)
{
    scans[scan_level][0](r, c->t[b], MCXI_COMB_N, idx);
    mcxi_fp ny;
    mcxi_fp_neg(&ny, &r->y);
    mcxi_fp_cmov(&r->y, &ny, neg);
    mcx_wipe(&ny, sizeof ny);
}

static void comb2_lookup(mcxi_fp *r, const struct mcxi_comb2 *c, unsigned b, unsigned idx,
                         uint64_t neg)
{
    scans[scan_level][1](r, c->t[b], MCXI_COMB_N, idx);
    mcxi_fp n;
    mcxi_fp_neg(&n, r);
    mcxi_fp_cmov(r, &n, neg); /* conj(1 + ti) = 1 - ti */
    mcx_wipe(&n, sizeof n);
}

/*
 * Exceptional additions. Before an addition the accumulator is [a]B (one base) and the entry [t]B,
 * where a and t are signed-digit integers with digits +-1 on disjoint sets of positions, so a - t
 * and a + t are nonzero integers of the same kind with |a +- t| < 2^1024 < 8q. An exceptional case
 * (acc = +-entry, or acc = O) needs one of them to be a nonzero multiple c*q, c < 8, written with
 * +-1 digits on exactly the positions used so far; every such form has at least as many nonzero
 * digits as the non-adjacent form of c*q (>= 320 for c < 8), so it needs >= 320 digits of the
 * scalar to take one fixed pattern: probability below 2^-320 per step for a scalar that is not
 * chosen against the table. If it happens anyway, the mixed addition returns Z = 0 (H = 0),
 * doubling and mixed addition keep Z = 0, and the caller sees the point at infinity: a refused
 * operation, never a wrong point.
 */
uint64_t mcxi_comb_mul(mcxi_ecj *r, const struct mcxi_comb *c1, const uint64_t k1[16],
                       const struct mcxi_comb *c2, const uint64_t k2[16])
{
    const struct mcxi_comb *cs[2] = {c1, c2};
    uint64_t d[2][16], flip[2];
    unsigned nb = c2 != NULL ? 2 : 1;
    mcxi_ecj acc;
    mcxi_eca e;
    flip[0] = comb_recode(d[0], k1);
    flip[1] = nb == 2 ? comb_recode(d[1], k2) : 0;
    for (int col = MCXI_COMB_D - 1; col >= 0; col--) {
        if (col != MCXI_COMB_D - 1)
            mcxi_ec_dbl(&acc, &acc);
        for (unsigned b = 0; b < MCXI_COMB_V; b++) {
            for (unsigned s = 0; s < nb; s++) {
                uint64_t neg;
                unsigned idx = comb_digits(d[s], b, (unsigned)col, &neg);
                comb_lookup(&e, cs[s], b, idx, neg ^ flip[s]);
                if (col == MCXI_COMB_D - 1 && b == 0 && s == 0)
                    mcxi_ec_from_affine(&acc, &e); /* the first entry (public position) */
                else
                    mcxi_ec_madd(&acc, &acc, &e);
            }
        }
    }
    uint64_t inf = mcxi_fp_is_zero(&acc.z);
    *r = acc;
    mcx_wipe(&acc, sizeof acc);
    mcx_wipe(&e, sizeof e);
    mcx_wipe(d, sizeof d);
    return inf;
}

void mcxi_comb2_pow(mcxi_fp2 *r, const struct mcxi_comb2 *c, const uint64_t k[16])
{
    uint64_t d[16];
    mcxi_fp2 acc;
    mcxi_fp e, t0, t1;
    /* u^(q - k) = u^-k in the order-q group: the flip conjugates every entry */
    uint64_t flip = comb_recode(d, k);
    for (int col = MCXI_COMB_D - 1; col >= 0; col--) {
        if (col != MCXI_COMB_D - 1)
            mcxi_fp2_sqr(&acc, &acc);
        for (unsigned b = 0; b < MCXI_COMB_V; b++) {
            uint64_t neg;
            unsigned idx = comb_digits(d, b, (unsigned)col, &neg);
            comb2_lookup(&e, c, b, idx, neg ^ flip);
            if (col == MCXI_COMB_D - 1 && b == 0) {
                mcxi_fp_set_one(&acc.a);
                acc.b = e;
            } else {
                /* (x + yi)(1 + ei) = (x - ye) + (y + xe)i */
                mcxi_fp_mul(&t0, &acc.b, &e);
                mcxi_fp_mul(&t1, &acc.a, &e);
                mcxi_fp_sub(&acc.a, &acc.a, &t0);
                mcxi_fp_add(&acc.b, &acc.b, &t1);
            }
        }
    }
    *r = acc;
    mcx_wipe(&acc, sizeof acc);
    mcx_wipe(&e, sizeof e);
    mcx_wipe(&t0, sizeof t0);
    mcx_wipe(&t1, sizeof t1);
    mcx_wipe(d, sizeof d);
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
    if (tag == 0x00) /* SEC1's marker of the point at infinity (as the ECCSI decoder treats it) */
        return MCX_ERR_INFINITY;
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
    /* u = 1 + i*g represents g in PF_p (RFC 6508 §2.1) */
    mcxi_fp2 u;
    mcxi_fp_set_one(&u.a);
    u.b = sakke_g;
    if (pc == NULL || gc == NULL || mcxi_comb_build(pc, &sakke_P) != MCX_OK ||
        mcxi_comb2_build(gc, &u) != MCX_OK) {
        free(pc);
        free(gc);
        return;
    }
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
