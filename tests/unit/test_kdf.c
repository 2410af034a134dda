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

static void test_kdf_vectors(void **state)
{
    (void)state;
    struct mcxt_vecfile vf;
    struct mcxt_record r = {0};
    int npos = 0, nneg = 0;
    mcxt_vec_open(&vf, "ts33220_kdf.txt");
    while (mcxt_vec_next(&vf, &r)) {
        size_t key_len, fc_len, out_len;
        uint8_t *key = mcxt_hex(mcxt_need(&r, "key"), &key_len);
        uint8_t *fc = mcxt_hex(mcxt_need(&r, "fc"), &fc_len);
        uint8_t *want = mcxt_hex(mcxt_need(&r, "out"), &out_len);
        struct mcx_kdf_param p[MCX_KDF_MAX_PARAMS];
        uint8_t *pb[MCX_KDF_MAX_PARAMS];
        size_t np = 0;
        char name[8];
        assert_int_equal(fc_len, 1);
        assert_int_equal(out_len, MCX_KDF_OUT_BYTES);
        for (;;) {
            snprintf(name, sizeof name, "p%zu", np);
            const char *v = mcxt_get(&r, name);
            if (v == NULL)
                break;
            pb[np] = mcxt_hex(v, &p[np].len);
            p[np].p = pb[np];
            np++;
        }
        uint8_t out[MCX_KDF_OUT_BYTES];
        assert_int_equal(mcx_kdf_3gpp(key, key_len, fc[0], p, np, out), MCX_OK);
        if (strcmp(mcxt_need(&r, "type"), "positive") == 0) {
            assert_memory_equal(out, want, MCX_KDF_OUT_BYTES);
            npos++;
        } else {
            assert_memory_not_equal(out, want, MCX_KDF_OUT_BYTES);
            nneg++;
        }
        for (size_t i = 0; i < np; i++)
            free(pb[i]);
        free(key);
        free(fc);
        free(want);
    }
    mcxt_record_free(&r);
    mcxt_vec_close(&vf);
    assert_true(npos >= 5);
    assert_true(nneg >= 3);
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

static uint32_t u32_hex(const struct mcxt_record *r, const char *key)
{
    uint8_t b[4];
    mcxt_hex_exact(r, key, b, 4);
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void test_prf_vectors(void **state)
{
    (void)state;
    struct mcxt_vecfile vf;
    struct mcxt_record r = {0};
    int npos = 0, nneg = 0;
    mcxt_vec_open(&vf, "mikey_prf.txt");
    while (mcxt_vec_next(&vf, &r)) {
        size_t tgk_len, rand_len, want_len;
        uint8_t *tgk = mcxt_hex(mcxt_need(&r, "tgk"), &tgk_len);
        uint8_t *rnd = mcxt_hex(mcxt_need(&r, "rand"), &rand_len);
        uint8_t *want = mcxt_hex(mcxt_need(&r, "out"), &want_len);
        uint8_t out[128];
        assert_true(want_len <= sizeof out);
        mcx_err rc = mcx_mikey_derive(prf_of(mcxt_need(&r, "prf")), tgk, tgk_len,
                                      u32_hex(&r, "const"), (uint8_t)mcxt_u64(&r, "cs_id"),
                                      u32_hex(&r, "csb_id"), rnd, rand_len, out, want_len);
        assert_int_equal(rc, MCX_OK);
        if (strcmp(mcxt_need(&r, "type"), "positive") == 0) {
            if (memcmp(out, want, want_len) != 0)
                fail_msg("mikey_prf.txt line %u: wrong output", r.line);
            npos++;
        } else {
            assert_memory_not_equal(out, want, want_len);
            nneg++;
        }
        free(tgk);
        free(rnd);
        free(want);
    }
    mcxt_record_free(&r);
    mcxt_vec_close(&vf);
    assert_true(npos >= 15);
    assert_true(nneg >= 4);
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
