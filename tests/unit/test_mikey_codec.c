/*
 * MIKEY codec tests: the Streamwide GMK/CSK/PCK I_MESSAGEs decode to the fields of digest §5.11 and
 * re-encode byte for byte; decode(encode(x)) == x for built messages; key data sub-payloads; and
 * negative cases (truncation at every length, trailing octets, unknown payload, duplicates, version,
 * short RAND, SIGN not last, bad map type, limits).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mcxsec/mikey.h"
#include "mikey_vectors.h"

#define SW "streamwide_v5.txt"

static size_t load_msg(const char *section, uint8_t *buf, size_t cap)
{
    size_t n = vec_get_b64(SW, section, "message", buf, cap);
    assert_true(n != (size_t)-1 && n > 0);
    return n;
}

static void roundtrip(const uint8_t *msg, size_t len)
{
    struct mcx_mikey_msg m;
    struct mcx_mikey_layout lay, lay2;
    assert_int_equal(mcx_mikey_decode(msg, len, &m, &lay), MCX_OK);
    uint8_t out[MCX_MIKEY_MAX_MSG];
    size_t ol = sizeof out;
    assert_int_equal(mcx_mikey_encode(&m, out, &ol, &lay2), MCX_OK);
    assert_int_equal(ol, len);
    assert_memory_equal(out, msg, len);
    assert_int_equal(lay.sig_off, lay2.sig_off);
    assert_int_equal(lay.mac_off, lay2.mac_off);
    /* a too-small buffer reports the need */
    size_t small = len - 1;
    assert_int_equal(mcx_mikey_encode(&m, out, &small, NULL), MCX_ERR_BUFFER_SMALL);
    assert_int_equal(small, len);
}

static void test_streamwide_gmk_decode(void **state)
{
    (void)state;
    uint8_t msg[2048];
    size_t len = load_msg("test1_gmk", msg, sizeof msg);
    assert_int_equal(len, 701);
    struct mcx_mikey_msg m;
    struct mcx_mikey_layout lay;
    assert_int_equal(mcx_mikey_decode(msg, len, &m, &lay), MCX_OK);
    /* digest §5.11 */
    assert_int_equal(m.hdr.version, 1);
    assert_int_equal(m.hdr.data_type, 26);
    assert_int_equal(m.hdr.v, 0);
    assert_int_equal(m.hdr.prf, 1);
    assert_int_equal(m.hdr.csb_id, 0x06a12aea);
    assert_int_equal(m.hdr.map_type, MCX_MIKEY_MAP_GENERIC);
    assert_int_equal(m.hdr.n_cs, 1);
    assert_int_equal(m.hdr.cs[0].cs_id, 4);
    assert_int_equal(m.hdr.cs[0].n_policies, 1);
    assert_int_equal(m.hdr.cs[0].spi.len, 8);
    static const uint8_t spi[8] = {0x0d, 0xf9, 0xbc, 0x39, 0x06, 0xa1, 0x2a, 0xea};
    assert_memory_equal(m.hdr.cs[0].spi.p, spi, 8);
    assert_int_equal(m.n, 10);
    static const uint8_t types[10] = {5, 11, 14, 14, 14, 14, 10, 26, 21, 4};
    for (size_t i = 0; i < 10; i++)
        assert_int_equal(m.p[i].type, types[i]);
    assert_int_equal(m.p[0].u.t.ts_type, 0);
    assert_true(m.p[0].u.t.value == 0xec898da800000000ULL);
    uint8_t rand[16];
    assert_int_equal(vec_get_hex(SW, "test1_gmk", "rand", rand, 16), 16);
    assert_int_equal(m.p[1].u.rand.len, 16);
    assert_memory_equal(m.p[1].u.rand.p, rand, 16);
    assert_int_equal(m.p[2].u.idr.role, MCX_MIKEY_ROLE_UIDI);
    assert_int_equal(m.p[2].u.idr.id.len, 32);
    uint8_t uid[32];
    assert_int_equal(vec_get_hex(SW, "gms", "user_id", uid, 32), 32);
    assert_memory_equal(m.p[2].u.idr.id.p, uid, 32);
    assert_int_equal(m.p[3].u.idr.role, MCX_MIKEY_ROLE_UIDR);
    assert_int_equal(vec_get_hex(SW, "alice", "user_id", uid, 32), 32);
    assert_memory_equal(m.p[3].u.idr.id.p, uid, 32);
    assert_int_equal(m.p[4].u.idr.role, MCX_MIKEY_ROLE_KMSI);
    assert_int_equal(m.p[4].u.idr.id.len, 24);
    assert_memory_equal(m.p[4].u.idr.id.p, "kms.mydev.streamwide.com", 24);
    assert_int_equal(m.p[5].u.idr.role, MCX_MIKEY_ROLE_KMSR);
    assert_int_equal(m.p[6].u.sp.params.len, 27);
    assert_int_equal(m.p[7].u.sakke.params, 1);
    assert_int_equal(m.p[7].u.sakke.id_scheme, 2);
    assert_int_equal(m.p[7].u.sakke.data.len, 273);
    assert_int_equal(m.p[8].u.gext.type, 7);
    assert_int_equal(m.p[8].u.gext.data.len, 71);
    assert_int_equal(m.p[9].u.sign.s_type, 2);
    assert_int_equal(m.p[9].u.sign.sig.len, 129);
    assert_int_equal(lay.sig_off, 572);
    assert_int_equal(lay.total, 701);
    roundtrip(msg, len);
}

static void test_streamwide_all_roundtrip(void **state)
{
    (void)state;
    static const char *const sections[] = {"test1_gmk", "test2_csk", "test3_pck"};
    for (size_t i = 0; i < 3; i++) {
        uint8_t msg[2048];
        size_t len = load_msg(sections[i], msg, sizeof msg);
        roundtrip(msg, len);
    }
    /* PCK: #CS = 0 with the empty map (digest §5.3) */
    uint8_t msg[2048];
    size_t len = load_msg("test3_pck", msg, sizeof msg);
    struct mcx_mikey_msg m;
    assert_int_equal(mcx_mikey_decode(msg, len, &m, NULL), MCX_OK);
    assert_int_equal(m.hdr.n_cs, 0);
    assert_int_equal(m.hdr.map_type, MCX_MIKEY_MAP_EMPTY);
    assert_int_equal(m.hdr.csb_id, 0x16992638);
    len = load_msg("test2_csk", msg, sizeof msg);
    assert_int_equal(mcx_mikey_decode(msg, len, &m, NULL), MCX_OK);
    assert_int_equal(m.hdr.cs[0].cs_id, 6);
    assert_int_equal(m.hdr.cs[0].spi.len, 4);
}

static void test_truncation_and_trailing(void **state)
{
    (void)state;
    uint8_t msg[2048];
    size_t len = load_msg("test1_gmk", msg, sizeof msg);
    struct mcx_mikey_msg m;
    for (size_t l = 0; l < len; l++) {
        mcx_err rc = mcx_mikey_decode(msg, l, &m, NULL);
        if (rc == MCX_OK)
            fail_msg("truncated to %zu accepted", l);
    }
    uint8_t longer[2048];
    memcpy(longer, msg, len);
    longer[len] = 0;
    assert_int_equal(mcx_mikey_decode(longer, len + 1, &m, NULL), MCX_ERR_DECODE);
}

static void test_malformed(void **state)
{
    (void)state;
    uint8_t msg[2048], bad[2048];
    size_t len = load_msg("test1_gmk", msg, sizeof msg);
    struct mcx_mikey_msg m;
    /* version 2 */
    memcpy(bad, msg, len);
    bad[0] = 2;
    assert_int_equal(mcx_mikey_decode(bad, len, &m, NULL), MCX_ERR_DECODE);
    /* unknown CS map type */
    memcpy(bad, msg, len);
    bad[9] = 7;
    assert_int_equal(mcx_mikey_decode(bad, len, &m, NULL), MCX_ERR_DECODE);
    /* unknown first payload type (HDR next = 99) */
    memcpy(bad, msg, len);
    bad[2] = 99;
    assert_int_equal(mcx_mikey_decode(bad, len, &m, NULL), MCX_ERR_DECODE);
    /* T payload says next = T again: the IDR bytes are then read as a second T -> duplicate */
    memcpy(bad, msg, len);
    bad[25] = 5;
    mcx_err rc = mcx_mikey_decode(bad, len, &m, NULL);
    assert_true(rc == MCX_ERR_MIKEY_PAYLOAD || rc == MCX_ERR_DECODE);
    /* RAND shorter than 128 bits (RAND len 15; the rest then misparses and must fail) */
    memcpy(bad, msg, len);
    bad[36] = 15;
    assert_int_not_equal(mcx_mikey_decode(bad, len, &m, NULL), MCX_OK);
    /* T type 7 */
    memcpy(bad, msg, len);
    bad[26] = 7;
    assert_int_equal(mcx_mikey_decode(bad, len, &m, NULL), MCX_ERR_DECODE);
    /* a payload after SIGN: SIGN claims 128 octets, leaving one trailing octet */
    memcpy(bad, msg, len);
    bad[571] = 0x80;
    assert_int_equal(mcx_mikey_decode(bad, len, &m, NULL), MCX_ERR_DECODE);
    /* IDR with zero length */
    static const uint8_t tiny[] = {1, 26, 14, 1, 0, 0, 0, 1, 0, 1, 0, 1, 1, 0, 0};
    assert_int_equal(mcx_mikey_decode(tiny, sizeof tiny, &m, NULL), MCX_ERR_DECODE);
    /* oversize input */
    static uint8_t huge[MCX_MIKEY_MAX_MSG + 1];
    assert_int_equal(mcx_mikey_decode(huge, sizeof huge, &m, NULL), MCX_ERR_LIMIT);
    assert_int_equal(mcx_mikey_decode(NULL, 0, &m, NULL), MCX_ERR_ARG);
}

static void test_build_roundtrip(void **state)
{
    (void)state;
    /* a PSK-mode message with every remaining payload type: SRTP-ID map, ID, KEMAC, V, ERR */
    static const uint8_t rnd[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    static const uint8_t enc[20] = {0xAA};
    static const uint8_t mac[32] = {0xBB};
    static const uint8_t vmac[20] = {0xCC};
    struct mcx_mikey_msg m;
    memset(&m, 0, sizeof m);
    m.hdr.version = 1;
    m.hdr.data_type = 0;
    m.hdr.v = 1;
    m.hdr.prf = 0;
    m.hdr.csb_id = 0xDEADBEEF;
    m.hdr.map_type = MCX_MIKEY_MAP_SRTP;
    m.hdr.n_cs = 2;
    m.hdr.cs[0].n_policies = 1;
    m.hdr.cs[0].policies[0] = 3;
    m.hdr.cs[0].ssrc = 0x11223344;
    m.hdr.cs[0].roc = 5;
    m.hdr.cs[1].n_policies = 1;
    m.hdr.cs[1].ssrc = 9;
    m.p[0].type = MCX_MIKEY_PT_T;
    m.p[0].u.t.ts_type = 2;
    m.p[0].u.t.value = 12345;
    m.p[1].type = MCX_MIKEY_PT_RAND;
    m.p[1].u.rand.p = rnd;
    m.p[1].u.rand.len = 16;
    m.p[2].type = MCX_MIKEY_PT_ID;
    m.p[2].u.idr.id_type = 1;
    m.p[2].u.idr.id.p = (const uint8_t *)"sip:a@b";
    m.p[2].u.idr.id.len = 7;
    m.p[3].type = MCX_MIKEY_PT_KEMAC;
    m.p[3].u.kemac.encr_alg = 1;
    m.p[3].u.kemac.encr.p = enc;
    m.p[3].u.kemac.encr.len = sizeof enc;
    m.p[3].u.kemac.mac_alg = 2;
    m.p[3].u.kemac.mac.p = mac;
    m.p[3].u.kemac.mac.len = 32;
    m.p[4].type = MCX_MIKEY_PT_V;
    m.p[4].u.v.mac_alg = 1;
    m.p[4].u.v.mac.p = vmac;
    m.p[4].u.v.mac.len = 20;
    m.p[5].type = MCX_MIKEY_PT_ERR;
    m.p[5].u.err.err_no = 3;
    m.n = 6;
    uint8_t out[512];
    size_t ol = sizeof out;
    struct mcx_mikey_layout lay;
    assert_int_equal(mcx_mikey_encode(&m, out, &ol, &lay), MCX_OK);
    struct mcx_mikey_msg d;
    assert_int_equal(mcx_mikey_decode(out, ol, &d, NULL), MCX_OK);
    assert_int_equal(d.n, 6);
    assert_int_equal(d.hdr.v, 1);
    assert_int_equal(d.hdr.cs[0].ssrc, 0x11223344);
    assert_int_equal(d.hdr.cs[0].roc, 5);
    assert_int_equal(d.hdr.cs[0].policies[0], 3);
    assert_int_equal(d.p[0].u.t.value, 12345);
    assert_int_equal(d.p[2].type, MCX_MIKEY_PT_ID);
    assert_memory_equal(d.p[2].u.idr.id.p, "sip:a@b", 7);
    assert_int_equal(d.p[3].u.kemac.mac.len, 32);
    assert_memory_equal(d.p[3].u.kemac.mac.p, mac, 32);
    assert_int_equal(lay.mac_off, (size_t)(d.p[3].u.kemac.mac.p - out));
    assert_int_equal(d.p[5].u.err.err_no, 3);
    uint8_t out2[512];
    size_t ol2 = sizeof out2;
    assert_int_equal(mcx_mikey_encode(&d, out2, &ol2, NULL), MCX_OK);
    assert_int_equal(ol2, ol);
    assert_memory_equal(out2, out, ol);
    /* encoder refuses what the decoder would refuse */
    m.p[1].u.rand.len = 15;
    ol = sizeof out;
    assert_int_equal(mcx_mikey_encode(&m, out, &ol, NULL), MCX_ERR_ARG);
    m.p[1].u.rand.len = 16;
    m.p[3].u.kemac.mac.len = 20; /* wrong for HMAC-SHA-256-256 */
    assert_int_equal(mcx_mikey_encode(&m, out, &ol, NULL), MCX_ERR_ARG);
    m.p[3].u.kemac.mac.len = 32;
    /* SIGN must be last */
    m.p[6] = m.p[5];
    m.p[5].type = MCX_MIKEY_PT_SIGN;
    m.p[5].u.sign.s_type = 2;
    m.p[5].u.sign.sig.p = mac;
    m.p[5].u.sign.sig.len = 32;
    m.n = 7;
    assert_int_equal(mcx_mikey_encode(&m, out, &ol, NULL), MCX_ERR_ARG);
}

static void test_keydata(void **state)
{
    (void)state;
    static const uint8_t key[16] = {7}, salt[14] = {8}, spi[4] = {1, 2, 3, 4}, vf[6] = {1}, vt[6] = {2};
    struct mcx_mikey_keydata kd[2];
    memset(kd, 0, sizeof kd);
    kd[0].type = 1;
    kd[0].kv = 1;
    kd[0].key.p = key;
    kd[0].key.len = 16;
    kd[0].salt.p = salt;
    kd[0].salt.len = 14;
    kd[0].spi.p = spi;
    kd[0].spi.len = 4;
    kd[1].type = 2;
    kd[1].kv = 2;
    kd[1].key.p = key;
    kd[1].key.len = 16;
    kd[1].vf.p = vf;
    kd[1].vf.len = 6;
    kd[1].vt.p = vt;
    kd[1].vt.len = 6;
    uint8_t buf[128];
    size_t bl = sizeof buf;
    assert_int_equal(mcx_mikey_keydata_encode(kd, 2, buf, &bl), MCX_OK);
    assert_int_equal(bl, (4 + 16 + 2 + 14 + 1 + 4) + (4 + 16 + 1 + 6 + 1 + 6));
    assert_int_equal(buf[0], 20);
    struct mcx_mikey_keydata d[3];
    size_t n = 3;
    assert_int_equal(mcx_mikey_keydata_decode(buf, bl, d, &n), MCX_OK);
    assert_int_equal(n, 2);
    assert_int_equal(d[0].salt.len, 14);
    assert_memory_equal(d[0].spi.p, spi, 4);
    assert_int_equal(d[1].kv, 2);
    assert_memory_equal(d[1].vt.p, vt, 6);
    n = 1;
    assert_int_equal(mcx_mikey_keydata_decode(buf, bl, d, &n), MCX_ERR_LIMIT);
    n = 3;
    assert_int_equal(mcx_mikey_keydata_decode(buf, bl - 1, d, &n), MCX_ERR_DECODE);
    buf[1] = 0x43; /* KV 3 */
    assert_int_equal(mcx_mikey_keydata_decode(buf, bl, d, &n), MCX_ERR_DECODE);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(mcx_mikey_pt_name(26), "SAKKE");
    assert_string_equal(mcx_mikey_pt_name(99), "?");
    assert_string_equal(mcx_mikey_role_name(9), "IDRuidr");
    assert_string_equal(mcx_purpose_name(6), "musik");
    assert_int_equal(mcx_purpose_from_name("csk"), 2);
    assert_int_equal(mcx_purpose_from_name("xyz"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_streamwide_gmk_decode),
        cmocka_unit_test(test_streamwide_all_roundtrip),
        cmocka_unit_test(test_truncation_and_trailing),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_build_roundtrip),
        cmocka_unit_test(test_keydata),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
