/*
 * test_fp1024 — the fixed-width Montgomery arithmetic (mod p and mod q) and F_p^2 against OpenSSL
 * BN as the oracle, for thousands of random inputs and the edge values 0, 1, m-1, under every
 * multiplication backend the CPU has (portable, BMI2/ADX, AVX-512 IFMA); and the RFC 6509
 * constants (p, q, P, g) as compiled in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/rand.h>

#include "crypto/fp2.h"
#include "crypto/sakke_ec.h"

#define ITER 3000

static const char *P_HEX =
    "997ABB1F0A563FDA65C61198DAD0657A416C0CE19CB48261BE9AE358B3E01A2EF40AAB27E2FC0F1B228730D531A5"
    "9CB0E791B39FF7C88A19356D27F4A666A6D0E26C6487326B4CD4512AC5CD65681CE1B6AFF4A831852A82A7CF3C52"
    "1C3C09AA9F94D6AF56971F1FFCE3E82389857DB080C5DF10AC7ACE87666D807AFEA85FEB";
static const char *Q_HEX =
    "265EAEC7C2958FF69971846636B4195E905B0338672D20986FA6B8D62CF8068BBD02AAC9F8BF03C6C8A1CC354C69"
    "672C39E46CE7FDF222864D5B49FD2999A9B4389B1921CC9AD335144AB173595A07386DABFD2A0C614AA0A9F3CF14"
    "870F026AA7E535ABD5A5C7C7FF38FA08E2615F6C203177C42B1EB3A1D99B601EBFAA17FB";
static const char *PX_HEX =
    "53FC09EE332C29AD0A7990053ED9B52A2B1A2FD60AEC69C698B2F204B6FF7CBFB5EDB6C0F6CE2308AB10DB9030B0"
    "9E1043D5F22CDB9DFA55718BD9E7406CE8909760AF765DD5BCCB337C86548B72F2E1A702C3397A60DE74A7C1514D"
    "BA66910DD5CFB4CC80728D87EE9163A5B63F73EC80EC46C4967E0979880DC8ABEAE63895";
static const char *PY_HEX =
    "0A8249063F6009F1F9F1F0533634A135D3E82016029906963D778D821E141178F5EA69F4654EC2B9E7F7F5E5F0DE"
    "55F66B598CCF9A140B2E416CFF0CA9E032B970DAE117AD547C6CCAD696B5B7652FE0AC6F1E80164AA989492D979F"
    "C5A4D5F213515AD7E9CB99A980BDAD5AD5BB4636ADB9B5706A67DCDE75573FD71BEF16D7";
static const char *G_HEX =
    "66FC2A432B6EA392148F15867D623068C6A87BD1FB94C41E27FABE658E015A87371E94744C96FEDA449AE9563F8B"
    "C446CBFDA85D5D00EF577072DA8F541721BEEE0FAED1828EAB90B99DFB0138C7843355DF0460B4A9FD74B4F1A32B"
    "CAFA1FFAD682C033A7942BCCE3720F20B9B7B0403C8CAE87B7A0042ACDE0FAB36461EA46";

static BIGNUM *hex_bn(const char *h)
{
    BIGNUM *b = NULL;
    assert_true(BN_hex2bn(&b, h) > 0);
    return b;
}

static void bn_to_limbs(uint64_t r[16], const BIGNUM *b)
{
    uint8_t buf[128];
    assert_int_equal(BN_bn2binpad(b, buf, sizeof buf), 128);
    mcxi_limbs_from_be(r, buf);
}

static BIGNUM *limbs_to_bn(const uint64_t a[16])
{
    uint8_t buf[128];
    mcxi_limbs_to_be(buf, a);
    BIGNUM *b = BN_bin2bn(buf, sizeof buf, NULL);
    assert_non_null(b);
    return b;
}

static void assert_limbs_bn(const uint64_t a[16], const BIGNUM *want)
{
    BIGNUM *got = limbs_to_bn(a);
    assert_int_equal(BN_cmp(got, want), 0);
    BN_free(got);
}

static void rand_below(BIGNUM *r, const BIGNUM *m, int i)
{
    /* mix edge values into the random stream */
    switch (i % 50) {
    case 0:
        BN_zero(r);
        return;
    case 1:
        BN_one(r);
        return;
    case 2:
        BN_copy(r, m);
        BN_sub_word(r, 1);
        return;
    default:
        assert_true(BN_rand_range(r, m) == 1);
    }
}

/* mcxi_mod_mul(a, b) == a*b*R^-1 mod m (e: scratch) */
static void check_mont_mul(const BIGNUM *a, const BIGNUM *b, const BIGNUM *m, const BIGNUM *Rinv,
                           BIGNUM *e, BN_CTX *ctx, const struct mcxi_mod *mod)
{
    uint64_t al[16], bl[16], rl[16];
    bn_to_limbs(al, a);
    bn_to_limbs(bl, b);
    mcxi_mod_mul(rl, al, bl, mod);
    assert_true(BN_mod_mul(e, a, b, m, ctx) == 1 && BN_mod_mul(e, e, Rinv, m, ctx) == 1);
    assert_limbs_bn(rl, e);
}

static void check_mod(const struct mcxi_mod *mod, const char *mhex)
{
    BN_CTX *ctx = BN_CTX_new();
    BIGNUM *m = hex_bn(mhex), *a = BN_new(), *b = BN_new(), *e = BN_new(), *R = BN_new();
    BIGNUM *Rinv = BN_new();
    assert_non_null(ctx);
    /* constants */
    assert_limbs_bn(mod->m, m);
    BN_one(R);
    BN_lshift(R, R, 1024);
    BN_mod(e, R, m, ctx);
    assert_limbs_bn(mod->one, e);
    BN_mod_sqr(e, e, m, ctx);
    assert_limbs_bn(mod->r2, e);
    assert_non_null(BN_mod_inverse(Rinv, R, m, ctx));
    uint64_t m0 = mod->m[0] * mod->m0inv;
    assert_true(m0 == (uint64_t)-1); /* m * m0inv = -1 mod 2^64 */
    /* the first operand may be any value below R = 2^1024 (mcxi_mod_to_mont relies on it), the
     * largest ones included */
    for (int i = 0; i < 300; i++) {
        if (i < 2) {
            BN_copy(a, R);
            BN_sub_word(a, 1);
        } else {
            assert_true(BN_rand(a, 1024, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1);
        }
        rand_below(b, m, i == 0 ? 2 : i + 3);
        check_mont_mul(a, b, m, Rinv, e, ctx, mod);
    }
    for (int i = 0; i < ITER; i++) {
        uint64_t al[16], bl[16], rl[16];
        rand_below(a, m, i);
        rand_below(b, m, i / 7 + 3);
        check_mont_mul(a, b, m, Rinv, e, ctx, mod);
        bn_to_limbs(al, a);
        bn_to_limbs(bl, b);
        mcxi_mod_sqr(rl, al, mod);
        BN_mod_mul(e, a, a, m, ctx);
        BN_mod_mul(e, e, Rinv, m, ctx);
        assert_limbs_bn(rl, e);
        mcxi_mod_add(rl, al, bl, mod);
        BN_mod_add(e, a, b, m, ctx);
        assert_limbs_bn(rl, e);
        mcxi_mod_sub(rl, al, bl, mod);
        BN_mod_sub(e, a, b, m, ctx);
        assert_limbs_bn(rl, e);
        mcxi_mod_to_mont(rl, al, mod);
        mcxi_mod_from_mont(rl, rl, mod);
        assert_limbs_bn(rl, a);
        assert_int_equal(mcxi_limbs_lt(al, mod->m), 1);
        {
            /* inverse in m-form: (aR)^-1 R = a^-1 R, safegcd for every input, Fermat for some */
            uint64_t am[16];
            mcxi_mod_to_mont(am, al, mod);
            mcxi_mod_inv(rl, am, mod);
            mcxi_mod_from_mont(rl, rl, mod);
            if (BN_is_zero(a)) {
                BN_zero(e);
            } else {
                assert_non_null(BN_mod_inverse(e, a, m, ctx));
            }
            assert_limbs_bn(rl, e);
            if (i % 20 == 0) {
                mcxi_mod_inv_fermat(rl, am, mod);
                mcxi_mod_from_mont(rl, rl, mod);
                assert_limbs_bn(rl, e);
            }
        }
        if (i % 25 == 0) {
            /* reduction of long octet strings */
            uint8_t buf[300];
            size_t len = (size_t)(1 + i % 300);
            assert_true(RAND_bytes(buf, (int)len) == 1);
            BIGNUM *x = BN_bin2bn(buf, (int)len, NULL);
            BN_mod(e, x, m, ctx);
            mcxi_mod_reduce_be(rl, buf, len, mod);
            assert_limbs_bn(rl, e);
            BN_free(x);
        }
    }
    assert_int_equal(mcxi_limbs_lt(mod->m, mod->m), 0);
    BN_free(m);
    BN_free(a);
    BN_free(b);
    BN_free(e);
    BN_free(R);
    BN_free(Rinv);
    BN_CTX_free(ctx);
}

/* Run f under every Montgomery-multiplication backend this CPU has (portable, BMI2/ADX, AVX-512
 * IFMA), then go back to the best one. */
static void each_backend(void (*f)(void))
{
    static const char *const names[] = {"portable", "BMI2/ADX", "AVX-512 IFMA"};
    for (int b = MCXI_FP_PORTABLE; b <= MCXI_FP_IFMA; b++) {
        if (mcxi_fp_set_backend(b) < 0) {
            print_message("fp1024 backend %s: not on this CPU, skipped\n", names[b]);
            continue;
        }
        f();
    }
    assert_true(mcxi_fp_set_backend(-1) >= 0);
}

static void mod_p(void)
{
    check_mod(&mcxi_mod_p, P_HEX);
}

static void mod_q(void)
{
    check_mod(&mcxi_mod_q, Q_HEX);
}

static void test_mod_p(void **state)
{
    (void)state;
    each_backend(mod_p);
}

static void test_mod_q(void **state)
{
    (void)state;
    each_backend(mod_q);
}

static void test_fp_bytes(void **state)
{
    (void)state;
    uint8_t in[128], out[128];
    mcxi_fp x;
    BIGNUM *p = hex_bn(P_HEX);
    assert_int_equal(BN_bn2binpad(p, in, 128), 128);
    assert_int_equal(mcxi_fp_from_bytes(&x, in), 0); /* p itself is out of range */
    in[127] -= 1;
    assert_int_equal(mcxi_fp_from_bytes(&x, in), 1); /* p - 1 is fine */
    mcxi_fp_to_bytes(out, &x);
    assert_memory_equal(in, out, 128);
    memset(in, 0xff, sizeof in);
    assert_int_equal(mcxi_fp_from_bytes(&x, in), 0);
    BN_free(p);
}

static void fp_to_bn(BIGNUM *r, const mcxi_fp *a)
{
    uint8_t buf[128];
    mcxi_fp_to_bytes(buf, a);
    assert_non_null(BN_bin2bn(buf, 128, r));
}

static void rand_fp(mcxi_fp *a, BIGNUM *bn, const BIGNUM *p)
{
    uint8_t buf[128];
    assert_true(BN_rand_range(bn, p) == 1);
    assert_int_equal(BN_bn2binpad(bn, buf, 128), 128);
    assert_int_equal(mcxi_fp_from_bytes(a, buf), 1);
}

static void fp2_vs_bn(void);

static void test_fp2(void **state)
{
    (void)state;
    each_backend(fp2_vs_bn);
}

static void fp2_vs_bn(void)
{
    BN_CTX *ctx = BN_CTX_new();
    BIGNUM *p = hex_bn(P_HEX);
    BIGNUM *xa = BN_new(), *xb = BN_new(), *ya = BN_new(), *yb = BN_new();
    BIGNUM *t0 = BN_new(), *t1 = BN_new(), *ra = BN_new(), *rb = BN_new(), *g = BN_new();
    for (int i = 0; i < ITER; i++) {
        mcxi_fp2 x, y, r;
        rand_fp(&x.a, xa, p);
        rand_fp(&x.b, xb, p);
        rand_fp(&y.a, ya, p);
        rand_fp(&y.b, yb, p);
        /* (xa + xb i)(ya + yb i) = (xa ya - xb yb) + (xa yb + xb ya) i */
        mcxi_fp2_mul(&r, &x, &y);
        BN_mod_mul(t0, xa, ya, p, ctx);
        BN_mod_mul(t1, xb, yb, p, ctx);
        BN_mod_sub(ra, t0, t1, p, ctx);
        BN_mod_mul(t0, xa, yb, p, ctx);
        BN_mod_mul(t1, xb, ya, p, ctx);
        BN_mod_add(rb, t0, t1, p, ctx);
        fp_to_bn(g, &r.a);
        assert_int_equal(BN_cmp(g, ra), 0);
        fp_to_bn(g, &r.b);
        assert_int_equal(BN_cmp(g, rb), 0);
        /* square = mul by itself */
        mcxi_fp2 s, m;
        mcxi_fp2_sqr(&s, &x);
        mcxi_fp2_mul(&m, &x, &x);
        assert_int_equal(mcxi_fp_eq(&s.a, &m.a) & mcxi_fp_eq(&s.b, &m.b), 1);
        if (i % 20 == 0) {
            mcxi_fp2 inv, one;
            mcxi_fp2_inv(&inv, &x);
            mcxi_fp2_mul(&m, &inv, &x);
            mcxi_fp2_set_one(&one);
            assert_int_equal(mcxi_fp_eq(&m.a, &one.a) & mcxi_fp_eq(&m.b, &one.b), 1);
            mcxi_fp2_conj(&m, &x);
            mcxi_fp_neg(&m.b, &m.b);
            assert_int_equal(mcxi_fp_eq(&m.a, &x.a) & mcxi_fp_eq(&m.b, &x.b), 1);
        }
    }
    BN_free(p);
    BN_free(xa);
    BN_free(xb);
    BN_free(ya);
    BN_free(yb);
    BN_free(t0);
    BN_free(t1);
    BN_free(ra);
    BN_free(rb);
    BN_free(g);
    BN_CTX_free(ctx);
}

static void test_constants(void **state)
{
    (void)state;
    /* P and g as compiled in equal the RFC 6509 octets; P on the curve; 4q = p + 1 */
    BIGNUM *px = hex_bn(PX_HEX), *py = hex_bn(PY_HEX), *g = hex_bn(G_HEX), *t = BN_new();
    const mcxi_eca *P = mcxi_sakke_P();
    fp_to_bn(t, &P->x);
    assert_int_equal(BN_cmp(t, px), 0);
    fp_to_bn(t, &P->y);
    assert_int_equal(BN_cmp(t, py), 0);
    fp_to_bn(t, mcxi_sakke_g());
    assert_int_equal(BN_cmp(t, g), 0);
    assert_int_equal(mcxi_ec_on_curve(P), 1);
    BIGNUM *p = hex_bn(P_HEX), *q = hex_bn(Q_HEX);
    BN_lshift(t, q, 2);
    BN_sub_word(t, 1);
    assert_int_equal(BN_cmp(t, p), 0);
    BN_free(px);
    BN_free(py);
    BN_free(g);
    BN_free(t);
    BN_free(p);
    BN_free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constants), cmocka_unit_test(test_mod_p),
        cmocka_unit_test(test_mod_q),     cmocka_unit_test(test_fp_bytes),
        cmocka_unit_test(test_fp2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
