/*
 * TS 33.180 F.2.1 UID and key-period tests, the RFC 6509 identifier, and GUK-ID (TS 33.180 §5.2.3,
 * F.1.3): vector files with negative siblings and argument errors.
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

static void test_uid_vectors(void **state)
{
    (void)state;
    struct mcxt_vecfile vf;
    struct mcxt_record r = {0};
    int npos = 0, nneg = 0;
    mcxt_vec_open(&vf, "ts33180_uid.txt");
    while (mcxt_vec_next(&vf, &r)) {
        uint8_t want[MCX_UID_BYTES], uid[MCX_UID_BYTES];
        uint64_t period = mcxt_u64(&r, "period"), offset = mcxt_u64(&r, "offset");
        uint64_t no = mcxt_u64(&r, "period_no");
        mcxt_hex_exact(&r, "uid", want, sizeof want);
        if (mcxt_get(&r, "ntp") != NULL) {
            uint64_t got, start;
            assert_int_equal(mcx_key_period_no(mcxt_u64(&r, "ntp"), period, offset, &got), MCX_OK);
            assert_int_equal(got, no);
            assert_int_equal(mcx_key_period_start(no, period, offset, &start), MCX_OK);
            assert_true(start <= mcxt_u64(&r, "ntp") && mcxt_u64(&r, "ntp") < start + period);
        }
        assert_int_equal(
            mcx_uid(mcxt_need(&r, "uri"), mcxt_need(&r, "kms"), period, offset, no, uid), MCX_OK);
        if (strcmp(mcxt_need(&r, "type"), "positive") == 0) {
            if (memcmp(uid, want, sizeof uid) != 0)
                fail_msg("ts33180_uid.txt line %u: wrong UID", r.line);
            npos++;
        } else {
            assert_memory_not_equal(uid, want, sizeof uid);
            nneg++;
        }
    }
    mcxt_record_free(&r);
    mcxt_vec_close(&vf);
    assert_true(npos >= 9);
    assert_true(nneg >= 3);
}

static void test_uid_errors(void **state)
{
    (void)state;
    uint8_t uid[MCX_UID_BYTES];
    uint64_t x;
    memset(uid, 0xAA, sizeof uid);
    assert_int_equal(mcx_uid("", "kms", 1, 0, 1, uid), MCX_ERR_EMPTY_ID);
    for (size_t i = 0; i < sizeof uid; i++)
        assert_int_equal(uid[i], 0);
    assert_int_equal(mcx_uid("sip:a@b", "", 1, 0, 1, uid), MCX_ERR_EMPTY_ID);
    assert_int_equal(mcx_uid(NULL, "kms", 1, 0, 1, uid), MCX_ERR_ARG);
    assert_int_equal(mcx_uid("a", "kms", 1, 0, 1, NULL), MCX_ERR_ARG);
    char *longuri = malloc(70000);
    assert_non_null(longuri);
    memset(longuri, 'a', 69999);
    longuri[69999] = '\0';
    assert_int_equal(mcx_uid(longuri, "kms", 1, 0, 1, uid), MCX_ERR_LENGTH);
    free(longuri);
    /* integers up to 64 bits are encoded minimally (8 octets at most) */
    assert_int_equal(mcx_uid("a", "kms", UINT64_MAX, UINT64_MAX, UINT64_MAX, uid), MCX_OK);

    assert_int_equal(mcx_key_period_no(100, 0, 0, &x), MCX_ERR_ARG);
    assert_int_equal(mcx_key_period_no(100, 10, 101, &x), MCX_ERR_ARG);
    assert_int_equal(mcx_key_period_no(100, 10, 100, &x), MCX_OK);
    assert_int_equal(x, 0);
    assert_int_equal(mcx_key_period_no(3599719634u, 2592000, 0, &x), MCX_OK);
    assert_int_equal(x, 1388);
    assert_int_equal(mcx_key_period_no(1, 1, 0, NULL), MCX_ERR_ARG);
    assert_int_equal(mcx_key_period_start(1388, 2592000, 0, &x), MCX_OK);
    assert_int_equal(x, 1388ull * 2592000ull);
    assert_int_equal(mcx_key_period_start(UINT64_MAX, 2, 0, &x), MCX_ERR_ARG);
    assert_int_equal(mcx_key_period_start(1, 0, 0, &x), MCX_ERR_ARG);
}

static void test_rfc6509_id(void **state)
{
    (void)state;
    /* RFC 6507/6508 Appendix A identity "2011-02\0tel:+447700900123\0" (25 octets) */
    static const uint8_t want[] = {0x32, 0x30, 0x31, 0x31, 0x2D, 0x30, 0x32, 0x00, 0x74,
                                   0x65, 0x6C, 0x3A, 0x2B, 0x34, 0x34, 0x37, 0x37, 0x30,
                                   0x30, 0x39, 0x30, 0x30, 0x31, 0x32, 0x33, 0x00};
    uint8_t out[64];
    size_t n = sizeof out;
    assert_int_equal(mcx_rfc6509_id(2011, 2, "tel:+447700900123", out, &n), MCX_OK);
    assert_int_equal(n, sizeof want);
    assert_memory_equal(out, want, sizeof want);
    n = 10;
    assert_int_equal(mcx_rfc6509_id(2011, 2, "tel:+447700900123", out, &n), MCX_ERR_BUFFER_SMALL);
    assert_int_equal(n, sizeof want);
    n = sizeof out;
    assert_int_equal(mcx_rfc6509_id(2011, 13, "tel:+1", out, &n), MCX_ERR_ARG);
    assert_int_equal(mcx_rfc6509_id(2011, 0, "tel:+1", out, &n), MCX_ERR_ARG);
    assert_int_equal(mcx_rfc6509_id(10000, 1, "tel:+1", out, &n), MCX_ERR_ARG);
    assert_int_equal(mcx_rfc6509_id(2011, 1, "", out, &n), MCX_ERR_EMPTY_ID);
    assert_int_equal(mcx_rfc6509_id(2011, 1, NULL, out, &n), MCX_ERR_ARG);
    assert_int_equal(mcx_rfc6509_id(987, 12, "tel:+1", out, &n), MCX_OK);
    assert_memory_equal(out, "0987-12\0tel:+1\0", 15);
}

static uint32_t u32_hex(const struct mcxt_record *r, const char *key)
{
    uint8_t b[4];
    mcxt_hex_exact(r, key, b, 4);
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void test_guk_vectors(void **state)
{
    (void)state;
    struct mcxt_vecfile vf;
    struct mcxt_record r = {0};
    int npos = 0, nneg = 0;
    mcxt_vec_open(&vf, "guk_id.txt");
    while (mcxt_vec_next(&vf, &r)) {
        size_t gmk_len;
        uint8_t *gmk = mcxt_hex(mcxt_need(&r, "gmk"), &gmk_len);
        uint32_t gmk_id = u32_hex(&r, "gmk_id"), want = u32_hex(&r, "guk_id"), got = 0, back = 0;
        const char *uri = mcxt_need(&r, "uri");
        assert_int_equal(mcx_guk_id(gmk, gmk_len, gmk_id, uri, &got), MCX_OK);
        if (strcmp(mcxt_need(&r, "type"), "positive") == 0) {
            if (got != want)
                fail_msg("guk_id.txt line %u: got %08x want %08x", r.line, got, want);
            /* the same derivation maps the GUK-ID back to the GMK-ID */
            assert_int_equal(mcx_guk_id(gmk, gmk_len, got, uri, &back), MCX_OK);
            assert_int_equal(back, gmk_id);
            assert_int_equal(MCX_KEY_ID_PURPOSE(got), MCX_KEY_ID_PURPOSE(gmk_id));
            /* and the full KDF output */
            uint8_t kdf_want[MCX_KDF_OUT_BYTES], kdf_out[MCX_KDF_OUT_BYTES];
            mcxt_hex_exact(&r, "kdf", kdf_want, sizeof kdf_want);
            struct mcx_kdf_param p = {(const uint8_t *)uri, strlen(uri)};
            assert_int_equal(mcx_kdf_3gpp(gmk, gmk_len, 0x50, &p, 1, kdf_out), MCX_OK);
            assert_memory_equal(kdf_out, kdf_want, sizeof kdf_out);
            npos++;
        } else {
            assert_int_not_equal(got, want);
            nneg++;
        }
        free(gmk);
    }
    mcxt_record_free(&r);
    mcxt_vec_close(&vf);
    assert_true(npos >= 5);
    assert_true(nneg >= 3);
    /* purpose tag kept for every tag value */
    static const uint8_t k[16] = {9};
    for (uint32_t tag = 0; tag < 16; tag++) {
        uint32_t g = 0;
        assert_int_equal(mcx_guk_id(k, sizeof k, tag << 28 | 0x0123456u, "sip:x@y", &g), MCX_OK);
        assert_int_equal(MCX_KEY_ID_PURPOSE(g), tag);
    }
    uint32_t g = 1;
    assert_int_equal(mcx_guk_id(k, sizeof k, 1, "", &g), MCX_ERR_EMPTY_ID);
    assert_int_equal(g, 0);
    assert_int_equal(mcx_guk_id(k, 0, 1, "a", &g), MCX_ERR_ARG);
    assert_int_equal(mcx_guk_id(k, sizeof k, 1, NULL, &g), MCX_ERR_ARG);
    assert_int_equal(mcx_guk_id(k, sizeof k, 1, "a", NULL), MCX_ERR_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uid_vectors),
        cmocka_unit_test(test_uid_errors),
        cmocka_unit_test(test_rfc6509_id),
        cmocka_unit_test(test_guk_vectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
