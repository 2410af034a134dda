/*
 * test_pairing — the Tate-Lichtenbaum pairing of RFC 6508 §3.2 in PF_p representation:
 * <P, P> = g (RFC 6509 App. A); bilinearity <[a]P, [b]P> = g^(ab) for random a, b, with g^(ab)
 * computed by an independent OpenSSL BN square-and-multiply in F_p^2 (the oracle: p and g from the
 * RFC text, a*b mod q by BN) and by the library's g comb; <[a]P, Q> = <P, [a]Q>; non-degeneracy;
 * the symmetry that decapsulation relies on (precomputed lines of K evaluated at R == plain
 * pairing walking R, evaluated at K), curve-arithmetic sanity (signed comb vs variable-time
 * multiplication, the F_p^2 comb vs square-and-multiply, under every scan and field backend),
 * and the subgroup check of Z.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/bn.h>

#include "crypto/pairing.h"
#include "mcxsec/sakke.h"
#include "mcxsec/util.h"

static void rand_scalar(uint64_t k[16])
{
    uint8_t buf[200];
    assert_int_equal(mcx_random(buf, sizeof buf), MCX_OK);
    mcxi_mod_reduce_be(k, buf, sizeof buf, &mcxi_mod_q);
}

/* r = a*b mod q for plain a, b < q */
static void mulmod_q(uint64_t r[16], const uint64_t a[16], const uint64_t b[16])
{
    mcxi_mod_mul(r, a, b, &mcxi_mod_q);
    mcxi_mod_mul(r, r, mcxi_mod_q.r2, &mcxi_mod_q);
}

static void mul_P(mcxi_eca *r, const uint64_t k[16])
{
    mcxi_ecj t;
    assert_int_equal(mcxi_comb_mul(&t, mcxi_sakke_P_comb(), k, NULL, NULL), 0);
    assert_int_equal(mcxi_ec_to_affine(r, &t), 0);
    assert_int_equal(mcxi_ec_on_curve(r), 1);
}

static void pfp(mcxi_fp *out, const mcxi_fp2 *v)
{
    mcxi_pfp_value(out, v);
}

static void test_PP_is_g(void **state)
{
    (void)state;
    mcxi_fp2 v;
    mcxi_fp w;
    mcxi_pairing_plain(&v, mcxi_sakke_P(), mcxi_sakke_P());
    pfp(&w, &v);
    assert_int_equal(mcxi_fp_eq(&w, mcxi_sakke_g()), 1);
    /* and from P's precomputed lines */
    struct mcxi_lines *L = malloc(sizeof *L);
    assert_non_null(L);
    assert_int_equal(mcxi_pairing_lines(L, mcxi_sakke_P()), MCX_OK);
    mcxi_pairing_eval(&v, L, mcxi_sakke_P());
    pfp(&w, &v);
    assert_int_equal(mcxi_fp_eq(&w, mcxi_sakke_g()), 1);
    free(L);
}

/* ---- the BN oracle: F_p^2 = F_p[i]/(i^2 + 1) on OpenSSL BIGNUMs ---------------------------------
 */

/* RFC 6509 Appendix A: p and g (the pairing value <P, P> in PF_p representation) */
static const char P_HEX[] =
    "997ABB1F0A563FDA65C61198DAD0657A416C0CE19CB48261BE9AE358B3E01A2EF40AAB27E2FC0F1B228730D5"
    "31A59CB0E791B39FF7C88A19356D27F4A666A6D0E26C6487326B4CD4512AC5CD65681CE1B6AFF4A831852A82"
    "A7CF3C521C3C09AA9F94D6AF56971F1FFCE3E82389857DB080C5DF10AC7ACE87666D807AFEA85FEB";
static const char G_HEX[] =
    "66FC2A432B6EA392148F15867D623068C6A87BD1FB94C41E27FABE658E015A87371E94744C96FEDA449AE956"
    "3F8BC446CBFDA85D5D00EF577072DA8F541721BEEE0FAED1828EAB90B99DFB0138C7843355DF0460B4A9FD74"
    "B4F1A32BCAFA1FFAD682C033A7942BCCE3720F20B9B7B0403C8CAE87B7A0042ACDE0FAB36461EA46";

struct oracle {
    BIGNUM *p, *q, *g;
    BN_CTX *ctx;
};

static void oracle_init(struct oracle *o)
{
    o->p = o->q = o->g = NULL;
    assert_true(BN_hex2bn(&o->p, P_HEX) > 0 && BN_hex2bn(&o->g, G_HEX) > 0);
    o->q = BN_new();
    o->ctx = BN_CTX_new();
    assert_non_null(o->q);
    assert_non_null(o->ctx);
    /* q = (p + 1) / 4 (RFC 6509 App. A) */
    assert_true(BN_add_word(o->q, 1) == 1 && BN_add(o->q, o->q, o->p) == 1 &&
                BN_rshift(o->q, o->q, 2) == 1);
}

static void oracle_free(struct oracle *o)
{
    BN_free(o->p);
    BN_free(o->q);
    BN_free(o->g);
    BN_CTX_free(o->ctx);
}

/* (x1 + y1 i)(x2 + y2 i) = (x1 x2 - y1 y2) + (x1 y2 + x2 y1) i, into (x1, y1) */
static void bn_fp2_mul(struct oracle *o, BIGNUM *x1, BIGNUM *y1, const BIGNUM *x2, const BIGNUM *y2)
{
    BN_CTX_start(o->ctx);
    BIGNUM *t = BN_CTX_get(o->ctx), *u = BN_CTX_get(o->ctx), *v = BN_CTX_get(o->ctx);
    assert_non_null(v);
    assert_true(
        BN_mod_mul(t, x1, x2, o->p, o->ctx) == 1 && BN_mod_mul(u, y1, y2, o->p, o->ctx) == 1 &&
        BN_mod_mul(v, x1, y2, o->p, o->ctx) == 1 && BN_mod_mul(y1, y1, x2, o->p, o->ctx) == 1 &&
        BN_mod_add(y1, y1, v, o->p, o->ctx) == 1 && BN_mod_sub(x1, t, u, o->p, o->ctx) == 1);
    BN_CTX_end(o->ctx);
}

/* out = the PF_p value of (1 + g i)^e: x2 / x1 mod p, by left-to-right square-and-multiply */
static void bn_g_pow(struct oracle *o, BIGNUM *out, const BIGNUM *e)
{
    BN_CTX_start(o->ctx);
    BIGNUM *x = BN_CTX_get(o->ctx), *y = BN_CTX_get(o->ctx), *gx = BN_CTX_get(o->ctx);
    BIGNUM *xs = BN_CTX_get(o->ctx), *ys = BN_CTX_get(o->ctx);
    assert_non_null(ys);
    assert_true(BN_one(x) == 1 && BN_copy(gx, BN_value_one()) != NULL);
    BN_zero(y);
    for (int i = BN_num_bits(e) - 1; i >= 0; i--) {
        assert_non_null(BN_copy(xs, x));
        assert_non_null(BN_copy(ys, y));
        bn_fp2_mul(o, x, y, xs, ys);
        if (BN_is_bit_set(e, i))
            bn_fp2_mul(o, x, y, gx, o->g);
    }
    assert_false(BN_is_zero(x));
    assert_non_null(BN_mod_inverse(xs, x, o->p, o->ctx));
    assert_true(BN_mod_mul(out, y, xs, o->p, o->ctx) == 1);
    BN_CTX_end(o->ctx);
}

/* 1 if the library's F_p element w equals the BN value b (< p) */
static int fp_eq_bn(const mcxi_fp *w, const BIGNUM *b)
{
    uint8_t wb[MCX_SAKKE_FIELD_BYTES], bb[MCX_SAKKE_FIELD_BYTES];
    mcxi_fp_to_bytes(wb, w);
    assert_int_equal(BN_bn2binpad(b, bb, sizeof bb), (int)sizeof bb);
    return memcmp(wb, bb, sizeof wb) == 0;
}

/* a random scalar in [1, q-1], as a BN and as the library's limbs */
static void rand_scalar_bn(struct oracle *o, BIGNUM *k, uint64_t limbs[16])
{
    uint8_t b[128];
    do
        assert_int_equal(BN_rand_range(k, o->q), 1);
    while (BN_is_zero(k));
    assert_int_equal(BN_bn2binpad(k, b, sizeof b), (int)sizeof b);
    mcxi_limbs_from_be(limbs, b);
}

#ifndef BILINEAR_ROUNDS
#define BILINEAR_ROUNDS 20
#endif

static void test_bilinear_bn_oracle(void **state)
{
    (void)state;
    struct oracle o;
    oracle_init(&o);
    BIGNUM *a = BN_new(), *b = BN_new(), *ab = BN_new(), *want = BN_new();
    assert_true(a != NULL && b != NULL && ab != NULL && want != NULL);
    struct mcxi_lines *L = malloc(sizeof *L);
    assert_non_null(L);
    /* the oracle itself: (1 + g i)^1 is g, and g^q is the identity (PF_p value 0) */
    bn_g_pow(&o, want, BN_value_one());
    assert_int_equal(BN_cmp(want, o.g), 0);
    bn_g_pow(&o, want, o.q);
    assert_true(BN_is_zero(want));
    for (int i = 0; i < BILINEAR_ROUNDS; i++) {
        uint64_t al[16], bl[16], abl[16];
        mcxi_eca A, B;
        mcxi_fp2 v, gab;
        mcxi_fp w1, w2, w3;
        rand_scalar_bn(&o, a, al);
        rand_scalar_bn(&o, b, bl);
        mul_P(&A, al);
        mul_P(&B, bl);
        /* e([a]P, [b]P) == e(P, P)^(ab), ab mod q and the power by BN */
        assert_int_equal(BN_mod_mul(ab, a, b, o.q, o.ctx), 1);
        bn_g_pow(&o, want, ab);
        mcxi_pairing_plain(&v, &A, &B);
        pfp(&w1, &v);
        if (!fp_eq_bn(&w1, want))
            fail_msg("round %d: e([a]P,[b]P) != g^(ab) (BN oracle)", i);
        /* non-degenerate: not the identity (PF_p value 0) for a, b in [1, q-1] */
        assert_int_equal(mcxi_fp_is_zero(&w1), 0);
        /* the library's own g comb (the encapsulation path) agrees */
        mcxi_mod_mul(abl, al, bl, &mcxi_mod_q);
        mcxi_mod_mul(abl, abl, mcxi_mod_q.r2, &mcxi_mod_q);
        mcxi_comb2_pow(&gab, mcxi_sakke_g_comb(), abl);
        pfp(&w2, &gab);
        assert_int_equal(mcxi_fp_eq(&w1, &w2), 1);
        /* lines of B evaluated at A == plain pairing walking A */
        assert_int_equal(mcxi_pairing_lines(L, &B), MCX_OK);
        mcxi_pairing_eval(&v, L, &A);
        pfp(&w3, &v);
        assert_int_equal(mcxi_fp_eq(&w1, &w3), 1);
        /* and a different point gives a different value */
        mcxi_pairing_eval(&v, L, &B);
        pfp(&w3, &v);
        assert_int_equal(mcxi_fp_eq(&w1, &w3), 0);
        /* e([a]P, Q) == e(P, [a]Q) with Q = B, [a]Q by the variable-time ladder */
        mcxi_ecj t;
        mcxi_eca aQ;
        mcxi_ec_mul_vartime(&t, &B, al);
        assert_int_equal(mcxi_ec_to_affine(&aQ, &t), 0);
        mcxi_pairing_plain(&v, mcxi_sakke_P(), &aQ);
        pfp(&w3, &v);
        assert_int_equal(mcxi_fp_eq(&w1, &w3), 1);
    }
    /* e(P, P) = g itself: non-degenerate, and the value of RFC 6509 */
    mcxi_fp w;
    mcxi_fp2 v;
    mcxi_pairing_plain(&v, mcxi_sakke_P(), mcxi_sakke_P());
    pfp(&w, &v);
    assert_int_equal(fp_eq_bn(&w, o.g), 1);
    free(L);
    BN_free(a);
    BN_free(b);
    BN_free(ab);
    BN_free(want);
    oracle_free(&o);
}

static void comb_vs_vartime(void)
{
    /* random scalars of both parities (an even k is recoded as q - k), and the edges 1, 2,
     * q - 2, q - 1 */
    for (int i = 0; i < 24; i++) {
        uint64_t k[16];
        mcxi_ecj t;
        mcxi_eca a1, a2;
        rand_scalar(k);
        if (i < 4) {
            static const uint64_t small[16] = {0};
            memset(k, 0, sizeof k);
            k[0] = 1 + (uint64_t)(i & 1);
            if (i >= 2)
                mcxi_mod_sub(k, small, k, &mcxi_mod_q);
        }
        mul_P(&a1, k);
        mcxi_ec_mul_vartime(&t, mcxi_sakke_P(), k);
        assert_int_equal(mcxi_ec_to_affine(&a2, &t), 0);
        assert_int_equal(mcxi_fp_eq(&a1.x, &a2.x) & mcxi_fp_eq(&a1.y, &a2.y), 1);
    }
    /* [q]P = O, [0]P = O */
    mcxi_ecj t;
    mcxi_ec_mul_vartime(&t, mcxi_sakke_P(), mcxi_mod_q.m);
    assert_int_equal(mcxi_fp_is_zero(&t.z), 1);
    /* two-base comb: [a]P + [b]Z == [a + b c]P for Z = [c]P. The second base must not be P
     * itself: with one point twice, both scalars' signed digits sit on the same positions, and
     * an entry of b cancels the accumulator with probability 2^-8 per step (comb_mul then reports
     * O, as documented). Real callers pair P with a KMS key Z, whose discrete logarithm nobody
     * choosing the scalars knows. */
    uint64_t a[16], b[16], c[16], s[16];
    mcxi_eca x1, x2, Zc;
    struct mcxi_comb *zc = malloc(sizeof *zc);
    assert_non_null(zc);
    rand_scalar(c);
    mul_P(&Zc, c);
    assert_int_equal(mcxi_comb_build(zc, &Zc), MCX_OK);
    rand_scalar(a);
    rand_scalar(b);
    mulmod_q(s, b, c);
    mcxi_mod_add(s, s, a, &mcxi_mod_q);
    mul_P(&x1, s);
    assert_int_equal(mcxi_comb_mul(&t, mcxi_sakke_P_comb(), a, zc, b), 0);
    assert_int_equal(mcxi_ec_to_affine(&x2, &t), 0);
    assert_int_equal(mcxi_fp_eq(&x1.x, &x2.x) & mcxi_fp_eq(&x1.y, &x2.y), 1);
    free(zc);
}

/* The comb tests under every table scan (SSE2, AVX2, AVX-512) and field backend (portable,
 * BMI2/ADX, AVX-512 IFMA) the CPU has. */
static void each_variant(void (*f)(void))
{
    for (int scan = MCXI_SCAN_SSE2; scan <= MCXI_SCAN_AVX512; scan++) {
        if (mcxi_ec_set_scan(scan) < 0)
            continue;
        for (int fp = MCXI_FP_PORTABLE; fp <= MCXI_FP_IFMA; fp++)
            if (mcxi_fp_set_backend(fp) >= 0)
                f();
    }
    assert_true(mcxi_ec_set_scan(-1) >= 0);
    assert_true(mcxi_fp_set_backend(-1) >= 0);
}

static void test_comb_vs_vartime(void **state)
{
    (void)state;
    each_variant(comb_vs_vartime);
}

/* g^k from the signed F_p^2 comb equals square-and-multiply of u = 1 + g i, in PF_p. */
static void comb2_vs_square_multiply(void)
{
    mcxi_fp2 u;
    mcxi_fp_set_one(&u.a);
    u.b = *mcxi_sakke_g();
    for (int i = 0; i < 12; i++) {
        uint64_t k[16];
        rand_scalar(k);
        if (i < 2) {
            memset(k, 0, sizeof k);
            k[0] = 1 + (uint64_t)i;
        }
        mcxi_fp2 x, y;
        mcxi_comb2_pow(&x, mcxi_sakke_g_comb(), k);
        mcxi_fp2_set_one(&y);
        for (int bit = 1023; bit >= 0; bit--) {
            mcxi_fp2_sqr(&y, &y);
            if ((k[bit >> 6] >> (bit & 63)) & 1)
                mcxi_fp2_mul(&y, &y, &u);
        }
        /* equal up to an F_p factor: x.b * y.a == y.b * x.a */
        mcxi_fp l, r;
        mcxi_fp_mul(&l, &x.b, &y.a);
        mcxi_fp_mul(&r, &y.b, &x.a);
        assert_int_equal(mcxi_fp_eq(&l, &r), 1);
        assert_int_equal(mcxi_fp_is_zero(&x.a), 0);
    }
}

static void test_comb2_vs_square_multiply(void **state)
{
    (void)state;
    each_variant(comb2_vs_square_multiply);
}

static void test_subgroup_check(void **state)
{
    (void)state;
    /* Z' = P + (0,0): on the curve, but of order 2q, so mcx_sakke_pub_new must refuse it */
    mcxi_ecj t, u;
    mcxi_eca T2, Zb;
    mcxi_fp_set_zero(&T2.x);
    mcxi_fp_set_zero(&T2.y);
    assert_int_equal(mcxi_ec_on_curve(&T2), 1);
    mcxi_ec_from_affine(&t, mcxi_sakke_P());
    mcxi_ec_from_affine(&u, &T2);
    mcxi_ec_add(&t, &t, &u);
    assert_int_equal(mcxi_ec_to_affine(&Zb, &t), 0);
    assert_int_equal(mcxi_ec_on_curve(&Zb), 1);
    uint8_t enc[MCX_SAKKE_POINT_BYTES];
    mcxi_ec_encode(enc, &Zb);
    mcx_sakke_pub *pub = NULL;
    assert_int_equal(mcx_sakke_pub_new(&pub, enc), MCX_ERR_NOT_ON_CURVE);
    assert_null(pub);
    mcxi_ec_encode(enc, mcxi_sakke_P());
    assert_int_equal(mcx_sakke_pub_new(&pub, enc), MCX_OK);
    mcx_sakke_pub_free(pub);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_PP_is_g),
        cmocka_unit_test(test_bilinear_bn_oracle),
        cmocka_unit_test(test_comb_vs_vartime),
        cmocka_unit_test(test_comb2_vs_square_multiply),
        cmocka_unit_test(test_subgroup_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
