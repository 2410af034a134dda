/*
 * Unit tests of the client key store (src/keys/keystore.c): put / get / replace / prune, sealing
 * round trips with a raw key and with a passphrase, refusal of a wrong key or passphrase, of the
 * other kind of secret, of every single-bit flip in a sealed blob, and of truncated blobs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mcxsec/keystore.h"

static const char CERT[] = "<KmsCertificate>cert</KmsCertificate>";
static const char KS1[] = "<KmsKeySet>period 5</KmsKeySet>";
static const char KS2[] = "<KmsKeySet>period 6</KmsKeySet>";

static mcx_keystore *filled(void)
{
    mcx_keystore *ks;
    assert_int_equal(mcx_keystore_new(&ks), MCX_OK);
    assert_int_equal(mcx_keystore_put(ks, MCX_KEYSTORE_CERT, "kms.example.org", 0, CERT, strlen(CERT)), MCX_OK);
    assert_int_equal(mcx_keystore_put(ks, MCX_KEYSTORE_KEYSET, "sip:a@x", 5, KS1, strlen(KS1)), MCX_OK);
    assert_int_equal(mcx_keystore_put(ks, MCX_KEYSTORE_KEYSET, "sip:a@x", 6, KS2, strlen(KS2)), MCX_OK);
    return ks;
}

static void test_entries(void **state)
{
    (void)state;
    mcx_keystore *ks = filled();
    const char *d;
    size_t n;
    assert_int_equal(mcx_keystore_count(ks), 3);
    assert_int_equal(mcx_keystore_get(ks, MCX_KEYSTORE_KEYSET, "sip:a@x", 6, &d, &n), MCX_OK);
    assert_int_equal(n, strlen(KS2));
    assert_memory_equal(d, KS2, n);
    assert_int_equal(mcx_keystore_get(ks, MCX_KEYSTORE_KEYSET, "sip:a@x", 7, &d, &n), MCX_ERR_NOT_FOUND);
    assert_int_equal(mcx_keystore_get(ks, MCX_KEYSTORE_CERT, "sip:a@x", 5, &d, &n), MCX_ERR_NOT_FOUND);
    /* replace keeps the count */
    assert_int_equal(mcx_keystore_put(ks, MCX_KEYSTORE_KEYSET, "sip:a@x", 6, KS1, strlen(KS1)), MCX_OK);
    assert_int_equal(mcx_keystore_count(ks), 3);
    assert_int_equal(mcx_keystore_prune(ks, NULL, 6), 1);
    assert_int_equal(mcx_keystore_count(ks), 2);
    assert_int_equal(mcx_keystore_put(ks, 9, "x", 0, "d", 1), MCX_ERR_ARG);
    assert_int_equal(mcx_keystore_put(ks, MCX_KEYSTORE_CERT, "", 0, "d", 1), MCX_ERR_LENGTH);
    mcx_keystore_free(ks);
}

static void roundtrip(const struct mcx_keystore_secret *good, const struct mcx_keystore_secret *bad,
                      int flip_all)
{
    mcx_keystore *ks = filled(), *back = NULL;
    uint8_t *blob;
    size_t len;
    const char *d;
    size_t n;
    assert_int_equal(mcx_keystore_seal(ks, good, &blob, &len), MCX_OK);
    assert_int_equal(mcx_keystore_open(&back, blob, len, good), MCX_OK);
    assert_int_equal(mcx_keystore_count(back), 3);
    assert_int_equal(mcx_keystore_get(back, MCX_KEYSTORE_KEYSET, "sip:a@x", 5, &d, &n), MCX_OK);
    assert_memory_equal(d, KS1, n);
    mcx_keystore_free(back);
    back = NULL;
    assert_int_equal(mcx_keystore_open(&back, blob, len, bad), MCX_ERR_VERIFY);
    assert_null(back);
    /* truncated */
    assert_int_not_equal(mcx_keystore_open(&back, blob, len - 1, good), MCX_OK);
    assert_int_not_equal(mcx_keystore_open(&back, blob, 10, good), MCX_OK);
    /* bit flips: every octet with a raw key (cheap), a sample with a passphrase */
    for (size_t i = 0; i < len; i += flip_all ? 1 : 97) {
        blob[i] ^= 0x01;
        mcx_err e = mcx_keystore_open(&back, blob, len, good);
        if (e == MCX_OK)
            fail_msg("flip at %zu accepted", i);
        assert_null(back);
        blob[i] ^= 0x01;
    }
    mcx_keystore_blob_free(blob, len);
    mcx_keystore_free(ks);
}

static void test_seal_key(void **state)
{
    (void)state;
    uint8_t k1[32], k2[32];
    memset(k1, 0x42, 32);
    memcpy(k2, k1, 32);
    k2[31] ^= 1;
    struct mcx_keystore_secret good = {k1, 32, 0}, bad = {k2, 32, 0};
    roundtrip(&good, &bad, 1);
    struct mcx_keystore_secret pass = {(const uint8_t *)"a passphrase", 12, 1};
    mcx_keystore *ks = filled();
    uint8_t *blob;
    size_t len;
    assert_int_equal(mcx_keystore_seal(ks, &good, &blob, &len), MCX_OK);
    mcx_keystore *back = NULL;
    assert_int_equal(mcx_keystore_open(&back, blob, len, &pass), MCX_ERR_VERIFY); /* other kind */
    mcx_keystore_blob_free(blob, len);
    mcx_keystore_free(ks);
    struct mcx_keystore_secret shortkey = {k1, 31, 0};
    ks = filled();
    assert_int_equal(mcx_keystore_seal(ks, &shortkey, &blob, &len), MCX_ERR_LENGTH);
    mcx_keystore_free(ks);
}

static void test_seal_passphrase(void **state)
{
    (void)state;
    struct mcx_keystore_secret good = {(const uint8_t *)"correct horse", 13, 1};
    struct mcx_keystore_secret bad = {(const uint8_t *)"correct horsf", 13, 1};
    roundtrip(&good, &bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entries),
        cmocka_unit_test(test_seal_key),
        cmocka_unit_test(test_seal_passphrase),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
