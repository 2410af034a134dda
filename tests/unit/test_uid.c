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

/* UID from (uri, kms, period, offset, period_no) */
static int uid_compute(const struct mcxt_inputs *in, uint8_t *out, size_t out_len, void *arg)
{
    (void)arg;
    char *uri = mcxt_in_get_str(in, 0), *kms = mcxt_in_get_str(in, 1);
    mcx_err rc = out_len == MCX_UID_BYTES
                     ? mcx_uid(uri, kms, mcxt_in_get_u64(in, 2), mcxt_in_get_u64(in, 3),
                               mcxt_in_get_u64(in, 4), out)
                     : MCX_ERR_LENGTH;
    free(uri);
    free(kms);
    return rc != MCX_OK;
}

static void test_uid_vectors(void **state)
{
    (void)state;
    struct mcxt_vecfile vf;
    struct mcxt_record r = {0};
    int npos = 0, nneg = 0;
    size_t siblings = 0;
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
        if (strcmp(mcxt_need(&r, "type"), "positive") == 0) {
            struct mcxt_inputs in = {0};
            mcxt_in_str(&in, "uri", mcxt_need(&r, "uri"));
            mcxt_in_str(&in, "kms", mcxt_need(&r, "kms"));
            mcxt_in_u64(&in, "period", period);
            mcxt_in_u64(&in, "offset", offset);
            mcxt_in_u64(&in, "period_no", no);
            siblings += mcxt_check_positive("ts33180_uid.txt", &r, &in, uid_compute, NULL, want,
                                            sizeof want);
            mcxt_in_free(&in);
            npos++;
        } else {
            assert_int_equal(
                mcx_uid(mcxt_need(&r, "uri"), mcxt_need(&r, "kms"), period, offset, no, uid),
                MCX_OK);
            assert_memory_not_equal(uid, want, sizeof uid);
            nneg++;
        }
    }
    mcxt_record_free(&r);
    mcxt_vec_close(&vf);
    assert_true(npos >= 9);
    assert_true(nneg >= 3);
    /* every positive vector: 5 flipped inputs and 32 flipped output octets */
    assert_true(siblings >= (size_t)npos * (5 + MCX_UID_BYTES));
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

/* RFC 6509 identifier from (year, month, tel URI) */
static int rfc6509_compute(const struct mcxt_inputs *in, uint8_t *out, size_t out_len, void *arg)
{
    (void)arg;
    uint8_t buf[256];
    size_t n = sizeof buf;
    char *uri = mcxt_in_get_str(in, 2);
    uint64_t year = mcxt_in_get_u64(in, 0), month = mcxt_in_get_u64(in, 1);
    mcx_err rc = year > 0xFFFFFFFFu || month > 0xFFFFFFFFu
                     ? MCX_ERR_ARG
                     : mcx_rfc6509_id((unsigned)year, (unsigned)month, uri, buf, &n);
    free(uri);
    if (rc != MCX_OK || n != out_len)
        return 1;
    memcpy(out, buf, n);
    return 0;
}

static void test_rfc6509_id(void **state)
{
    (void)state;
    struct mcxt_vecfile vf;
    struct mcxt_record r = {0};
    int npos = 0;
    size_t siblings = 0;
    mcxt_vec_open(&vf, "rfc6509_id.txt");
    while (mcxt_vec_next(&vf, &r)) {
        size_t want_len;
        uint8_t *want = mcxt_hex(mcxt_need(&r, "id"), &want_len);
        struct mcxt_inputs in = {0};
        assert_string_equal(mcxt_need(&r, "type"), "positive");
        mcxt_in_u64(&in, "year", mcxt_u64(&r, "year"));
        mcxt_in_u64(&in, "month", mcxt_u64(&r, "month"));
        mcxt_in_str(&in, "uri", mcxt_need(&r, "uri"));
        siblings +=
            mcxt_check_positive("rfc6509_id.txt", &r, &in, rfc6509_compute, NULL, want, want_len);
        mcxt_in_free(&in);
        free(want);
        npos++;
    }
    mcxt_record_free(&r);
    mcxt_vec_close(&vf);
    assert_true(npos >= 3);
    assert_true(siblings >= (size_t)npos * 3);
}

static void test_rfc6509_id_errors(void **state)
{
    (void)state;
    static const uint8_t want[] = "2011-02\0tel:+447700900123"; /* + its terminating NUL: 26 */
    uint8_t out[64];
    size_t n = 10;
    assert_int_equal(mcx_rfc6509_id(2011, 2, "tel:+447700900123", out, &n), MCX_ERR_BUFFER_SMALL);
    assert_int_equal(n, sizeof want);
    n = sizeof out;
    assert_int_equal(mcx_rfc6509_id(2011, 13, "tel:+1", out, &n), MCX_ERR_ARG);
    assert_int_equal(mcx_rfc6509_id(2011, 0, "tel:+1", out, &n), MCX_ERR_ARG);
    assert_int_equal(mcx_rfc6509_id(10000, 1, "tel:+1", out, &n), MCX_ERR_ARG);
    assert_int_equal(mcx_rfc6509_id(2011, 1, "", out, &n), MCX_ERR_EMPTY_ID);
    assert_int_equal(mcx_rfc6509_id(2011, 1, NULL, out, &n), MCX_ERR_ARG);
}

static uint32_t u32_hex(const struct mcxt_record *r, const char *key)
{
    uint8_t b[4];
    mcxt_hex_exact(r, key, b, 4);
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* GUK-ID from (gmk, gmk_id, uri), as 4 big-endian octets */
static int guk_compute(const struct mcxt_inputs *in, uint8_t *out, size_t out_len, void *arg)
{
    (void)arg;
    uint32_t got = 0;
    char *uri = mcxt_in_get_str(in, 2);
    mcx_err rc = mcx_guk_id(in->p[0], in->len[0], (uint32_t)mcxt_in_get_u64(in, 1), uri, &got);
    free(uri);
    if (rc != MCX_OK || out_len != 4)
        return 1;
    out[0] = (uint8_t)(got >> 24), out[1] = (uint8_t)(got >> 16), out[2] = (uint8_t)(got >> 8);
    out[3] = (uint8_t)got;
    return 0;
}

/* the full KDF output KDF(gmk, FC 0x50, P0 = uri) */
static int guk_kdf_compute(const struct mcxt_inputs *in, uint8_t *out, size_t out_len, void *arg)
{
    (void)arg;
    struct mcx_kdf_param p = {in->p[1], in->len[1]};
    return out_len != MCX_KDF_OUT_BYTES ||
           mcx_kdf_3gpp(in->p[0], in->len[0], 0x50, &p, 1, out) != MCX_OK;
}

static void test_guk_vectors(void **state)
{
    (void)state;
    struct mcxt_vecfile vf;
    struct mcxt_record r = {0};
    int npos = 0, nneg = 0;
    size_t siblings = 0;
    mcxt_vec_open(&vf, "guk_id.txt");
    while (mcxt_vec_next(&vf, &r)) {
        size_t gmk_len;
        uint8_t *gmk = mcxt_hex(mcxt_need(&r, "gmk"), &gmk_len);
        uint8_t want_b[4];
        mcxt_hex_exact(&r, "guk_id", want_b, sizeof want_b);
        uint32_t gmk_id = u32_hex(&r, "gmk_id"), want = u32_hex(&r, "guk_id"), got = 0, back = 0;
        const char *uri = mcxt_need(&r, "uri");
        if (strcmp(mcxt_need(&r, "type"), "positive") == 0) {
            struct mcxt_inputs in = {0};
            uint8_t id_b[4];
            mcxt_hex_exact(&r, "gmk_id", id_b, sizeof id_b);
            mcxt_in_bytes(&in, "gmk", gmk, gmk_len);
            mcxt_in_bytes(&in, "gmk_id", id_b, sizeof id_b);
            mcxt_in_str(&in, "uri", uri);
            siblings += mcxt_check_positive("guk_id.txt", &r, &in, guk_compute, NULL, want_b,
                                            sizeof want_b);
            mcxt_in_free(&in);
            /* the same derivation maps the GUK-ID back to the GMK-ID */
            assert_int_equal(mcx_guk_id(gmk, gmk_len, want, uri, &back), MCX_OK);
            assert_int_equal(back, gmk_id);
            assert_int_equal(MCX_KEY_ID_PURPOSE(want), MCX_KEY_ID_PURPOSE(gmk_id));
            /* and the full KDF output */
            uint8_t kdf_want[MCX_KDF_OUT_BYTES];
            mcxt_hex_exact(&r, "kdf", kdf_want, sizeof kdf_want);
            mcxt_in_bytes(&in, "gmk", gmk, gmk_len);
            mcxt_in_str(&in, "uri", uri);
            siblings += mcxt_check_positive("guk_id.txt (kdf)", &r, &in, guk_kdf_compute, NULL,
                                            kdf_want, sizeof kdf_want);
            mcxt_in_free(&in);
            npos++;
        } else {
            assert_int_equal(mcx_guk_id(gmk, gmk_len, gmk_id, uri, &got), MCX_OK);
            assert_int_not_equal(got, want);
            nneg++;
        }
        free(gmk);
    }
    mcxt_record_free(&r);
    mcxt_vec_close(&vf);
    assert_true(npos >= 5);
    assert_true(nneg >= 3);
    assert_true(siblings >= (size_t)npos * (3 + 4 + 2 + MCX_KDF_OUT_BYTES));
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
        cmocka_unit_test(test_uid_vectors), cmocka_unit_test(test_uid_errors),
        cmocka_unit_test(test_rfc6509_id),  cmocka_unit_test(test_rfc6509_id_errors),
        cmocka_unit_test(test_guk_vectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
