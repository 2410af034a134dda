/*
 * 3GPP KDF (TS 33.220 B.2) and MIKEY PRF (RFC 3830 §4.1.2 / RFC 6043 §6.1) tests: vector files
 * with negative siblings, and argument/length errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers/vectors.h"
#include "mcxsec/kdf.h"

/* KDF from (key, fc, p0..pn) */
static int kdf_compute(const struct mcxt_inputs *in, uint8_t *out, size_t out_len, void *arg)
{
    (void)arg;
    struct mcx_kdf_param p[MCX_KDF_MAX_PARAMS];
    size_t np = in->n - 2;
    if (out_len != MCX_KDF_OUT_BYTES || in->len[1] != 1 || np > MCX_KDF_MAX_PARAMS)
        return 1;
    for (size_t i = 0; i < np; i++) {
        p[i].p = in->p[2 + i];
        p[i].len = in->len[2 + i];
    }
    return mcx_kdf_3gpp(in->p[0], in->len[0], in->p[1][0], p, np, out) != MCX_OK;
}

static void test_kdf_vectors(void **state)
{
    (void)state;
    struct mcxt_vecfile vf;
    struct mcxt_record r = {0};
    int npos = 0, nneg = 0;
    size_t siblings = 0;
    mcxt_vec_open(&vf, "ts33220_kdf.txt");
    while (mcxt_vec_next(&vf, &r)) {
        struct mcxt_inputs in = {0};
        size_t len, out_len;
        uint8_t *b = mcxt_hex(mcxt_need(&r, "key"), &len);
        mcxt_in_bytes(&in, "key", b, len);
        free(b);
        b = mcxt_hex(mcxt_need(&r, "fc"), &len);
        assert_int_equal(len, 1);
        mcxt_in_bytes(&in, "fc", b, len);
        free(b);
        static const char *const pn[] = {"p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7"};
        for (size_t i = 0; i < sizeof pn / sizeof pn[0] && mcxt_get(&r, pn[i]) != NULL; i++) {
            b = mcxt_hex(mcxt_get(&r, pn[i]), &len);
            mcxt_in_bytes(&in, pn[i], b, len);
            free(b);
        }
        uint8_t *want = mcxt_hex(mcxt_need(&r, "out"), &out_len);
        assert_int_equal(out_len, MCX_KDF_OUT_BYTES);
        if (strcmp(mcxt_need(&r, "type"), "positive") == 0) {
            siblings +=
                mcxt_check_positive("ts33220_kdf.txt", &r, &in, kdf_compute, NULL, want, out_len);
            npos++;
        } else {
            uint8_t out[MCX_KDF_OUT_BYTES];
            assert_int_equal(kdf_compute(&in, out, sizeof out, NULL), 0);
            assert_memory_not_equal(out, want, MCX_KDF_OUT_BYTES);
            nneg++;
        }
        mcxt_in_free(&in);
        free(want);
    }
    mcxt_record_free(&r);
    mcxt_vec_close(&vf);
    assert_true(npos >= 5);
    assert_true(nneg >= 3);
    assert_true(siblings >= (size_t)npos * (2 + MCX_KDF_OUT_BYTES));
}

static void test_kdf_errors(void **state)
{
    (void)state;
    static const uint8_t key[16] = {1};
    uint8_t out[MCX_KDF_OUT_BYTES];
    struct mcx_kdf_param p[MCX_KDF_MAX_PARAMS + 1];
    static uint8_t big[65536];
    for (size_t i = 0; i <= MCX_KDF_MAX_PARAMS; i++) {
        p[i].p = key;
        p[i].len = 1;
    }
    assert_int_equal(mcx_kdf_3gpp(key, sizeof key, 0x50, p, MCX_KDF_MAX_PARAMS, out), MCX_OK);
    memset(out, 0xAA, sizeof out);
    assert_int_equal(mcx_kdf_3gpp(key, sizeof key, 0x50, p, MCX_KDF_MAX_PARAMS + 1, out),
                     MCX_ERR_LENGTH);
    for (size_t i = 0; i < sizeof out; i++)
        assert_int_equal(out[i], 0);
    p[0].p = big;
    p[0].len = 65535;
    assert_int_equal(mcx_kdf_3gpp(key, sizeof key, 0x50, p, 1, out), MCX_OK);
    p[0].len = 65536;
    assert_int_equal(mcx_kdf_3gpp(key, sizeof key, 0x50, p, 1, out), MCX_ERR_LENGTH);
    p[0].p = NULL;
    p[0].len = 1;
    assert_int_equal(mcx_kdf_3gpp(key, sizeof key, 0x50, p, 1, out), MCX_ERR_ARG);
    assert_int_equal(mcx_kdf_3gpp(key, sizeof key, 0x50, NULL, 1, out), MCX_ERR_ARG);
    assert_int_equal(mcx_kdf_3gpp(key, sizeof key, 0x50, NULL, 0, NULL), MCX_ERR_ARG);
    assert_int_equal(mcx_kdf_3gpp(NULL, 1, 0x50, NULL, 0, out), MCX_ERR_ARG);
}

static enum mcx_mikey_prf prf_of(const char *s)
{
    if (strcmp(s, "sha256") == 0)
        return MCX_PRF_HMAC_SHA256;
    if (strcmp(s, "mikey1") == 0)
        return MCX_PRF_MIKEY_1;
    fail_msg("unknown prf '%s'", s);
    return MCX_PRF_MIKEY_1;
}

/* MIKEY PRF output from (tgk, const, cs_id, csb_id, rand); arg points to the PRF */
static int prf_compute(const struct mcxt_inputs *in, uint8_t *out, size_t out_len, void *arg)
{
    const enum mcx_mikey_prf *prf = arg;
    return mcx_mikey_derive(*prf, in->p[0], in->len[0], (uint32_t)mcxt_in_get_u64(in, 1),
                            in->p[2][0], (uint32_t)mcxt_in_get_u64(in, 3), in->p[4], in->len[4],
                            out, out_len) != MCX_OK;
}

static void test_prf_vectors(void **state)
{
    (void)state;
    struct mcxt_vecfile vf;
    struct mcxt_record r = {0};
    int npos = 0, nneg = 0;
    size_t siblings = 0;
    mcxt_vec_open(&vf, "mikey_prf.txt");
    while (mcxt_vec_next(&vf, &r)) {
        size_t tgk_len, rand_len, want_len;
        uint8_t *tgk = mcxt_hex(mcxt_need(&r, "tgk"), &tgk_len);
        uint8_t *rnd = mcxt_hex(mcxt_need(&r, "rand"), &rand_len);
        uint8_t *want = mcxt_hex(mcxt_need(&r, "out"), &want_len);
        uint8_t cst[4], csb[4], cs_id = (uint8_t)mcxt_u64(&r, "cs_id");
        enum mcx_mikey_prf prf = prf_of(mcxt_need(&r, "prf"));
        struct mcxt_inputs in = {0};
        assert_true(mcxt_u64(&r, "cs_id") <= 255);
        mcxt_hex_exact(&r, "const", cst, sizeof cst);
        mcxt_hex_exact(&r, "csb_id", csb, sizeof csb);
        mcxt_in_bytes(&in, "tgk", tgk, tgk_len);
        mcxt_in_bytes(&in, "const", cst, sizeof cst);
        mcxt_in_bytes(&in, "cs_id", &cs_id, 1);
        mcxt_in_bytes(&in, "csb_id", csb, sizeof csb);
        mcxt_in_bytes(&in, "rand", rnd, rand_len);
        assert_true(want_len <= 128);
        if (strcmp(mcxt_need(&r, "type"), "positive") == 0) {
            siblings +=
                mcxt_check_positive("mikey_prf.txt", &r, &in, prf_compute, &prf, want, want_len);
            npos++;
        } else {
            uint8_t out[128];
            assert_int_equal(prf_compute(&in, out, want_len, &prf), 0);
            assert_memory_not_equal(out, want, want_len);
            nneg++;
        }
        mcxt_in_free(&in);
        free(tgk);
        free(rnd);
        free(want);
    }
    mcxt_record_free(&r);
    mcxt_vec_close(&vf);
    assert_true(npos >= 15);
    assert_true(nneg >= 4);
    assert_true(siblings >= (size_t)npos * (5 + 12));
}

/* A prefix property: a shorter output is the prefix of a longer one (same label and key). */
static void test_prf_prefix_and_errors(void **state)
{
    (void)state;
    static const uint8_t key[40] = {7, 6, 5};
    static const uint8_t label[9] = {1, 2, 3};
    uint8_t a[100], b[33];
    assert_int_equal(
        mcx_mikey_prf(MCX_PRF_HMAC_SHA256, key, sizeof key, label, sizeof label, a, 100), MCX_OK);
    assert_int_equal(
        mcx_mikey_prf(MCX_PRF_HMAC_SHA256, key, sizeof key, label, sizeof label, b, 33), MCX_OK);
    assert_memory_equal(a, b, 33);
    assert_int_equal(mcx_mikey_prf(MCX_PRF_MIKEY_1, key, sizeof key, label, sizeof label, a, 100),
                     MCX_OK);
    assert_int_equal(mcx_mikey_prf(MCX_PRF_MIKEY_1, key, sizeof key, label, sizeof label, b, 33),
                     MCX_OK);
    assert_memory_equal(a, b, 33);
    static uint8_t big[1025];
    assert_int_equal(
        mcx_mikey_prf(MCX_PRF_HMAC_SHA256, key, sizeof key, label, sizeof label, big, 1024),
        MCX_OK);
    assert_int_equal(
        mcx_mikey_prf(MCX_PRF_HMAC_SHA256, key, sizeof key, label, sizeof label, big, 1025),
        MCX_ERR_LENGTH);
    assert_int_equal(
        mcx_mikey_prf((enum mcx_mikey_prf)7, key, sizeof key, label, sizeof label, b, 16),
        MCX_ERR_UNSUPPORTED);
    assert_int_equal(mcx_mikey_prf(MCX_PRF_HMAC_SHA256, key, 0, label, sizeof label, b, 16),
                     MCX_ERR_LENGTH);
    assert_int_equal(mcx_mikey_prf(MCX_PRF_HMAC_SHA256, NULL, 16, label, sizeof label, b, 16),
                     MCX_ERR_ARG);
    assert_int_equal(mcx_mikey_prf(MCX_PRF_HMAC_SHA256, key, 16, NULL, 3, b, 16), MCX_ERR_ARG);
    assert_int_equal(mcx_mikey_prf(MCX_PRF_HMAC_SHA256, key, 16, label, 3, NULL, 16), MCX_ERR_ARG);
    static const uint8_t rnd[256] = {0};
    assert_int_equal(
        mcx_mikey_derive(MCX_PRF_HMAC_SHA256, key, 16, MCX_PRF_CONST_TEK, 4, 1, rnd, 255, b, 16),
        MCX_OK);
    assert_int_equal(
        mcx_mikey_derive(MCX_PRF_HMAC_SHA256, key, 16, MCX_PRF_CONST_TEK, 4, 1, rnd, 256, b, 16),
        MCX_ERR_LENGTH);
    assert_int_equal(
        mcx_mikey_derive(MCX_PRF_HMAC_SHA256, key, 16, MCX_PRF_CONST_TEK, 4, 1, NULL, 16, b, 16),
        MCX_ERR_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kdf_vectors),
        cmocka_unit_test(test_kdf_errors),
        cmocka_unit_test(test_prf_vectors),
        cmocka_unit_test(test_prf_prefix_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
