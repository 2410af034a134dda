/*
 * Key-hierarchy tests (src/keys/keys.c): GUK-ID and SRTP master key/salt against the Streamwide and
 * Etherstack interop vectors, the digest §8.3 chain down to the MKI and the §3.3 PCK keys of both
 * call directions (each with negative siblings), DPCK and the Streamwide key-parameter payload
 * (open, and seal reproducing it byte for byte), signalling keys against an independent HMAC
 * computation, MKI layout, and key-parameter codec round trips and malformed inputs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "mcxsec/keys.h"
#include "mikey_vectors.h"

#define KV "mikey_keys.txt"

static void test_guk_id(void **state)
{
    (void)state;
    static const char *const secs[] = {"guk_alice", "guk_es1", "guk_es2", "guk_es3"};
    for (size_t i = 0; i < 4; i++) {
        uint8_t gmk[16];
        assert_int_equal(vec_get_hex(KV, secs[i], "gmk", gmk, 16), 16);
        uint32_t gmk_id = vec_get_u32hex(KV, secs[i], "gmk_id");
        uint32_t want = vec_get_u32hex(KV, secs[i], "guk_id");
        char *uri = vec_get(KV, secs[i], "uri");
        assert_non_null(uri);
        uint32_t guk = 0, back = 0;
        assert_int_equal(mcx_guk_id(gmk, 16, gmk_id, uri, &guk), MCX_OK);
        assert_int_equal(guk, want);
        assert_int_equal(mcx_guk_id(gmk, 16, guk, uri, &back), MCX_OK);
        assert_int_equal(back, gmk_id);
        free(uri);
    }
}

static void test_srtp_master(void **state)
{
    (void)state;
    static const char *const secs[] = {"srtp_es1", "srtp_es2",      "srtp_es3",
                                       "srtp_csk", "srtp_keyderiv", "srtp_sw_test1"};
    for (size_t i = 0; i < sizeof secs / sizeof secs[0]; i++) {
        uint8_t tgk[16], rand[16], cs[1] = {0}, wk[16], ws[12], k[16], s[12];
        assert_int_equal(vec_get_hex(KV, secs[i], "tgk", tgk, 16), 16);
        assert_int_equal(vec_get_hex(KV, secs[i], "rand", rand, 16), 16);
        assert_int_equal(vec_get_hex(KV, secs[i], "cs_id", cs, 1), 1);
        assert_int_equal(vec_get_hex(KV, secs[i], "master_key", wk, 16), 16);
        assert_int_equal(vec_get_hex(KV, secs[i], "master_salt", ws, 12), 12);
        uint32_t csb = vec_get_u32hex(KV, secs[i], "csb_id");
        assert_int_equal(mcx_srtp_master(tgk, cs[0], csb, rand, 16, k, s), MCX_OK);
        if (memcmp(k, wk, 16) != 0 || memcmp(s, ws, 12) != 0)
            fail_msg("%s: master key/salt differ", secs[i]);
        /* one bit of the CSB-ID changes everything */
        assert_int_equal(mcx_srtp_master(tgk, cs[0], csb ^ 1, rand, 16, k, s), MCX_OK);
        assert_memory_not_equal(k, wk, 16);
    }
    uint8_t z[16] = {0}, k[16], s[12];
    assert_int_equal(mcx_srtp_master(z, 4, 1, z, 0, k, s), MCX_ERR_ARG);
}

/* Master key/salt of a section, with the CSB-ID from csb_id or, for a chain, from the GUK-ID of
 * gmk/gmk_id/uri; the MKI likewise (4-octet key ID, or GMK-ID || GUK-ID). */
static void section_keys(const char *sec, uint8_t k[16], uint8_t s[12], uint8_t mki[MCX_MKI_MAX],
                         size_t *mki_len)
{
    uint8_t tgk[16], rand[16], cs[1] = {0};
    char *uri = vec_get(KV, sec, "uri");
    assert_int_equal(vec_get_hex(KV, sec, uri ? "gmk" : "tgk", tgk, 16), 16);
    assert_int_equal(vec_get_hex(KV, sec, "rand", rand, 16), 16);
    assert_int_equal(vec_get_hex(KV, sec, "cs_id", cs, 1), 1);
    uint32_t csb;
    if (uri != NULL) {
        uint32_t gmk_id = vec_get_u32hex(KV, sec, "gmk_id");
        assert_int_equal(mcx_guk_id(tgk, 16, gmk_id, uri, &csb), MCX_OK);
        *mki_len = mcx_mki(gmk_id, &csb, mki);
        free(uri);
    } else {
        csb = vec_get_u32hex(KV, sec, "csb_id");
        *mki_len = mcx_mki(csb, NULL, mki);
    }
    assert_int_equal(mcx_srtp_master(tgk, cs[0], csb, rand, 16, k, s), MCX_OK);
}

/* Digest §8.3 chain up to the MKI, §3.3 PCK per direction, and their negative siblings. */
static void test_chain_and_directions(void **state)
{
    (void)state;
    static const char *const pos[] = {"chain_es1", "srtp_pck_cs0", "srtp_pck_cs1"};
    static const char *const neg[] = {"neg_chain_es1_member", "neg_srtp_pck_cs0_direction",
                                      "neg_srtp_pck_cs1_rand", "neg_srtp_pck_cs0_key"};
    uint8_t k[16], s[12], wk[16], ws[12], mki[MCX_MKI_MAX], wmki[MCX_MKI_MAX];
    size_t ml, wml;
    for (size_t i = 0; i < sizeof pos / sizeof pos[0]; i++) {
        section_keys(pos[i], k, s, mki, &ml);
        assert_int_equal(vec_get_hex(KV, pos[i], "master_key", wk, 16), 16);
        assert_int_equal(vec_get_hex(KV, pos[i], "master_salt", ws, 12), 12);
        wml = vec_get_hex(KV, pos[i], "mki", wmki, sizeof wmki);
        if (memcmp(k, wk, 16) != 0 || memcmp(s, ws, 12) != 0 || ml != wml ||
            memcmp(mki, wmki, ml) != 0)
            fail_msg("%s: master key, salt or MKI differ", pos[i]);
        char *guk_s = vec_get(KV, pos[i], "guk_id");
        int has_guk = guk_s != NULL;
        free(guk_s);
        if (has_guk) {
            uint32_t key_id, guk;
            assert_int_equal(mcx_mki_parse(mki, ml, &key_id, &guk), MCX_OK);
            assert_int_equal(guk, vec_get_u32hex(KV, pos[i], "guk_id"));
            assert_int_equal(key_id, vec_get_u32hex(KV, pos[i], "gmk_id"));
        }
    }
    for (size_t i = 0; i < sizeof neg / sizeof neg[0]; i++) {
        section_keys(neg[i], k, s, mki, &ml);
        assert_int_equal(vec_get_hex(KV, neg[i], "master_key", wk, 16), 16);
        assert_int_equal(vec_get_hex(KV, neg[i], "master_salt", ws, 12), 12);
        if (memcmp(k, wk, 16) == 0 || memcmp(s, ws, 12) == 0)
            fail_msg("%s: the changed input gave the published output", neg[i]);
        wml = vec_get_hex(KV, neg[i], "mki", wmki, sizeof wmki);
        if (wml != (size_t)-1 && wml == ml && memcmp(mki, wmki, ml) == 0)
            fail_msg("%s: the changed input gave the published MKI", neg[i]);
    }
}

static void test_dpck_and_params(void **state)
{
    (void)state;
    uint8_t dppk[16], want[16], dpck[16], prot[128], plain[64];
    assert_int_equal(vec_get_hex(KV, "dpck_sw_test1", "dppk", dppk, 16), 16);
    assert_int_equal(vec_get_hex(KV, "dpck_sw_test1", "dpck", want, 16), 16);
    uint32_t id = vec_get_u32hex(KV, "dpck_sw_test1", "dppk_id");
    assert_int_equal(mcx_dpck(dppk, id, dpck), MCX_OK);
    assert_memory_equal(dpck, want, 16);
    size_t pl = vec_get_hex(KV, "dpck_sw_test1", "protected", prot, sizeof prot);
    assert_int_equal(pl, 71);
    size_t ptl = vec_get_hex(KV, "dpck_sw_test1", "plain", plain, sizeof plain);
    struct mcx_key_params kp;
    assert_int_equal(mcx_key_params_open(dppk, id, prot, pl, &kp), MCX_OK);
    assert_int_equal(kp.key_type, 0);
    assert_int_equal(kp.status, MCX_KEY_STATUS_NOT_REVOKED);
    assert_true(kp.activation == 0 && kp.expiry == 0);
    assert_string_equal(kp.text, "");
    assert_int_equal(kp.has_groups, 1);
    assert_int_equal(kp.n_groups, 0);
    /* the encoder gives the same plaintext, and sealing with the same IV and date the same bytes */
    uint8_t enc[64];
    size_t el = sizeof enc;
    assert_int_equal(mcx_key_params_encode(&kp, enc, &el), MCX_OK);
    assert_int_equal(el, ptl);
    assert_memory_equal(enc, plain, ptl);
    uint8_t sealed[128];
    size_t sl = sizeof sealed;
    assert_int_equal(mcx_key_params_seal(dppk, id, &kp, 1, prot + 12, sealed, &sl), MCX_OK);
    assert_int_equal(sl, pl);
    assert_memory_equal(sealed, prot, pl);
    /* negative siblings: a flipped tag/ciphertext bit, a wrong DPPK-ID, a truncated payload */
    uint8_t bad[128];
    memcpy(bad, prot, pl);
    bad[pl - 1] ^= 1;
    assert_int_equal(mcx_key_params_open(dppk, id, bad, pl, &kp), MCX_ERR_VERIFY);
    memcpy(bad, prot, pl);
    bad[40] ^= 0x80;
    assert_int_equal(mcx_key_params_open(dppk, id, bad, pl, &kp), MCX_ERR_VERIFY);
    memcpy(bad, prot, pl);
    bad[5] ^= 1; /* header date is authenticated data */
    assert_int_equal(mcx_key_params_open(dppk, id, bad, pl, &kp), MCX_ERR_VERIFY);
    assert_int_equal(mcx_key_params_open(dppk, id ^ 1, prot, pl, &kp), MCX_ERR_MIKEY_PARAMS);
    assert_int_equal(mcx_key_params_open(dppk, id, prot, pl - 1, &kp), MCX_ERR_MIKEY_PARAMS);
}

static void test_params_roundtrip(void **state)
{
    (void)state;
    struct mcx_key_params kp, d;
    memset(&kp, 0, sizeof kp);
    kp.key_type = 0;
    kp.status = MCX_KEY_STATUS_NOT_REVOKED | MCX_KEY_STATUS_GATEWAY;
    kp.activation = 3968437672ULL;
    kp.expiry = 3968437672ULL + 86400;
    memcpy(kp.text, "Fire brigade", 13);
    kp.has_groups = 1;
    kp.n_groups = 2;
    memcpy(kp.groups[0], "sip:fire@example.org", 21);
    memcpy(kp.groups[1], "sip:fire-video@example.org", 27);
    uint8_t buf[512];
    size_t bl = sizeof buf;
    assert_int_equal(mcx_key_params_encode(&kp, buf, &bl), MCX_OK);
    assert_int_equal(mcx_key_params_decode(buf, bl, &d), MCX_OK);
    assert_int_equal(d.status, kp.status);
    assert_true(d.activation == kp.activation && d.expiry == kp.expiry);
    assert_string_equal(d.text, "Fire brigade");
    assert_int_equal(d.n_groups, 2);
    assert_string_equal(d.groups[1], "sip:fire-video@example.org");
    for (size_t l = 0; l < bl; l++) {
        if (l == 17 + 12)
            continue; /* without the Group IDs element the payload is complete */
        if (mcx_key_params_decode(buf, l, &d) == MCX_OK)
            fail_msg("truncated params (%zu) accepted", l);
    }
    buf[bl] = 0;
    assert_int_equal(mcx_key_params_decode(buf, bl + 1, &d), MCX_ERR_MIKEY_PARAMS);
    kp.activation = 1ULL << 40;
    bl = sizeof buf;
    assert_int_equal(mcx_key_params_encode(&kp, buf, &bl), MCX_ERR_ARG);
}

static void test_signalling_keys(void **state)
{
    (void)state;
    static const uint8_t xpk[16] = {0x28, 0xba, 0x74, 0x44, 0x7f, 0x03, 0x7d, 0xcc,
                                    0x09, 0xad, 0x7f, 0x25, 0x76, 0xdc, 0x2d, 0xef};
    const char *uri = "sip:alice@streamwide.com";
    uint32_t id = 0x2ddd5bf0;
    for (unsigned fc = 0x51; fc <= 0x52; fc++) {
        uint8_t k[16], s[64], mac[32];
        size_t n = 0, ul = strlen(uri);
        s[n++] = (uint8_t)fc;
        memcpy(s + n, uri, ul);
        n += ul;
        s[n++] = 0;
        s[n++] = (uint8_t)ul;
        s[n++] = 0x2d;
        s[n++] = 0xdd;
        s[n++] = 0x5b;
        s[n++] = 0xf0;
        s[n++] = 0;
        s[n++] = 4;
        unsigned ml = 0;
        assert_non_null(HMAC(EVP_sha256(), xpk, 16, s, n, mac, &ml));
        assert_int_equal(mcx_signalling_key(xpk, id, uri, (uint8_t)fc, k), MCX_OK);
        assert_memory_equal(k, mac + 16, 16); /* the 128 least significant bits */
    }
    uint8_t k[16];
    assert_int_equal(mcx_signalling_key(xpk, id, uri, 0x53, k), MCX_ERR_ARG);
    assert_int_equal(mcx_signalling_key(xpk, id, "", 0x51, k), MCX_ERR_EMPTY_ID);
}

static void test_mki(void **state)
{
    (void)state;
    uint8_t mki[MCX_MKI_MAX];
    uint32_t guk = 0x06a12aea, a, b;
    assert_int_equal(mcx_mki(0x0df9bc39, &guk, mki), 8);
    static const uint8_t want[8] = {0x0d, 0xf9, 0xbc, 0x39, 0x06, 0xa1, 0x2a, 0xea};
    assert_memory_equal(mki, want, 8);
    assert_int_equal(mcx_mki_parse(mki, 8, &a, &b), MCX_OK);
    assert_true(a == 0x0df9bc39 && b == guk);
    assert_int_equal(mcx_mki(0x16992638, NULL, mki), 4);
    assert_int_equal(mcx_mki_parse(mki, 4, &a, &b), MCX_OK);
    assert_true(a == 0x16992638 && b == 0);
    assert_int_equal(mcx_mki_parse(mki, 5, &a, &b), MCX_ERR_LENGTH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_guk_id),
        cmocka_unit_test(test_srtp_master),
        cmocka_unit_test(test_dpck_and_params),
        cmocka_unit_test(test_params_roundtrip),
        cmocka_unit_test(test_signalling_keys),
        cmocka_unit_test(test_mki),
        cmocka_unit_test(test_chain_and_directions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
