/*
 * MIKEY-SAKKE I_MESSAGE tests (src/codec/mikey_imessage.c):
 *  - interop golden test: the Streamwide GMK, CSK and PCK messages verify with the group manager /
 *    caller keys, decapsulate with the given RSKs and yield exactly the published keys, key IDs,
 *    GUK-ID and key parameters (digest §5.11);
 *  - create -> process round trips for every purpose, with and without hidden identities and key
 *    parameters;
 *  - one test per receiver check that trips it (bad signature, wrong IDRr, unknown KMS, T outside
 *    the window, replay, wrong purpose, corrupted SAKKE, bad key parameters, bad key set, missing
 *    payload), each also asserting that no key material was released.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mcxsec/kdf.h"
#include "mcxsec/mikey.h"
#include "mcxsec/util.h"
#include "mikey_vectors.h"

#define SW "streamwide_v5.txt"

static struct mcx_kms_cert sw_cert;

static void load_cert(void)
{
    char *uri = vec_get(SW, "kms", "kms_uri");
    assert_non_null(uri);
    mcx_kms_cert_init(&sw_cert);
    snprintf(sw_cert.kms_uri, sizeof sw_cert.kms_uri, "%s", uri);
    free(uri);
    sw_cert.user_key_period = 16777215;
    sw_cert.user_key_offset = 0;
    assert_int_equal(vec_get_hex(SW, "kms", "pub_enc_key", sw_cert.pub_enc_key, 257), 257);
    assert_int_equal(vec_get_hex(SW, "kms", "pub_auth_key", sw_cert.pub_auth_key, 65), 65);
}

static void load_keyset(const char *who, struct mcx_kms_keyset *k)
{
    mcx_kms_keyset_init(k);
    snprintf(k->kms_uri, sizeof k->kms_uri, "%s", sw_cert.kms_uri);
    char *uri = vec_get(SW, who, "user_uri");
    assert_non_null(uri);
    snprintf(k->user_uri, sizeof k->user_uri, "%s", uri);
    free(uri);
    k->key_period_no = 236;
    assert_int_equal(vec_get_hex(SW, who, "user_id", k->user_id, 32), 32);
    assert_int_equal(vec_get_hex(SW, who, "rsk", k->rsk, 257), 257);
    assert_int_equal(vec_get_hex(SW, who, "ssk", k->ssk, 32), 32);
    assert_int_equal(vec_get_hex(SW, who, "pvt", k->pvt, 65), 65);
}

static mcx_mikey_ctx *ctx_for(const char *who)
{
    mcx_mikey_ctx *c = NULL;
    struct mcx_kms_keyset k;
    assert_int_equal(mcx_mikey_ctx_new(&c, &sw_cert), MCX_OK);
    load_keyset(who, &k);
    assert_int_equal(mcx_mikey_ctx_add_keyset(c, &k), MCX_OK);
    mcx_wipe(&k, sizeof k);
    return c;
}

/* The Streamwide messages were made at T = NTP 0xec898da8 */
#define SW_NOW ((int64_t)0xec898da8LL - (int64_t)MCX_NTP_UNIX_OFFSET)

static size_t load_msg(const char *sec, uint8_t *buf)
{
    size_t n = vec_get_b64(SW, sec, "message", buf, 2048);
    assert_true(n != (size_t)-1);
    return n;
}

static void assert_no_key(const struct mcx_mikey_result *r)
{
    static const uint8_t zero[sizeof *r];
    assert_memory_equal(r, zero, sizeof *r);
}

static int setup(void **state)
{
    (void)state;
    load_cert();
    return 0;
}

static void golden(const char *sec, const char *receiver, int purpose)
{
    uint8_t msg[2048], key[16], rand[16];
    size_t len = load_msg(sec, msg);
    mcx_mikey_ctx *c = ctx_for(receiver);
    struct mcx_mikey_result r;
    assert_int_equal(mcx_mikey_process(c, msg, len, purpose, SW_NOW, &r), MCX_OK);
    assert_int_equal(vec_get_hex(SW, sec, "key", key, 16), 16);
    assert_int_equal(vec_get_hex(SW, sec, "rand", rand, 16), 16);
    assert_memory_equal(r.key, key, 16);
    assert_int_equal(r.key_id, vec_get_u32hex(SW, sec, "key_id"));
    assert_int_equal(r.purpose, purpose);
    assert_int_equal(r.rand_len, 16);
    assert_memory_equal(r.rand, rand, 16);
    assert_true(r.t_ntp == 0xec898da800000000ULL);
    mcx_wipe(&r, sizeof r);
    mcx_mikey_ctx_free(c);
}

static void test_golden_gmk(void **state)
{
    (void)state;
    golden("test1_gmk", "alice", MCX_PURPOSE_GMK);
    /* and the details of digest §5.11 */
    uint8_t msg[2048], uid[32];
    size_t len = load_msg("test1_gmk", msg);
    mcx_mikey_ctx *c = ctx_for("alice");
    struct mcx_mikey_result r;
    assert_int_equal(mcx_mikey_process(c, msg, len, MCX_PURPOSE_GMK, SW_NOW, &r), MCX_OK);
    assert_int_equal(r.csb_id, vec_get_u32hex(SW, "test1_gmk", "guk_id"));
    assert_int_equal(r.cs_id, 4);
    assert_int_equal(vec_get_hex(SW, "gms", "user_id", uid, 32), 32);
    assert_memory_equal(r.initiator_uid, uid, 32);
    assert_string_equal(r.initiator_uri, ""); /* hidden identity (role 8) */
    assert_int_equal(r.has_params, 1);
    assert_int_equal(r.params.key_type, MCX_PURPOSE_GMK);
    assert_int_equal(r.params.status, MCX_KEY_STATUS_NOT_REVOKED);
    assert_int_equal(r.params.n_groups, 0);
    /* the SRTP master key for this GMK (digest §3.2, computed) */
    uint8_t mk[16], ms[12];
    assert_int_equal(mcx_srtp_master(r.key, r.cs_id, r.csb_id, r.rand, r.rand_len, mk, ms), MCX_OK);
    static const uint8_t want_mk[16] = {0xac, 0xb1, 0xb4, 0xe2, 0xb2, 0xdc, 0xa1, 0x22,
                                        0x91, 0xe1, 0x79, 0x4a, 0x8e, 0xf8, 0x49, 0x47};
    assert_memory_equal(mk, want_mk, 16);
    mcx_wipe(&r, sizeof r);
    mcx_mikey_ctx_free(c);
}

static void test_golden_csk_pck(void **state)
{
    (void)state;
    golden("test2_csk", "gms", MCX_PURPOSE_CSK);
    golden("test3_pck", "bob", MCX_PURPOSE_PCK);
}

/* Re-sign a modified Streamwide GMK message with the GMS key, so that a check after the signature
 * is what trips. */
static size_t resign(struct mcx_mikey_msg *m, uint8_t *out, size_t cap)
{
    struct mcx_kms_keyset gms;
    load_keyset("gms", &gms);
    mcx_eccsi_signer *s = NULL;
    assert_int_equal(mcx_eccsi_signer_new(&s, sw_cert.pub_auth_key, gms.user_id, 32, gms.ssk, gms.pvt), MCX_OK);
    mcx_wipe(&gms, sizeof gms);
    struct mcx_mikey_layout lay;
    size_t ol = cap;
    assert_int_equal(mcx_mikey_encode(m, out, &ol, &lay), MCX_OK);
    assert_int_equal(mcx_eccsi_sign(s, out, lay.sig_off, out + lay.sig_off), MCX_OK);
    mcx_eccsi_signer_free(s);
    return ol;
}

static void expect_fail(mcx_mikey_ctx *c, const uint8_t *msg, size_t len, int purpose, int64_t now, mcx_err want)
{
    struct mcx_mikey_result r;
    memset(&r, 0x5A, sizeof r);
    mcx_err rc = mcx_mikey_process(c, msg, len, purpose, now, &r);
    if (rc != want)
        fail_msg("got %s, want %s", mcx_errname(rc), mcx_errname(want));
    assert_no_key(&r);
}

static void test_checks(void **state)
{
    (void)state;
    uint8_t msg[2048], bad[2048], sed[MCX_SAKKE_SED_BYTES], ge[128];
    size_t len = load_msg("test1_gmk", msg);
    mcx_mikey_ctx *alice = ctx_for("alice");
    mcx_mikey_ctx *bob = ctx_for("bob");
    /* bad signature: one bit of r */
    memcpy(bad, msg, len);
    bad[572] ^= 0x01;
    expect_fail(alice, bad, len, MCX_PURPOSE_GMK, SW_NOW, MCX_ERR_VERIFY);
    /* a flipped bit anywhere in the signed part */
    memcpy(bad, msg, len);
    bad[300] ^= 0x10;
    expect_fail(alice, bad, len, MCX_PURPOSE_GMK, SW_NOW, MCX_ERR_VERIFY);
    /* wrong IDRr: the message is for Alice, Bob processes it */
    expect_fail(bob, msg, len, MCX_PURPOSE_GMK, SW_NOW, MCX_ERR_MIKEY_IDENTITY);
    /* unknown initiator KMS */
    memcpy(bad, msg, len);
    bad[127 + 5 + 2] = 'z'; /* "kms." -> "kmz." inside IDRkmsi */
    expect_fail(alice, bad, len, MCX_PURPOSE_GMK, SW_NOW, MCX_ERR_MIKEY_KMS);
    /* responder KMS is not ours */
    memcpy(bad, msg, len);
    bad[156 + 5 + 2] = 'z';
    expect_fail(alice, bad, len, MCX_PURPOSE_GMK, SW_NOW, MCX_ERR_MIKEY_KMS);
    /* T outside the window, both sides; a narrower window */
    expect_fail(alice, msg, len, MCX_PURPOSE_GMK, SW_NOW + 301, MCX_ERR_MIKEY_TIME);
    expect_fail(alice, msg, len, MCX_PURPOSE_GMK, SW_NOW - 301, MCX_ERR_MIKEY_TIME);
    mcx_mikey_ctx_set_window(alice, 10);
    expect_fail(alice, msg, len, MCX_PURPOSE_GMK, SW_NOW + 11, MCX_ERR_MIKEY_TIME);
    mcx_mikey_ctx_set_window(alice, MCX_MIKEY_DEFAULT_WINDOW);
    /* wrong purpose */
    expect_fail(alice, msg, len, MCX_PURPOSE_PCK, SW_NOW, MCX_ERR_MIKEY_PURPOSE);
    /* replay of (RAND, T): first OK, second rejected; a bounded cache */
    struct mcx_mikey_result r;
    assert_int_equal(mcx_mikey_process(alice, msg, len, MCX_PURPOSE_GMK, SW_NOW + 5, &r), MCX_OK);
    expect_fail(alice, msg, len, MCX_PURPOSE_GMK, SW_NOW, MCX_ERR_MIKEY_REPLAY);
    assert_int_equal(mcx_mikey_ctx_set_replay_capacity(alice, 2), MCX_OK); /* clears */
    assert_int_equal(mcx_mikey_process(alice, msg, len, MCX_PURPOSE_GMK, SW_NOW, &r), MCX_OK);
    mcx_wipe(&r, sizeof r);
    /* corrupted SAKKE data (re-signed, so the SAKKE check itself trips) */
    struct mcx_mikey_msg m;
    assert_int_equal(mcx_mikey_decode(msg, len, &m, NULL), MCX_OK);
    memcpy(sed, m.p[7].u.sakke.data.p, sizeof sed);
    sed[272] ^= 0x01; /* H */
    m.p[7].u.sakke.data.p = sed;
    size_t bl = resign(&m, bad, sizeof bad);
    expect_fail(alice, bad, bl, MCX_PURPOSE_GMK, SW_NOW, MCX_ERR_SAKKE_CHECK);
    memcpy(sed, msg + 217 + 5, sizeof sed);
    sed[100] ^= 0x01; /* R: no longer the right point (or not on the curve) */
    m.p[7].u.sakke.data.p = sed;
    bl = resign(&m, bad, sizeof bad);
    struct mcx_mikey_result rr;
    assert_int_not_equal(mcx_mikey_process(alice, bad, bl, MCX_PURPOSE_GMK, SW_NOW, &rr), MCX_OK);
    assert_no_key(&rr);
    /* bad key parameters: tag corrupted (re-signed) */
    assert_int_equal(mcx_mikey_decode(msg, len, &m, NULL), MCX_OK);
    memcpy(ge, m.p[8].u.gext.data.p, m.p[8].u.gext.data.len);
    ge[m.p[8].u.gext.data.len - 1] ^= 1;
    m.p[8].u.gext.data.p = ge;
    bl = resign(&m, bad, sizeof bad);
    expect_fail(alice, bad, bl, MCX_PURPOSE_GMK, SW_NOW, MCX_ERR_MIKEY_PARAMS);
    /* missing payload: no RAND (re-signed) */
    assert_int_equal(mcx_mikey_decode(msg, len, &m, NULL), MCX_OK);
    memmove(&m.p[1], &m.p[2], (m.n - 2) * sizeof m.p[0]);
    m.n--;
    bl = resign(&m, bad, sizeof bad);
    expect_fail(alice, bad, bl, MCX_PURPOSE_GMK, SW_NOW, MCX_ERR_MIKEY_PAYLOAD);
    /* a message with no SIGN at all */
    assert_int_equal(mcx_mikey_decode(msg, len, &m, NULL), MCX_OK);
    m.n--;
    bl = sizeof bad;
    assert_int_equal(mcx_mikey_encode(&m, bad, &bl, NULL), MCX_OK);
    expect_fail(alice, bad, bl, MCX_PURPOSE_GMK, SW_NOW, MCX_ERR_MIKEY_PAYLOAD);
    /* no key set for the key period of T */
    mcx_mikey_ctx *nokeys = NULL;
    assert_int_equal(mcx_mikey_ctx_new(&nokeys, &sw_cert), MCX_OK);
    expect_fail(nokeys, msg, len, MCX_PURPOSE_GMK, SW_NOW, MCX_ERR_NOT_FOUND);
    mcx_mikey_ctx_free(nokeys);
    mcx_mikey_ctx_free(alice);
    mcx_mikey_ctx_free(bob);
}

static void test_bad_keysets(void **state)
{
    (void)state;
    mcx_mikey_ctx *c = NULL;
    struct mcx_kms_keyset k;
    assert_int_equal(mcx_mikey_ctx_new(&c, &sw_cert), MCX_OK);
    load_keyset("alice", &k);
    k.ssk[31] ^= 1;
    assert_int_not_equal(mcx_mikey_ctx_add_keyset(c, &k), MCX_OK);
    load_keyset("alice", &k);
    k.rsk[200] ^= 1;
    assert_int_not_equal(mcx_mikey_ctx_add_keyset(c, &k), MCX_OK);
    load_keyset("alice", &k);
    k.user_id[0] ^= 1; /* not the UID of the URI in that period */
    assert_int_equal(mcx_mikey_ctx_add_keyset(c, &k), MCX_ERR_KEY_INVALID);
    load_keyset("alice", &k);
    k.kms_uri[0] = 'x';
    assert_int_equal(mcx_mikey_ctx_add_keyset(c, &k), MCX_ERR_MIKEY_KMS);
    mcx_wipe(&k, sizeof k);
    mcx_mikey_ctx_free(c);
    struct mcx_kms_cert bad = sw_cert;
    bad.pub_auth_key[64] ^= 1;
    assert_int_not_equal(mcx_mikey_ctx_new(&c, &bad), MCX_OK);
}

static void roundtrip(mcx_mikey_ctx *from, mcx_mikey_ctx *to, const char *to_uri, enum mcx_purpose p,
                      int hide, int params)
{
    struct mcx_mikey_create_args a;
    memset(&a, 0, sizeof a);
    a.purpose = p;
    a.responder_uri = to_uri;
    a.now = SW_NOW + 1000;
    a.hide_identities = hide;
    a.cs_id = p == MCX_PURPOSE_GMK ? 4 : 6;
    a.no_cs = p == MCX_PURPOSE_PCK;
    a.include_params = params;
    a.params.status = MCX_KEY_STATUS_NOT_REVOKED;
    a.params.activation = 3968437672ULL;
    a.params.expiry = 3968437672ULL + 3600;
    memcpy(a.params.text, "rekey", 6);
    if (p == MCX_PURPOSE_GMK) {
        a.params.has_groups = 1;
        a.params.n_groups = 1;
        memcpy(a.params.groups[0], "sip:fire@example.org", 21);
    }
    uint8_t msg[MCX_MIKEY_MAX_MSG];
    size_t ml = sizeof msg;
    struct mcx_mikey_result cr, pr;
    assert_int_equal(mcx_mikey_create(from, &a, msg, &ml, &cr), MCX_OK);
    assert_int_equal(MCX_KEY_ID_PURPOSE(cr.key_id), p);
    assert_int_equal(mcx_mikey_process(to, msg, ml, (int)p, SW_NOW + 1000, &pr), MCX_OK);
    assert_memory_equal(pr.key, cr.key, 16);
    assert_int_equal(pr.key_id, cr.key_id);
    assert_int_equal(pr.csb_id, cr.csb_id);
    assert_memory_equal(pr.rand, cr.rand, 16);
    assert_int_equal(pr.has_params, params);
    if (params) {
        assert_int_equal(pr.params.key_type, p);
        assert_string_equal(pr.params.text, "rekey");
        assert_true(pr.params.expiry == 3968437672ULL + 3600);
        if (p == MCX_PURPOSE_GMK)
            assert_string_equal(pr.params.groups[0], "sip:fire@example.org");
    }
    if (!hide)
        assert_string_equal(pr.initiator_uri, cr.initiator_uri);
    /* the codec round trip holds for created messages too */
    struct mcx_mikey_msg m;
    uint8_t again[MCX_MIKEY_MAX_MSG];
    size_t al = sizeof again;
    assert_int_equal(mcx_mikey_decode(msg, ml, &m, NULL), MCX_OK);
    assert_int_equal(mcx_mikey_encode(&m, again, &al, NULL), MCX_OK);
    assert_int_equal(al, ml);
    assert_memory_equal(again, msg, ml);
    mcx_wipe(&cr, sizeof cr);
    mcx_wipe(&pr, sizeof pr);
}

static void test_create_process(void **state)
{
    (void)state;
    mcx_mikey_ctx *gms = ctx_for("gms"), *alice = ctx_for("alice"), *bob = ctx_for("bob");
    roundtrip(gms, alice, "sip:alice@streamwide.com", MCX_PURPOSE_GMK, 0, 1);
    roundtrip(gms, bob, "sip:bob@streamwide.com", MCX_PURPOSE_GMK, 1, 0);
    roundtrip(alice, bob, "sip:bob@streamwide.com", MCX_PURPOSE_PCK, 0, 0);
    roundtrip(alice, bob, "sip:bob@streamwide.com", MCX_PURPOSE_PCK, 1, 1);
    roundtrip(alice, gms, "gms@streamwide.com", MCX_PURPOSE_CSK, 0, 1);
    static const enum mcx_purpose down[] = {MCX_PURPOSE_CSK, MCX_PURPOSE_SPK, MCX_PURPOSE_MKFC,
                                            MCX_PURPOSE_MSCCK, MCX_PURPOSE_MUSIK};
    for (size_t i = 0; i < sizeof down / sizeof down[0]; i++)
        roundtrip(gms, alice, "sip:alice@streamwide.com", down[i], 0, 1);
    /* SAKKE-to-self (E.5): the initiator's own RSK opens General Extension 6 */
    {
        struct mcx_mikey_create_args s2;
        memset(&s2, 0, sizeof s2);
        s2.purpose = MCX_PURPOSE_PCK;
        s2.responder_uri = "sip:bob@streamwide.com";
        s2.now = SW_NOW;
        s2.no_cs = 1;
        s2.sakke_to_self = 1;
        uint8_t m2[MCX_MIKEY_MAX_MSG], ssv[16];
        size_t l2 = sizeof m2;
        struct mcx_mikey_result r2;
        assert_int_equal(mcx_mikey_create(alice, &s2, m2, &l2, &r2), MCX_OK);
        struct mcx_mikey_msg d2;
        assert_int_equal(mcx_mikey_decode(m2, l2, &d2, NULL), MCX_OK);
        const struct mcx_mikey_payload *ge = &d2.p[d2.n - 2];
        assert_int_equal(ge->type, MCX_MIKEY_PT_GEXT);
        assert_int_equal(ge->u.gext.type, MCX_MIKEY_GEXT_SAKKE_TO_SELF);
        assert_int_equal(ge->u.gext.data.len, 5 + MCX_SAKKE_SED_BYTES);
        struct mcx_kms_keyset ak;
        load_keyset("alice", &ak);
        mcx_sakke_pub *pub = NULL;
        mcx_sakke_rsk *rsk = NULL;
        assert_int_equal(mcx_sakke_pub_new(&pub, sw_cert.pub_enc_key), MCX_OK);
        assert_int_equal(mcx_sakke_rsk_new(&rsk, pub, ak.user_id, 32, ak.rsk), MCX_OK);
        assert_int_equal(mcx_sakke_decapsulate(rsk, ge->u.gext.data.p + 5, ssv), MCX_OK);
        assert_memory_equal(ssv, r2.key, 16);
        mcx_sakke_rsk_free(rsk);
        mcx_sakke_pub_free(pub);
        mcx_wipe(&ak, sizeof ak);
        assert_int_equal(mcx_mikey_process(bob, m2, l2, MCX_PURPOSE_PCK, SW_NOW, &r2), MCX_OK);
        mcx_wipe(&r2, sizeof r2);
    }
    /* a given key and key ID; a key ID whose purpose tag disagrees is refused */
    struct mcx_mikey_create_args a;
    memset(&a, 0, sizeof a);
    static const uint8_t key[16] = {1, 2, 3};
    a.purpose = MCX_PURPOSE_GMK;
    a.responder_uri = "sip:alice@streamwide.com";
    a.key = key;
    a.key_id = 0x0df9bc39;
    a.now = SW_NOW;
    a.cs_id = 4;
    uint8_t msg[MCX_MIKEY_MAX_MSG];
    size_t ml = sizeof msg;
    struct mcx_mikey_result r;
    assert_int_equal(mcx_mikey_create(gms, &a, msg, &ml, &r), MCX_OK);
    uint32_t guk;
    assert_int_equal(mcx_guk_id(key, 16, 0x0df9bc39, "sip:alice@streamwide.com", &guk), MCX_OK);
    assert_int_equal(r.csb_id, guk);
    assert_int_equal(mcx_mikey_process(alice, msg, ml, MCX_PURPOSE_GMK, SW_NOW, &r), MCX_OK);
    assert_memory_equal(r.key, key, 16);
    assert_int_equal(r.key_id, 0x0df9bc39);
    a.key_id = 0x1df9bc39;
    ml = sizeof msg;
    assert_int_equal(mcx_mikey_create(gms, &a, msg, &ml, &r), MCX_ERR_ARG);
    /* too small an output buffer */
    a.key_id = 0;
    ml = 100;
    assert_int_equal(mcx_mikey_create(gms, &a, msg, &ml, &r), MCX_ERR_BUFFER_SMALL);
    /* no key set for the period of `now` */
    a.now = SW_NOW + 20000000;
    ml = sizeof msg;
    assert_int_equal(mcx_mikey_create(gms, &a, msg, &ml, &r), MCX_ERR_NOT_FOUND);
    /* unknown responder KMS */
    a.now = SW_NOW;
    a.responder_kms = "kms.elsewhere.example";
    assert_int_equal(mcx_mikey_create(gms, &a, msg, &ml, &r), MCX_ERR_MIKEY_KMS);
    mcx_wipe(&r, sizeof r);
    mcx_mikey_ctx_free(gms);
    mcx_mikey_ctx_free(alice);
    mcx_mikey_ctx_free(bob);
}

/* Two security domains: a fresh KMS for bob, Alice's context permits it. */
static void test_external_kms(void **state)
{
    (void)state;
    struct mcx_kms_cert ext;
    mcx_kms_cert_init(&ext);
    memcpy(ext.kms_uri, "kms.other.example", 18);
    ext.user_key_period = 2592000;
    uint8_t z[MCX_SAKKE_SCALAR_BYTES], ksak[32];
    assert_int_equal(mcx_sakke_kms_keygen(z, ext.pub_enc_key), MCX_OK);
    assert_int_equal(mcx_eccsi_kms_keygen(ksak, ext.pub_auth_key), MCX_OK);
    struct mcx_kms_keyset bk;
    mcx_kms_keyset_init(&bk);
    memcpy(bk.kms_uri, ext.kms_uri, sizeof ext.kms_uri);
    memcpy(bk.user_uri, "sip:bob@other.example", 22);
    uint64_t ntp = (uint64_t)(SW_NOW + (int64_t)MCX_NTP_UNIX_OFFSET);
    assert_int_equal(mcx_key_period_no(ntp, ext.user_key_period, 0, &bk.key_period_no), MCX_OK);
    assert_int_equal(mcx_uid(bk.user_uri, ext.kms_uri, ext.user_key_period, 0, bk.key_period_no, bk.user_id), MCX_OK);
    assert_int_equal(mcx_sakke_kms_issue(z, bk.user_id, 32, bk.rsk), MCX_OK);
    assert_int_equal(mcx_eccsi_kms_issue(ksak, bk.user_id, 32, bk.ssk, bk.pvt), MCX_OK);
    mcx_mikey_ctx *bob = NULL, *alice = ctx_for("alice");
    assert_int_equal(mcx_mikey_ctx_new(&bob, &ext), MCX_OK);
    assert_int_equal(mcx_mikey_ctx_add_keyset(bob, &bk), MCX_OK);
    assert_int_equal(mcx_mikey_ctx_add_kms(alice, &ext), MCX_OK);
    struct mcx_mikey_create_args a;
    memset(&a, 0, sizeof a);
    a.purpose = MCX_PURPOSE_PCK;
    a.responder_uri = "sip:bob@other.example";
    a.responder_kms = "kms.other.example";
    a.now = SW_NOW;
    a.no_cs = 1;
    uint8_t msg[MCX_MIKEY_MAX_MSG];
    size_t ml = sizeof msg;
    struct mcx_mikey_result cr, pr;
    assert_int_equal(mcx_mikey_create(alice, &a, msg, &ml, &cr), MCX_OK);
    /* bob does not (yet) permit Alice's KMS */
    expect_fail(bob, msg, ml, MCX_PURPOSE_PCK, SW_NOW, MCX_ERR_MIKEY_KMS);
    assert_int_equal(mcx_mikey_ctx_add_kms(bob, &sw_cert), MCX_OK);
    assert_int_equal(mcx_mikey_process(bob, msg, ml, MCX_PURPOSE_PCK, SW_NOW, &pr), MCX_OK);
    assert_memory_equal(pr.key, cr.key, 16);
    assert_string_equal(pr.initiator_uri, "sip:alice@streamwide.com");
    mcx_wipe(z, sizeof z);
    mcx_wipe(ksak, sizeof ksak);
    mcx_wipe(&bk, sizeof bk);
    mcx_wipe(&cr, sizeof cr);
    mcx_wipe(&pr, sizeof pr);
    mcx_mikey_ctx_free(alice);
    mcx_mikey_ctx_free(bob);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_gmk),
        cmocka_unit_test(test_golden_csk_pck),
        cmocka_unit_test(test_checks),
        cmocka_unit_test(test_bad_keysets),
        cmocka_unit_test(test_create_process),
        cmocka_unit_test(test_external_kms),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
