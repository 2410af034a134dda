/*
 * test_pairing — the Tate-Lichtenbaum pairing of RFC 6508 §3.2 in PF_p representation:
 * <P, P> = g (RFC 6509 App. A), bilinearity <[a]P, [b]P> = g^(ab), the symmetry that decapsulation
 * relies on (precomputed lines of K evaluated at R == plain pairing walking R, evaluated at K),
 * curve-arithmetic sanity (signed comb vs variable-time multiplication, the F_p^2 comb vs
 * square-and-multiply), and the subgroup check of Z.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/pairing.h"
#include "mcxsec/sakke.h"
#include "mcxsec/util.h"

static void rand_scalar(uint64_t k[16])
{
    uint8_t buf[200];
    assert_int_equal(mcx_random(buf, sizeof buf), MCX_OK);
    mcxi_mod_reduce_be(k, buf, sizeof buf, &mcxi_mod_q);
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

static void test_bilinear_and_symmetric(void **state)
{
    (void)state;
    struct mcxi_lines *L = malloc(sizeof *L);
    assert_non_null(L);
    for (int i = 0; i < 3; i++) {
        uint64_t a[16], b[16], ab[16];
        mcxi_eca A, B;
        rand_scalar(a);
        rand_scalar(b);
        mul_P(&A, a);
        mul_P(&B, b);
        /* ab mod q */
        mcxi_mod_mul(ab, a, b, &mcxi_mod_q);
        mcxi_mod_mul(ab, ab, mcxi_mod_q.r2, &mcxi_mod_q);
        mcxi_fp2 v, gab;
        mcxi_fp w1, w2, w3;
        mcxi_pairing_plain(&v, &A, &B);
        pfp(&w1, &v);
        mcxi_comb2_pow(&gab, mcxi_sakke_g_comb(), ab);
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
    }
    free(L);
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
    /* two-base comb: [a]P + [b]P == [a+b]P */
    uint64_t a[16], b[16], s[16];
    mcxi_eca x1, x2;
    struct mcxi_comb *pc = malloc(sizeof *pc);
    assert_non_null(pc);
    assert_int_equal(mcxi_comb_build(pc, mcxi_sakke_P()), MCX_OK);
    rand_scalar(a);
    rand_scalar(b);
    mcxi_mod_add(s, a, b, &mcxi_mod_q);
    assert_int_equal(mcxi_comb_mul(&t, mcxi_sakke_P_comb(), a, NULL, NULL), 0);
    mul_P(&x1, s);
    /* both tables are of P here, so exceptional additions are possible in principle; with random
     * a, b they do not occur */
    assert_int_equal(mcxi_comb_mul(&t, mcxi_sakke_P_comb(), a, pc, b), 0);
    assert_int_equal(mcxi_ec_to_affine(&x2, &t), 0);
    assert_int_equal(mcxi_fp_eq(&x1.x, &x2.x) & mcxi_fp_eq(&x1.y, &x2.y), 1);
    free(pc);
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
        cmocka_unit_test(test_PP_is_g),         cmocka_unit_test(test_bilinear_and_symmetric),
        cmocka_unit_test(test_comb_vs_vartime), cmocka_unit_test(test_comb2_vs_square_multiply),
        cmocka_unit_test(test_subgroup_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
