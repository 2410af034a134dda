/*
 * MIKEY codec tests: the Streamwide GMK/CSK/PCK I_MESSAGEs decode to the fields of digest §5.11 and
 * re-encode byte for byte; decode(encode(x)) == x for built messages; key data sub-payloads; and
 * negative cases (truncation at every length, trailing octets, unknown payload, duplicates,
 * version, short RAND, SIGN not last, bad map type, limits).
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
    static const uint8_t key[16] = {7}, salt[14] = {8}, spi[4] = {1, 2, 3, 4}, vf[6] = {1},
                         vt[6] = {2};
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
    assert_int_equal(mcx_purpose_from_name("msk"), MCX_PURPOSE_MUSIK);
    assert_int_equal(mcx_purpose_from_name("csk-upload"), MCX_PURPOSE_CSK);
    assert_int_equal(mcx_purpose_from_name("csk-download"), MCX_PURPOSE_CSK);
    /* TS 33.180 Table E.1.3-1 */
    assert_int_equal(mcx_purpose_cs_id(MCX_PURPOSE_GMK), 4);
    assert_int_equal(mcx_purpose_cs_id(MCX_PURPOSE_CSK), 6);
    assert_int_equal(mcx_purpose_cs_id(MCX_PURPOSE_MUSIK), 7);
    assert_int_equal(mcx_purpose_cs_id(MCX_PURPOSE_PCK), -1);
    assert_int_equal(mcx_purpose_cs_id(MCX_PURPOSE_SPK), -1);
    assert_int_equal(mcx_purpose_cs_id(MCX_PURPOSE_MKFC), -1);
    assert_int_equal(mcx_purpose_cs_id(MCX_PURPOSE_MSCCK), -1);
}

/* ---- property tests over generated messages
 * ------------------------------------------------------------------------------------------------
 */

/* xorshift64*: a fixed seed makes every run test the same messages */
static uint64_t prng_state = 0x9E3779B97F4A7C15ULL;

static uint64_t rnd64(void)
{
    prng_state ^= prng_state >> 12;
    prng_state ^= prng_state << 25;
    prng_state ^= prng_state >> 27;
    return prng_state * 0x2545F4914F6CDD1DULL;
}

static unsigned rnd(unsigned n)
{
    return (unsigned)(rnd64() % n);
}

/* Payload contents live in an arena that is refilled for every message. */
static uint8_t arena[16384];
static size_t arena_used;

static struct mcx_mikey_bytes rnd_bytes(size_t n)
{
    struct mcx_mikey_bytes b = {arena + arena_used, n};
    for (size_t i = 0; i < n; i++)
        arena[arena_used + i] = (uint8_t)rnd64();
    arena_used += n;
    return b;
}

static const uint8_t gen_types[] = {MCX_MIKEY_PT_T,    MCX_MIKEY_PT_RAND,  MCX_MIKEY_PT_ID,
                                    MCX_MIKEY_PT_IDR,  MCX_MIKEY_PT_SP,    MCX_MIKEY_PT_SAKKE,
                                    MCX_MIKEY_PT_GEXT, MCX_MIKEY_PT_KEMAC, MCX_MIKEY_PT_V,
                                    MCX_MIKEY_PT_ERR,  MCX_MIKEY_PT_SIGN};

static void gen_payload(struct mcx_mikey_payload *p, uint8_t type)
{
    static const size_t mac_len[3] = {0, 20, 32};
    memset(p, 0, sizeof *p);
    p->type = type;
    switch (type) {
    case MCX_MIKEY_PT_T:
        p->u.t.ts_type = (uint8_t)rnd(3);
        p->u.t.value = p->u.t.ts_type == 2 ? (uint32_t)rnd64() : rnd64();
        break;
    case MCX_MIKEY_PT_RAND:
        p->u.rand = rnd_bytes(16 + rnd(240));
        break;
    case MCX_MIKEY_PT_IDR:
        p->u.idr.role = (uint8_t)(1 + rnd(9));
        /* fall through */
    case MCX_MIKEY_PT_ID:
        p->u.idr.id_type = (uint8_t)rnd64();
        p->u.idr.id = rnd_bytes(rnd(8) == 0 ? 1 + rnd(MCX_MIKEY_MAX_ID) : 1 + rnd(64));
        break;
    case MCX_MIKEY_PT_SP: {
        p->u.sp.policy_no = (uint8_t)rnd64();
        p->u.sp.prot_type = (uint8_t)rnd64();
        size_t n = rnd(6), start = arena_used;
        for (size_t i = 0; i < n; i++) {
            size_t l = rnd(5);
            arena[arena_used++] = (uint8_t)rnd64();
            arena[arena_used++] = (uint8_t)l;
            (void)rnd_bytes(l); /* the value, appended to the arena */
        }
        p->u.sp.params.p = arena + start;
        p->u.sp.params.len = arena_used - start;
        break;
    }
    case MCX_MIKEY_PT_SAKKE:
        p->u.sakke.params = (uint8_t)rnd64();
        p->u.sakke.id_scheme = (uint8_t)rnd64();
        p->u.sakke.data = rnd_bytes(1 + rnd(300));
        break;
    case MCX_MIKEY_PT_GEXT:
        p->u.gext.type = (uint8_t)rnd64();
        p->u.gext.data = rnd_bytes(rnd(16) == 0 ? rnd(MCX_MIKEY_MAX_GEXT + 1) : rnd(80));
        break;
    case MCX_MIKEY_PT_KEMAC:
        p->u.kemac.encr_alg = (uint8_t)rnd(3);
        p->u.kemac.encr = rnd_bytes(rnd(100));
        p->u.kemac.mac_alg = (uint8_t)rnd(3);
        p->u.kemac.mac = rnd_bytes(mac_len[p->u.kemac.mac_alg]);
        break;
    case MCX_MIKEY_PT_V:
        p->u.v.mac_alg = (uint8_t)rnd(3);
        p->u.v.mac = rnd_bytes(mac_len[p->u.v.mac_alg]);
        break;
    case MCX_MIKEY_PT_ERR:
        p->u.err.err_no = (uint8_t)rnd64();
        break;
    default: /* SIGN */
        p->u.sign.s_type = (uint8_t)rnd(16);
        p->u.sign.sig = rnd_bytes(1 + rnd(200));
        break;
    }
}

/* A random valid message: every payload kind, random lengths within the limits, each once-only
 * type at most once, SIGN (if any) last; canonical fields (what the decoder would produce). */
static void gen_msg(struct mcx_mikey_msg *m)
{
    memset(m, 0, sizeof *m);
    arena_used = 0;
    struct mcx_mikey_hdr *h = &m->hdr;
    h->version = 1;
    h->data_type = (uint8_t)rnd64();
    h->v = (uint8_t)rnd(2);
    h->prf = (uint8_t)rnd(128);
    h->csb_id = (uint32_t)rnd64();
    h->map_type = (uint8_t)rnd(3);
    h->n_cs = (uint8_t)rnd(MCX_MIKEY_MAX_CS + 1);
    for (unsigned i = 0; i < h->n_cs; i++) {
        struct mcx_mikey_cs *cs = &h->cs[i];
        if (h->map_type == MCX_MIKEY_MAP_SRTP) {
            cs->n_policies = 1;
            cs->policies[0] = (uint8_t)rnd64();
            cs->ssrc = (uint32_t)rnd64();
            cs->roc = (uint32_t)rnd64();
        } else if (h->map_type == MCX_MIKEY_MAP_GENERIC) {
            cs->cs_id = (uint8_t)rnd64();
            cs->prot_type = (uint8_t)rnd64();
            cs->s_flag = (uint8_t)rnd(2);
            cs->n_policies = (uint8_t)rnd(MCX_MIKEY_MAX_POLICIES + 1);
            for (unsigned j = 0; j < cs->n_policies; j++)
                cs->policies[j] = (uint8_t)rnd64();
            cs->session_data = rnd_bytes(rnd(40));
            cs->spi = rnd_bytes(rnd(4) == 0 ? rnd(256) : rnd(9));
        }
    }
    size_t want = rnd(MCX_MIKEY_MAX_PAYLOADS + 1);
    unsigned seen = 0;
    while (m->n < want) {
        uint8_t type = gen_types[rnd(sizeof gen_types)];
        int once = type == MCX_MIKEY_PT_T || type == MCX_MIKEY_PT_RAND ||
                   type == MCX_MIKEY_PT_KEMAC || type == MCX_MIKEY_PT_V ||
                   type == MCX_MIKEY_PT_SIGN;
        if (once && (seen & (1u << type)))
            continue;
        seen |= 1u << type;
        gen_payload(&m->p[m->n++], type);
        if (type == MCX_MIKEY_PT_SIGN)
            break;
    }
}

static void assert_bytes_eq(const struct mcx_mikey_bytes *a, const struct mcx_mikey_bytes *b)
{
    assert_int_equal(a->len, b->len);
    if (a->len)
        assert_memory_equal(a->p, b->p, a->len);
}

/* Field-by-field equality of two messages (the decoder's view of what the encoder was given). */
static void assert_msg_eq(const struct mcx_mikey_msg *x, const struct mcx_mikey_msg *y)
{
    const struct mcx_mikey_hdr *a = &x->hdr, *b = &y->hdr;
    assert_int_equal(a->version, b->version);
    assert_int_equal(a->data_type, b->data_type);
    assert_int_equal(a->v, b->v);
    assert_int_equal(a->prf, b->prf);
    assert_int_equal(a->csb_id, b->csb_id);
    assert_int_equal(a->map_type, b->map_type);
    assert_int_equal(a->n_cs, b->n_cs);
    for (unsigned i = 0; i < a->n_cs; i++) {
        const struct mcx_mikey_cs *c = &a->cs[i], *d = &b->cs[i];
        assert_int_equal(c->cs_id, d->cs_id);
        assert_int_equal(c->prot_type, d->prot_type);
        assert_int_equal(c->s_flag, d->s_flag);
        assert_int_equal(c->n_policies, d->n_policies);
        assert_memory_equal(c->policies, d->policies, c->n_policies);
        assert_bytes_eq(&c->session_data, &d->session_data);
        assert_bytes_eq(&c->spi, &d->spi);
        assert_int_equal(c->ssrc, d->ssrc);
        assert_int_equal(c->roc, d->roc);
    }
    assert_int_equal(x->n, y->n);
    for (size_t i = 0; i < x->n; i++) {
        const struct mcx_mikey_payload *p = &x->p[i], *q = &y->p[i];
        assert_int_equal(p->type, q->type);
        switch (p->type) {
        case MCX_MIKEY_PT_T:
            assert_int_equal(p->u.t.ts_type, q->u.t.ts_type);
            assert_true(p->u.t.value == q->u.t.value);
            break;
        case MCX_MIKEY_PT_RAND:
            assert_bytes_eq(&p->u.rand, &q->u.rand);
            break;
        case MCX_MIKEY_PT_ID:
        case MCX_MIKEY_PT_IDR:
            assert_int_equal(p->u.idr.role, q->u.idr.role);
            assert_int_equal(p->u.idr.id_type, q->u.idr.id_type);
            assert_bytes_eq(&p->u.idr.id, &q->u.idr.id);
            break;
        case MCX_MIKEY_PT_SP:
            assert_int_equal(p->u.sp.policy_no, q->u.sp.policy_no);
            assert_int_equal(p->u.sp.prot_type, q->u.sp.prot_type);
            assert_bytes_eq(&p->u.sp.params, &q->u.sp.params);
            break;
        case MCX_MIKEY_PT_SAKKE:
            assert_int_equal(p->u.sakke.params, q->u.sakke.params);
            assert_int_equal(p->u.sakke.id_scheme, q->u.sakke.id_scheme);
            assert_bytes_eq(&p->u.sakke.data, &q->u.sakke.data);
            break;
        case MCX_MIKEY_PT_GEXT:
            assert_int_equal(p->u.gext.type, q->u.gext.type);
            assert_bytes_eq(&p->u.gext.data, &q->u.gext.data);
            break;
        case MCX_MIKEY_PT_KEMAC:
            assert_int_equal(p->u.kemac.encr_alg, q->u.kemac.encr_alg);
            assert_bytes_eq(&p->u.kemac.encr, &q->u.kemac.encr);
            assert_int_equal(p->u.kemac.mac_alg, q->u.kemac.mac_alg);
            assert_bytes_eq(&p->u.kemac.mac, &q->u.kemac.mac);
            break;
        case MCX_MIKEY_PT_V:
            assert_int_equal(p->u.v.mac_alg, q->u.v.mac_alg);
            assert_bytes_eq(&p->u.v.mac, &q->u.v.mac);
            break;
        case MCX_MIKEY_PT_ERR:
            assert_int_equal(p->u.err.err_no, q->u.err.err_no);
            break;
        default:
            assert_int_equal(p->u.sign.s_type, q->u.sign.s_type);
            assert_bytes_eq(&p->u.sign.sig, &q->u.sign.sig);
            break;
        }
    }
}

/* decode(encode(x)) == x over generated valid messages, and encode(decode(m)) == m again. */
static void test_property_roundtrip(void **state)
{
    (void)state;
    static struct mcx_mikey_msg m, d;
    static uint8_t out[MCX_MIKEY_MAX_MSG], again[MCX_MIKEY_MAX_MSG];
    unsigned done = 0, too_long = 0, kinds = 0;
    for (unsigned iter = 0; iter < 20000; iter++) {
        gen_msg(&m);
        size_t ol = sizeof out;
        struct mcx_mikey_layout lay, lay2;
        mcx_err rc = mcx_mikey_encode(&m, out, &ol, &lay);
        if (rc == MCX_ERR_LIMIT) {
            too_long++; /* longer than MCX_MIKEY_MAX_MSG: refused on both sides */
            assert_int_equal(mcx_mikey_encode(&m, NULL, &(size_t){0}, NULL), MCX_ERR_LIMIT);
            continue;
        }
        if (rc != MCX_OK)
            fail_msg("iteration %u: a valid message did not encode: %s", iter, mcx_errname(rc));
        rc = mcx_mikey_decode(out, ol, &d, &lay2);
        if (rc != MCX_OK)
            fail_msg("iteration %u: an encoded message did not decode: %s", iter, mcx_errname(rc));
        assert_msg_eq(&m, &d);
        assert_int_equal(lay.sig_off, lay2.sig_off);
        assert_int_equal(lay.mac_off, lay2.mac_off);
        size_t al = sizeof again;
        assert_int_equal(mcx_mikey_encode(&d, again, &al, NULL), MCX_OK);
        assert_int_equal(al, ol);
        assert_memory_equal(again, out, ol);
        for (size_t i = 0; i < m.n; i++)
            kinds |= 1u << m.p[i].type;
        done++;
    }
    /* the generator reached every payload kind and mostly stayed within the size limit */
    for (size_t i = 0; i < sizeof gen_types; i++)
        assert_true(kinds & (1u << gen_types[i]));
    assert_true(done > 15000);
    (void)too_long;
}

/* One way to make a valid message invalid, per what the decoder refuses. */
static int break_msg(struct mcx_mikey_msg *m, unsigned how)
{
    static const uint8_t big[MCX_MIKEY_MAX_GEXT + 1];
    size_t k = m->n ? rnd((unsigned)m->n) : 0;
    struct mcx_mikey_payload *p = m->n ? &m->p[k] : NULL;
    switch (how) {
    case 0:
        m->hdr.version = (uint8_t)(2 + rnd(254));
        return 1;
    case 1:
        m->hdr.map_type = (uint8_t)(3 + rnd(253));
        return 1;
    case 2:
        m->hdr.n_cs = MCX_MIKEY_MAX_CS + 1;
        return 1;
    case 3:
        if (m->hdr.map_type != MCX_MIKEY_MAP_GENERIC || m->hdr.n_cs == 0)
            return 0;
        m->hdr.cs[0].n_policies = MCX_MIKEY_MAX_POLICIES + 1;
        return 1;
    case 4: /* a repeated once-only payload */
        for (size_t i = 0; i < m->n; i++) {
            uint8_t t = m->p[i].type;
            if ((t == MCX_MIKEY_PT_T || t == MCX_MIKEY_PT_RAND || t == MCX_MIKEY_PT_KEMAC ||
                 t == MCX_MIKEY_PT_V) &&
                m->n < MCX_MIKEY_MAX_PAYLOADS) {
                memmove(&m->p[1], &m->p[0], m->n * sizeof m->p[0]);
                m->p[0] = m->p[i + 1];
                m->n++;
                return 1;
            }
        }
        return 0;
    case 5: /* SIGN not last */
        if (m->n == 0 || m->n >= MCX_MIKEY_MAX_PAYLOADS || m->p[m->n - 1].type != MCX_MIKEY_PT_SIGN)
            return 0;
        m->p[m->n] = m->p[0].type == MCX_MIKEY_PT_SIGN ? m->p[m->n - 1] : m->p[0];
        m->p[m->n].type = MCX_MIKEY_PT_ERR;
        m->n++;
        return 1;
    case 6:
        if (p == NULL || p->type != MCX_MIKEY_PT_IDR)
            return 0;
        p->u.idr.role = rnd(2) ? 0 : (uint8_t)(10 + rnd(246)); /* role 0 or unknown */
        return 1;
    case 7:
        if (p == NULL || p->type != MCX_MIKEY_PT_RAND)
            return 0;
        p->u.rand.len = rnd(16);
        return 1;
    case 8:
        if (p == NULL || p->type != MCX_MIKEY_PT_T)
            return 0;
        if (rnd(2))
            p->u.t.ts_type = (uint8_t)(3 + rnd(253));
        else
            p->u.t.ts_type = 2, p->u.t.value = 0x100000000ULL + rnd64() % 0xFFFFFFFFULL;
        return 1;
    case 9:
        if (p == NULL || (p->type != MCX_MIKEY_PT_KEMAC && p->type != MCX_MIKEY_PT_V))
            return 0;
        if (p->type == MCX_MIKEY_PT_KEMAC && rnd(2))
            p->u.kemac.encr_alg = (uint8_t)(3 + rnd(253));
        else if (p->type == MCX_MIKEY_PT_KEMAC)
            p->u.kemac.mac.len ^= 4; /* not the length of its algorithm */
        else
            p->u.v.mac_alg = (uint8_t)(3 + rnd(253));
        return 1;
    case 10:
        if (p == NULL || (p->type != MCX_MIKEY_PT_ID && p->type != MCX_MIKEY_PT_IDR))
            return 0;
        p->u.idr.id.len = rnd(2) ? 0 : MCX_MIKEY_MAX_ID + 1;
        return 1;
    case 11:
        if (p == NULL || p->type != MCX_MIKEY_PT_SAKKE)
            return 0;
        p->u.sakke.data.len = 0;
        return 1;
    case 12:
        if (p == NULL || p->type != MCX_MIKEY_PT_GEXT)
            return 0;
        p->u.gext.data.p = big;
        p->u.gext.data.len = sizeof big;
        return 1;
    case 13:
        if (p == NULL || p->type != MCX_MIKEY_PT_SP || p->u.sp.params.len == 0)
            return 0;
        p->u.sp.params.len--; /* the last TLV is cut */
        return 1;
    case 14:
        if (p == NULL || p->type != MCX_MIKEY_PT_SIGN)
            return 0;
        p->u.sign.sig.len = rnd(2) ? 0 : 0x1000;
        return 1;
    default:
        if (p == NULL)
            return 0;
        p->type = (uint8_t)(rnd(2) ? 0 : 27 + rnd(229)); /* not a payload type */
        return 1;
    }
}

/* The encoder refuses every message the decoder would refuse (each breaking of break_msg gives
 * bytes, or a structure, that the decoder rejects). */
static void test_property_encoder_refuses(void **state)
{
    (void)state;
    static struct mcx_mikey_msg m, d;
    static uint8_t out[MCX_MIKEY_MAX_MSG];
    unsigned broken = 0;
    for (unsigned iter = 0; iter < 20000; iter++) {
        gen_msg(&m);
        unsigned how = rnd(16);
        if (!break_msg(&m, how))
            continue;
        size_t ol = sizeof out;
        mcx_err rc = mcx_mikey_encode(&m, out, &ol, NULL);
        if (rc == MCX_OK)
            fail_msg("iteration %u: breaking %u was encoded (the decoder %s the bytes)", iter, how,
                     mcx_mikey_decode(out, ol, &d, NULL) == MCX_OK ? "accepts" : "refuses");
        broken++;
    }
    assert_true(broken > 5000);
}

/* mcx_mikey_decode_ex says where and why: offset, payload, reason; earlier payloads stay usable. */
static void test_decode_error_detail(void **state)
{
    (void)state;
    uint8_t msg[2048], bad[2048];
    size_t len = load_msg("test1_gmk", msg, sizeof msg);
    struct mcx_mikey_msg m;
    struct mcx_mikey_decode_error e;
    /* cut inside the SAKKE data: HDR and 7 payloads decoded */
    assert_int_equal(mcx_mikey_decode_ex(msg, 250, &m, NULL, &e), MCX_ERR_DECODE);
    assert_int_equal(e.payload_type, MCX_MIKEY_PT_SAKKE);
    assert_int_equal(e.payload_offset, 217);
    assert_int_equal(e.offset, 222);
    assert_string_equal(e.reason, "truncated: SAKKE data");
    assert_int_equal(m.n, 7);
    assert_int_equal(m.hdr.csb_id, 0x06a12aea);
    assert_int_equal(m.p[6].type, MCX_MIKEY_PT_SP);
    assert_int_equal(m.p[6].u.sp.params.len, 27);
    /* version */
    memcpy(bad, msg, len);
    bad[0] = 2;
    assert_int_equal(mcx_mikey_decode_ex(bad, len, &m, NULL, &e), MCX_ERR_DECODE);
    assert_int_equal(e.payload_type, MCX_MIKEY_DECODE_IN_HDR);
    assert_int_equal(e.offset, 0);
    assert_string_equal(e.reason, "HDR version is not 1");
    /* an unknown map type, even with #CS = 0 */
    memcpy(bad, msg, len);
    bad[8] = 0;
    bad[9] = 3;
    assert_int_equal(mcx_mikey_decode_ex(bad, len, &m, NULL, &e), MCX_ERR_DECODE);
    assert_int_equal(e.offset, 9);
    /* RAND length 15 */
    memcpy(bad, msg, len);
    bad[36] = 15;
    assert_int_equal(mcx_mikey_decode_ex(bad, len, &m, NULL, &e), MCX_ERR_DECODE);
    assert_int_equal(e.payload_type, MCX_MIKEY_PT_RAND);
    assert_int_equal(e.payload_offset, 35);
    assert_int_equal(e.offset, 36);
    assert_string_equal(e.reason, "RAND shorter than 16 octets");
    assert_int_equal(m.n, 1);
    /* IDR role 10 (RFC 6043 §6.6 has no such role) */
    memcpy(bad, msg, len);
    bad[54] = 10;
    assert_int_equal(mcx_mikey_decode_ex(bad, len, &m, NULL, &e), MCX_ERR_DECODE);
    assert_int_equal(e.payload_type, MCX_MIKEY_PT_IDR);
    assert_int_equal(e.offset, 54);
    assert_string_equal(e.reason, "unknown IDR role");
    /* T says the next payload is T again: the repetition is at the second T's first octet */
    memcpy(bad, msg, len);
    bad[25] = 5;
    assert_int_equal(mcx_mikey_decode_ex(bad, len, &m, NULL, &e), MCX_ERR_MIKEY_PAYLOAD);
    assert_int_equal(e.payload_type, MCX_MIKEY_PT_T);
    assert_int_equal(e.offset, 35);
    /* unknown payload type */
    memcpy(bad, msg, len);
    bad[2] = 99;
    assert_int_equal(mcx_mikey_decode_ex(bad, len, &m, NULL, &e), MCX_ERR_DECODE);
    assert_int_equal(e.payload_type, 99);
    assert_int_equal(e.offset, 25);
    assert_string_equal(e.reason, "unknown payload type");
    /* trailing octet */
    memcpy(bad, msg, len);
    bad[len] = 0;
    assert_int_equal(mcx_mikey_decode_ex(bad, len + 1, &m, NULL, &e), MCX_ERR_DECODE);
    assert_int_equal(e.payload_type, MCX_MIKEY_DECODE_TRAILING);
    assert_int_equal(e.offset, len);
    assert_int_equal(m.n, 10);
    /* success clears the reason */
    assert_int_equal(mcx_mikey_decode_ex(msg, len, &m, NULL, &e), MCX_OK);
    assert_null(e.reason);
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
        cmocka_unit_test(test_property_roundtrip),
        cmocka_unit_test(test_property_encoder_refuses),
        cmocka_unit_test(test_decode_error_detail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
