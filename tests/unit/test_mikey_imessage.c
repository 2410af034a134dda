/*
 * MIKEY-SAKKE I_MESSAGE tests (src/codec/mikey_imessage.c):
 *  - interop golden test: the Streamwide GMK, CSK and PCK messages verify with the group manager /
 *    caller keys, decapsulate with the given RSKs and yield exactly the published keys, key IDs,
 *    GUK-ID and every key parameter (digest §5.11);
 *  - create -> process round trips for every purpose (CS-IDs of TS 33.180 Table E.1.3-1), with and
 *    without hidden identities and key parameters, and SAKKE-to-self on the initiator's device;
 *  - one test per receiver check that trips it, each on a message that is otherwise valid and
 *    properly re-signed so that exactly that check fails, asserting its specific error and that no
 *    key material was released; the signature is shown to bind the initiator's identity and the
 *    key period of T; key parameters (revoked, expired, not yet active) are enforced; the replay
 *    cache never forgets an entry inside the window.
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
    /* E.7 post-check once the URI is known */
    assert_int_equal(mcx_mikey_check_initiator(c, &r, "gms@streamwide.com", NULL), MCX_OK);
    assert_int_equal(mcx_mikey_check_initiator(c, &r, "sip:mallory@streamwide.com", NULL),
                     MCX_ERR_MIKEY_IDENTITY);
    assert_int_equal(mcx_mikey_check_initiator(c, &r, "gms@streamwide.com", "kms.x"),
                     MCX_ERR_MIKEY_KMS);
    /* every key parameter of digest §5.11 / §5.8: "00 | 00000001 | 0000000000 | 0000000000 | 0000
     * | 0001 | 00" = GMK, not revoked, no activation, no expiry, empty text, a Group IDs element
     * holding zero IDs */
    assert_int_equal(r.has_params, 1);
    assert_int_equal(r.pending, 0);
    assert_int_equal(r.params.key_type, MCX_PURPOSE_GMK);
    assert_int_equal(r.params.status, MCX_KEY_STATUS_NOT_REVOKED);
    assert_true(r.params.activation == 0);
    assert_true(r.params.expiry == 0);
    assert_string_equal(r.params.text, "");
    assert_int_equal(r.params.has_groups, 1);
    assert_int_equal(r.params.n_groups, 0);
    assert_int_equal(r.cs_id, MCX_CS_GROUP);
    assert_int_equal(r.key_id, 0x0df9bc39);
    assert_int_equal(r.csb_id, 0x06a12aea);
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

/* Encode m and sign it as key set `ks` of the KMS with KPAK `kpak` (RFC 6509 §4.3 range). */
static size_t resign_as(struct mcx_mikey_msg *m, const uint8_t kpak[65],
                        const struct mcx_kms_keyset *ks, uint8_t *out, size_t cap)
{
    mcx_eccsi_signer *s = NULL;
    assert_int_equal(mcx_eccsi_signer_new(&s, kpak, ks->user_id, 32, ks->ssk, ks->pvt), MCX_OK);
    struct mcx_mikey_layout lay;
    size_t ol = cap;
    assert_int_equal(mcx_mikey_encode(m, out, &ol, &lay), MCX_OK);
    assert_int_equal(mcx_eccsi_sign(s, out, lay.sig_off, out + lay.sig_off), MCX_OK);
    mcx_eccsi_signer_free(s);
    return ol;
}

/* Re-sign a modified Streamwide GMK message with the GMS key, so that a check after the signature
 * is what trips. */
static size_t resign(struct mcx_mikey_msg *m, uint8_t *out, size_t cap)
{
    struct mcx_kms_keyset gms;
    load_keyset("gms", &gms);
    size_t ol = resign_as(m, sw_cert.pub_auth_key, &gms, out, cap);
    mcx_wipe(&gms, sizeof gms);
    return ol;
}

static void expect_fail(mcx_mikey_ctx *c, const uint8_t *msg, size_t len, int purpose, int64_t now,
                        mcx_err want)
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
    sed[100] ^= 0x01; /* a bit of R's x: (x', y) is not on the curve */
    m.p[7].u.sakke.data.p = sed;
    bl = resign(&m, bad, sizeof bad);
    expect_fail(alice, bad, bl, MCX_PURPOSE_GMK, SW_NOW, MCX_ERR_NOT_ON_CURVE);
    /* R a valid point, but not this encapsulation's: the PCK message's R with this H */
    uint8_t pck[2048];
    size_t pl = load_msg("test3_pck", pck);
    struct mcx_mikey_msg pm;
    assert_int_equal(mcx_mikey_decode(pck, pl, &pm, NULL), MCX_OK);
    memcpy(sed, msg + 217 + 5, sizeof sed);
    for (size_t k = 0; k < pm.n; k++)
        if (pm.p[k].type == MCX_MIKEY_PT_SAKKE)
            memcpy(sed, pm.p[k].u.sakke.data.p, MCX_SAKKE_POINT_BYTES);
    bl = resign(&m, bad, sizeof bad);
    expect_fail(alice, bad, bl, MCX_PURPOSE_GMK, SW_NOW, MCX_ERR_SAKKE_CHECK);
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

static void expect_ok(mcx_mikey_ctx *c, const uint8_t *msg, size_t len, int purpose, int64_t now)
{
    struct mcx_mikey_result r;
    mcx_err rc = mcx_mikey_process(c, msg, len, purpose, now, &r);
    if (rc != MCX_OK)
        fail_msg("got %s, want MCX_OK", mcx_errname(rc));
    mcx_wipe(&r, sizeof r);
}

/* Re-sign the (modified) message and process it as Alice with a clean replay cache: the result
 * must be exactly `want`. */
static void resigned_expect(mcx_mikey_ctx *alice, struct mcx_mikey_msg *m, mcx_err want)
{
    uint8_t out[2048];
    size_t l = resign(m, out, sizeof out);
    assert_int_equal(mcx_mikey_ctx_set_replay_capacity(alice, 16), MCX_OK);
    if (want == MCX_OK)
        expect_ok(alice, out, l, MCX_PURPOSE_GMK, SW_NOW);
    else
        expect_fail(alice, out, l, MCX_PURPOSE_GMK, SW_NOW, want);
}

/* Every structural and content check on the Streamwide GMK message, each on a message that differs
 * from the valid one in that one respect and carries a valid GMS signature over what it says. */
static void test_checks_resigned(void **state)
{
    (void)state;
    uint8_t msg[2048], ge[128], sed[MCX_SAKKE_SED_BYTES], gmk[16];
    size_t len = load_msg("test1_gmk", msg);
    mcx_mikey_ctx *alice = ctx_for("alice");
    struct mcx_mikey_msg m;
    struct mcx_kms_keyset bob;
    load_keyset("bob", &bob);
#define FRESH() assert_int_equal(mcx_mikey_decode(msg, len, &m, NULL), MCX_OK)
    /* control: re-signing alone changes nothing */
    FRESH();
    resigned_expect(alice, &m, MCX_OK);
    /* HDR: V = 1, data type 0 (PSK), PRF 0 (MIKEY-1) */
    FRESH();
    m.hdr.v = 1;
    resigned_expect(alice, &m, MCX_ERR_MIKEY_PAYLOAD);
    FRESH();
    m.hdr.data_type = MCX_MIKEY_DT_PSK_INIT;
    resigned_expect(alice, &m, MCX_ERR_MIKEY_PAYLOAD);
    FRESH();
    m.hdr.prf = 0;
    resigned_expect(alice, &m, MCX_ERR_UNSUPPORTED);
    /* T: NTP (type 1) instead of NTP-UTC, same value */
    FRESH();
    m.p[0].u.t.ts_type = 1;
    resigned_expect(alice, &m, MCX_ERR_MIKEY_PAYLOAD);
    /* IDRs: a second IDRkmsi in place of IDRkmsr; IDRuidr turned into a second IDRuidi; IDRkmsr
     * missing; an IDRkms (role 3), which has no place in an MCX I_MESSAGE */
    FRESH();
    m.p[5].u.idr.role = MCX_MIKEY_ROLE_KMSI;
    resigned_expect(alice, &m, MCX_ERR_MIKEY_PAYLOAD);
    FRESH();
    m.p[3].u.idr.role = MCX_MIKEY_ROLE_UIDI;
    resigned_expect(alice, &m, MCX_ERR_MIKEY_PAYLOAD);
    FRESH();
    memmove(&m.p[5], &m.p[6], (m.n - 6) * sizeof m.p[0]);
    m.n--;
    resigned_expect(alice, &m, MCX_ERR_MIKEY_PAYLOAD);
    FRESH();
    memmove(&m.p[6], &m.p[5], (m.n - 5) * sizeof m.p[0]); /* all four roles, IDRkmsi twice */
    m.p[5] = m.p[4];
    m.n++;
    resigned_expect(alice, &m, MCX_ERR_MIKEY_PAYLOAD);
    FRESH();
    m.p[5].u.idr.role = MCX_MIKEY_ROLE_KMS;
    resigned_expect(alice, &m, MCX_ERR_MIKEY_PAYLOAD);
    /* IDRr as a URI (role 2): Alice's URI is accepted, Bob's is not Alice */
    static const char alice_uri[] = "sip:alice@streamwide.com",
                      bob_uri[] = "sip:bob@streamwide.com";
    FRESH();
    m.p[3].u.idr.role = MCX_MIKEY_ROLE_R;
    m.p[3].u.idr.id.p = (const uint8_t *)alice_uri;
    m.p[3].u.idr.id.len = strlen(alice_uri);
    resigned_expect(alice, &m, MCX_OK);
    m.p[3].u.idr.id.p = (const uint8_t *)bob_uri;
    m.p[3].u.idr.id.len = strlen(bob_uri);
    resigned_expect(alice, &m, MCX_ERR_MIKEY_IDENTITY);
    /* the signature binds the initiator: the GMS signs a message whose IDRi names Bob (as a UID,
     * and as a URI); the GMS's own URI in role 1 is accepted */
    static const char gms_uri[] = "gms@streamwide.com";
    FRESH();
    m.p[2].u.idr.id.p = bob.user_id;
    resigned_expect(alice, &m, MCX_ERR_VERIFY);
    m.p[2].u.idr.role = MCX_MIKEY_ROLE_I;
    m.p[2].u.idr.id.p = (const uint8_t *)bob_uri;
    m.p[2].u.idr.id.len = strlen(bob_uri);
    resigned_expect(alice, &m, MCX_ERR_VERIFY);
    m.p[2].u.idr.id.p = (const uint8_t *)gms_uri;
    m.p[2].u.idr.id.len = strlen(gms_uri);
    resigned_expect(alice, &m, MCX_OK);
    /* SIGN: S type 1 (RSA-PSS) is not ECCSI */
    FRESH();
    m.p[9].u.sign.s_type = 1;
    resigned_expect(alice, &m, MCX_ERR_VERIFY);
    /* purpose tag 7 (undefined) in the CSB-ID */
    FRESH();
    m.hdr.csb_id = (m.hdr.csb_id & 0x0FFFFFFFu) | 0x70000000u;
    resigned_expect(alice, &m, MCX_ERR_MIKEY_PURPOSE);
    /* SAKKE: ID scheme 1 (tel URI, monthly keys), parameter set 2, data one octet short */
    FRESH();
    m.p[7].u.sakke.id_scheme = 1;
    resigned_expect(alice, &m, MCX_ERR_UNSUPPORTED);
    FRESH();
    m.p[7].u.sakke.params = 2;
    resigned_expect(alice, &m, MCX_ERR_UNSUPPORTED);
    FRESH();
    m.p[7].u.sakke.data.len--;
    resigned_expect(alice, &m, MCX_ERR_MIKEY_PAYLOAD);
    m.p[7].u.sakke.data.len += 2; /* one octet long (the next octet of the buffer) */
    resigned_expect(alice, &m, MCX_ERR_MIKEY_PAYLOAD);
    /* key parameters re-sealed under the GMK: as they were (accepted), then with key type PCK */
    assert_int_equal(vec_get_hex(SW, "test1_gmk", "key", gmk, 16), 16);
    FRESH();
    struct mcx_key_params kp;
    assert_int_equal(
        mcx_key_params_open(gmk, m.hdr.csb_id, m.p[8].u.gext.data.p, m.p[8].u.gext.data.len, &kp),
        MCX_OK);
    size_t gl = sizeof ge;
    assert_int_equal(mcx_key_params_seal(gmk, m.hdr.csb_id, &kp, 1, NULL, ge, &gl), MCX_OK);
    m.p[8].u.gext.data.p = ge;
    m.p[8].u.gext.data.len = gl;
    resigned_expect(alice, &m, MCX_OK);
    kp.key_type = MCX_PURPOSE_PCK;
    gl = sizeof ge;
    assert_int_equal(mcx_key_params_seal(gmk, m.hdr.csb_id, &kp, 1, NULL, ge, &gl), MCX_OK);
    m.p[8].u.gext.data.len = gl;
    resigned_expect(alice, &m, MCX_ERR_MIKEY_PARAMS);
    /* a second key-parameter extension */
    FRESH();
    memmove(&m.p[9], &m.p[8], sizeof m.p[0] * 2);
    m.n++;
    resigned_expect(alice, &m, MCX_ERR_MIKEY_PAYLOAD);
    /* SAKKE-to-self is allowed for the responder (and ignored by it) */
    FRESH();
    memcpy(sed, m.p[7].u.sakke.data.p, sizeof sed);
    memmove(&m.p[9], &m.p[8], sizeof m.p[0] * 2);
    m.n++;
    uint8_t self[5 + MCX_SAKKE_SED_BYTES] = {0, 1, 2, 0x01, 0x11};
    memcpy(self + 5, sed, sizeof sed);
    m.p[8].u.gext.type = MCX_MIKEY_GEXT_SAKKE_TO_SELF;
    m.p[8].u.gext.data.p = self;
    m.p[8].u.gext.data.len = sizeof self;
    resigned_expect(alice, &m, MCX_OK);
#undef FRESH
    mcx_wipe(gmk, sizeof gmk);
    mcx_wipe(&kp, sizeof kp);
    mcx_wipe(&bob, sizeof bob);
    mcx_mikey_ctx_free(alice);
}

/* A fresh KMS with one-hour key periods and key sets for the GMS, Alice and Bob for the periods
 * around BASE, to test what the Streamwide keys (one period only) cannot. */
#define P_LEN 3600
struct test_kms {
    struct mcx_kms_cert cert;
    uint8_t z[MCX_SAKKE_SCALAR_BYTES], ksak[32];
    int64_t base; /* Unix time of the start of a key period */
};

static void kms_init(struct test_kms *k)
{
    mcx_kms_cert_init(&k->cert);
    memcpy(k->cert.kms_uri, "kms.test.example", 17);
    k->cert.user_key_period = P_LEN;
    assert_int_equal(mcx_sakke_kms_keygen(k->z, k->cert.pub_enc_key), MCX_OK);
    assert_int_equal(mcx_eccsi_kms_keygen(k->ksak, k->cert.pub_auth_key), MCX_OK);
    /* 2025-10-03T12:00:00Z is a multiple of 3600 in NTP seconds too (the offset is 613,608 h) */
    k->base = 1759492800;
}

static void kms_issue(const struct test_kms *k, const char *uri, int64_t at,
                      struct mcx_kms_keyset *ks)
{
    mcx_kms_keyset_init(ks);
    memcpy(ks->kms_uri, k->cert.kms_uri, sizeof k->cert.kms_uri);
    snprintf(ks->user_uri, sizeof ks->user_uri, "%s", uri);
    uint64_t ntp = (uint64_t)(at + (int64_t)MCX_NTP_UNIX_OFFSET);
    assert_int_equal(mcx_key_period_no(ntp, P_LEN, 0, &ks->key_period_no), MCX_OK);
    assert_int_equal(mcx_uid(uri, k->cert.kms_uri, P_LEN, 0, ks->key_period_no, ks->user_id),
                     MCX_OK);
    assert_int_equal(mcx_sakke_kms_issue(k->z, ks->user_id, 32, ks->rsk), MCX_OK);
    assert_int_equal(mcx_eccsi_kms_issue(k->ksak, ks->user_id, 32, ks->ssk, ks->pvt), MCX_OK);
}

/* A context for `uri` with key sets for the period before and the period starting at k->base. */
static mcx_mikey_ctx *kms_ctx(const struct test_kms *k, const char *uri)
{
    mcx_mikey_ctx *c = NULL;
    struct mcx_kms_keyset ks;
    assert_int_equal(mcx_mikey_ctx_new(&c, &k->cert), MCX_OK);
    kms_issue(k, uri, k->base - 1, &ks);
    assert_int_equal(mcx_mikey_ctx_add_keyset(c, &ks), MCX_OK);
    kms_issue(k, uri, k->base, &ks);
    assert_int_equal(mcx_mikey_ctx_add_keyset(c, &ks), MCX_OK);
    mcx_wipe(&ks, sizeof ks);
    return c;
}

/* The fresh KMS with contexts for the GMS, Alice and Bob. */
struct fixture {
    struct test_kms k;
    mcx_mikey_ctx *gms, *alice, *bob;
};

static void fixture_init(struct fixture *f)
{
    kms_init(&f->k);
    f->gms = kms_ctx(&f->k, "sip:gms@test.example");
    f->alice = kms_ctx(&f->k, "sip:alice@test.example");
    f->bob = kms_ctx(&f->k, "sip:bob@test.example");
}

static void fixture_free(struct fixture *f)
{
    mcx_mikey_ctx_free(f->gms);
    mcx_mikey_ctx_free(f->alice);
    mcx_mikey_ctx_free(f->bob);
    mcx_wipe(f, sizeof *f);
}

static void base_args(struct mcx_mikey_create_args *a, enum mcx_purpose p, const char *to,
                      int64_t now)
{
    memset(a, 0, sizeof *a);
    a->purpose = p;
    a->responder_uri = to;
    a->now = now;
    int cs = mcx_purpose_cs_id(p);
    a->cs_id = cs < 0 ? 0 : (uint8_t)cs;
    a->no_cs = cs < 0;
}

static size_t create(mcx_mikey_ctx *from, const struct mcx_mikey_create_args *a, uint8_t *out,
                     size_t cap)
{
    size_t l = cap;
    struct mcx_mikey_result r;
    assert_int_equal(mcx_mikey_create(from, a, out, &l, &r), MCX_OK);
    mcx_wipe(&r, sizeof r);
    return l;
}

/* The signature binds the key period of T: a GMK message made in the last seconds of one period,
 * its T moved into the next period and re-signed with the GMS's key of the first period, fails
 * the signature (the receiver checks the GMS's UID of T's period). Re-signed with the GMS's key of
 * T's period it passes the signature and trips the SAKKE check (the key was encapsulated to
 * Alice's UID of the first period) — so the failure was the period binding. */
static void test_key_period_binding(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f);
    struct test_kms k = f.k;
    mcx_mikey_ctx *gms = f.gms, *alice = f.alice;
    struct mcx_mikey_create_args a;
    uint8_t msg[MCX_MIKEY_MAX_MSG], bad[MCX_MIKEY_MAX_MSG];
    base_args(&a, MCX_PURPOSE_GMK, "sip:alice@test.example", k.base - 100);
    size_t l = create(gms, &a, msg, sizeof msg);
    expect_ok(alice, msg, l, MCX_PURPOSE_GMK, k.base);
    assert_int_equal(mcx_mikey_ctx_set_replay_capacity(alice, 16), MCX_OK);
    struct mcx_mikey_msg m;
    struct mcx_kms_keyset old_key, new_key;
    kms_issue(&k, "sip:gms@test.example", k.base - 100, &old_key);
    kms_issue(&k, "sip:gms@test.example", k.base + 100, &new_key);
    assert_int_equal(mcx_mikey_decode(msg, l, &m, NULL), MCX_OK);
    m.p[0].u.t.value = (uint64_t)(k.base + 100 + (int64_t)MCX_NTP_UNIX_OFFSET) << 32;
    size_t bl = resign_as(&m, k.cert.pub_auth_key, &old_key, bad, sizeof bad);
    expect_fail(alice, bad, bl, MCX_PURPOSE_GMK, k.base, MCX_ERR_VERIFY);
    bl = resign_as(&m, k.cert.pub_auth_key, &new_key, bad, sizeof bad);
    expect_fail(alice, bad, bl, MCX_PURPOSE_GMK, k.base, MCX_ERR_SAKKE_CHECK);
    /* and the identity: Alice's URI as IDRi, signed by the GMS */
    assert_int_equal(mcx_mikey_decode(msg, l, &m, NULL), MCX_OK);
    m.p[2].u.idr.id.p = (const uint8_t *)"sip:alice@test.example";
    m.p[2].u.idr.id.len = strlen("sip:alice@test.example");
    bl = resign_as(&m, k.cert.pub_auth_key, &old_key, bad, sizeof bad);
    expect_fail(alice, bad, bl, MCX_PURPOSE_GMK, k.base, MCX_ERR_VERIFY);
    mcx_wipe(&old_key, sizeof old_key);
    mcx_wipe(&new_key, sizeof new_key);
    mcx_wipe(&k, sizeof k);
    fixture_free(&f);
}

/* Digest §5.12 step 7: key parameters are enforced on receive. */
static void test_key_params_enforced(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f);
    mcx_mikey_ctx *gms = f.gms, *alice = f.alice;
    struct mcx_mikey_create_args a;
    uint8_t msg[MCX_MIKEY_MAX_MSG];
    int64_t now = f.k.base + 10;
    uint64_t ntp = (uint64_t)(now + (int64_t)MCX_NTP_UNIX_OFFSET);
    base_args(&a, MCX_PURPOSE_GMK, "sip:alice@test.example", now);
    a.include_params = 1;
    a.params.has_groups = 1;
    /* revoked */
    a.params.status = 0;
    size_t l = create(gms, &a, msg, sizeof msg);
    expect_fail(alice, msg, l, MCX_PURPOSE_GMK, now, MCX_ERR_REVOKED);
    /* expired 1000 s ago; expired 100 s ago is inside the clock skew allowed */
    a.params.status = MCX_KEY_STATUS_NOT_REVOKED;
    a.params.expiry = ntp - 1000;
    l = create(gms, &a, msg, sizeof msg);
    expect_fail(alice, msg, l, MCX_PURPOSE_GMK, now, MCX_ERR_MIKEY_EXPIRED);
    a.params.expiry = ntp - 100;
    l = create(gms, &a, msg, sizeof msg);
    expect_ok(alice, msg, l, MCX_PURPOSE_GMK, now);
    /* active only in 1000 s: refused, unless the context accepts pending keys */
    a.params.expiry = 0;
    a.params.activation = ntp + 1000;
    l = create(gms, &a, msg, sizeof msg);
    expect_fail(alice, msg, l, MCX_PURPOSE_GMK, now, MCX_ERR_MIKEY_NOT_ACTIVE);
    mcx_mikey_ctx_set_accept_pending(alice, 1);
    struct mcx_mikey_result r;
    assert_int_equal(mcx_mikey_process(alice, msg, l, MCX_PURPOSE_GMK, now, &r), MCX_OK);
    assert_int_equal(r.pending, 1);
    assert_true(r.params.activation == ntp + 1000);
    /* an expiry before the activation is inconsistent */
    a.params.expiry = ntp + 500;
    l = create(gms, &a, msg, sizeof msg);
    expect_fail(alice, msg, l, MCX_PURPOSE_GMK, now, MCX_ERR_MIKEY_PARAMS);
    /* active now and not expired: accepted, not pending */
    a.params.activation = ntp - 10;
    a.params.expiry = ntp + 3600;
    l = create(gms, &a, msg, sizeof msg);
    assert_int_equal(mcx_mikey_process(alice, msg, l, MCX_PURPOSE_GMK, now, &r), MCX_OK);
    assert_int_equal(r.pending, 0);
    mcx_wipe(&r, sizeof r);
    fixture_free(&f);
}

/* The replay cache never forgets a (RAND, T) that could still be accepted. */
static void test_replay_window(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f);
    mcx_mikey_ctx *bob = f.bob, *alice = f.alice;
    assert_int_equal(mcx_mikey_ctx_set_replay_capacity(bob, 2), MCX_OK);
    struct mcx_mikey_create_args a;
    uint8_t m1[MCX_MIKEY_MAX_MSG], m2[MCX_MIKEY_MAX_MSG], m3[MCX_MIKEY_MAX_MSG],
        m4[MCX_MIKEY_MAX_MSG];
    int64_t t0 = f.k.base + 100;
    base_args(&a, MCX_PURPOSE_PCK, "sip:bob@test.example", t0);
    size_t l1 = create(alice, &a, m1, sizeof m1), l2 = create(alice, &a, m2, sizeof m2),
           l3 = create(alice, &a, m3, sizeof m3);
    expect_ok(bob, m1, l1, MCX_PURPOSE_PCK, t0);
    expect_ok(bob, m2, l2, MCX_PURPOSE_PCK, t0 + 1);
    /* full of entries inside the window: a third message is refused, not an old one forgotten */
    expect_fail(bob, m3, l3, MCX_PURPOSE_PCK, t0 + 2, MCX_ERR_MIKEY_REPLAY_FULL);
    expect_fail(bob, m1, l1, MCX_PURPOSE_PCK, t0 + 3, MCX_ERR_MIKEY_REPLAY);
    /* 301 s later the first two can never be accepted again: their entries make room */
    a.now = t0 + 301;
    size_t l4 = create(alice, &a, m4, sizeof m4);
    expect_ok(bob, m4, l4, MCX_PURPOSE_PCK, t0 + 301);
    expect_fail(bob, m1, l1, MCX_PURPOSE_PCK, t0 + 301, MCX_ERR_MIKEY_TIME);
    /* a message inside the window of its own `now` but as old as the forgotten entries is stale:
     * its own entry might have been among them */
    expect_fail(bob, m3, l3, MCX_PURPOSE_PCK, t0 + 250, MCX_ERR_MIKEY_TIME);
    /* widening the window does not let a forgotten (RAND, T) back in */
    mcx_mikey_ctx_set_window(bob, 1000);
    expect_fail(bob, m2, l2, MCX_PURPOSE_PCK, t0 + 301, MCX_ERR_MIKEY_TIME);
    /* a fresh message still goes in (m4's entry is kept, the cache has room) */
    a.now = t0 + 302;
    l1 = create(alice, &a, m1, sizeof m1);
    expect_ok(bob, m1, l1, MCX_PURPOSE_PCK, t0 + 302);
    expect_fail(bob, m4, l4, MCX_PURPOSE_PCK, t0 + 303, MCX_ERR_MIKEY_REPLAY);
    fixture_free(&f);
}

/* TS 33.180 E.5: the initiator's other device recovers the key from SAKKE-to-self. */
static void test_sakke_to_self(void **state)
{
    (void)state;
    struct fixture f;
    fixture_init(&f);
    struct test_kms k = f.k;
    mcx_mikey_ctx *alice = f.alice, *bob = f.bob, *gms = f.gms;
    mcx_mikey_ctx *alice2 = kms_ctx(&k, "sip:alice@test.example"); /* her second device */
    struct mcx_mikey_create_args a;
    struct mcx_mikey_result cr, r;
    uint8_t msg[MCX_MIKEY_MAX_MSG];
    int64_t now = k.base + 10;
    base_args(&a, MCX_PURPOSE_PCK, "sip:bob@test.example", now);
    a.sakke_to_self = 1;
    a.include_params = 1;
    a.params.status = MCX_KEY_STATUS_NOT_REVOKED;
    size_t l = sizeof msg;
    assert_int_equal(mcx_mikey_create(alice, &a, msg, &l, &cr), MCX_OK);
    assert_int_equal(mcx_mikey_process_self(alice2, msg, l, MCX_PURPOSE_PCK, now, &r), MCX_OK);
    assert_memory_equal(r.key, cr.key, 16);
    assert_int_equal(r.key_id, cr.key_id);
    assert_int_equal(r.has_params, 1);
    /* the responder opens its own SAKKE payload as usual; it is not the initiator */
    expect_ok(bob, msg, l, MCX_PURPOSE_PCK, now);
    assert_int_equal(mcx_mikey_process_self(bob, msg, l, MCX_PURPOSE_PCK, now, &r),
                     MCX_ERR_MIKEY_IDENTITY);
    /* nor is the initiator the responder */
    expect_fail(alice2, msg, l, MCX_PURPOSE_PCK, now, MCX_ERR_MIKEY_IDENTITY);
    /* replayed to the same device */
    assert_int_equal(mcx_mikey_process_self(alice2, msg, l, MCX_PURPOSE_PCK, now, &r),
                     MCX_ERR_MIKEY_REPLAY);
    /* a SAKKE-to-self extension one octet short (inner length adjusted), or with another SAKKE
     * parameter set; re-signed by Alice */
    struct mcx_mikey_msg m;
    struct mcx_kms_keyset ak;
    uint8_t self[5 + MCX_SAKKE_SED_BYTES], bad[MCX_MIKEY_MAX_MSG];
    kms_issue(&k, "sip:alice@test.example", now, &ak);
    assert_int_equal(mcx_mikey_decode(msg, l, &m, NULL), MCX_OK);
    struct mcx_mikey_payload *ge = &m.p[m.n - 3]; /* GEXT 6, GEXT 7, SIGN */
    assert_int_equal(ge->u.gext.type, MCX_MIKEY_GEXT_SAKKE_TO_SELF);
    memcpy(self, ge->u.gext.data.p, sizeof self);
    ge->u.gext.data.p = self;
    self[4]--;
    ge->u.gext.data.len--;
    size_t bl = resign_as(&m, k.cert.pub_auth_key, &ak, bad, sizeof bad);
    assert_int_equal(mcx_mikey_process_self(alice2, bad, bl, MCX_PURPOSE_PCK, now, &r),
                     MCX_ERR_MIKEY_PAYLOAD);
    self[4]++;
    ge->u.gext.data.len++;
    self[1] = 2;
    bl = resign_as(&m, k.cert.pub_auth_key, &ak, bad, sizeof bad);
    assert_int_equal(mcx_mikey_process_self(alice2, bad, bl, MCX_PURPOSE_PCK, now, &r),
                     MCX_ERR_UNSUPPORTED);
    mcx_wipe(&ak, sizeof ak);
    /* no SAKKE-to-self extension */
    a.sakke_to_self = 0;
    l = create(alice, &a, msg, sizeof msg);
    assert_int_equal(mcx_mikey_process_self(alice2, msg, l, MCX_PURPOSE_PCK, now, &r),
                     MCX_ERR_MIKEY_PAYLOAD);
    assert_no_key(&r);
    /* a GMK: the GMS's other device recovers GMK and GMK-ID (the member's URI is in IDRr) */
    base_args(&a, MCX_PURPOSE_GMK, "sip:bob@test.example", now);
    a.sakke_to_self = 1;
    l = sizeof msg;
    assert_int_equal(mcx_mikey_create(gms, &a, msg, &l, &cr), MCX_OK);
    mcx_mikey_ctx *gms2 = kms_ctx(&k, "sip:gms@test.example");
    assert_int_equal(mcx_mikey_process_self(gms2, msg, l, MCX_PURPOSE_GMK, now, &r), MCX_OK);
    assert_memory_equal(r.key, cr.key, 16);
    assert_int_equal(r.key_id, cr.key_id);
    /* with the member hidden (role 9) the GMK-ID cannot be recovered */
    a.hide_identities = 1;
    l = create(gms, &a, msg, sizeof msg);
    assert_int_equal(mcx_mikey_process_self(gms2, msg, l, MCX_PURPOSE_GMK, now, &r),
                     MCX_ERR_MIKEY_IDENTITY);
    mcx_wipe(&cr, sizeof cr);
    mcx_wipe(&r, sizeof r);
    mcx_mikey_ctx_free(alice2);
    mcx_mikey_ctx_free(gms2);
    mcx_wipe(&k, sizeof k);
    fixture_free(&f);
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

static void roundtrip(mcx_mikey_ctx *from, mcx_mikey_ctx *to, const char *to_uri,
                      enum mcx_purpose p, int hide, int params)
{
    struct mcx_mikey_create_args a;
    memset(&a, 0, sizeof a);
    a.purpose = p;
    a.responder_uri = to_uri;
    a.now = SW_NOW + 1000;
    a.hide_identities = hide;
    /* CS-IDs of TS 33.180 Table E.1.3-1: GMK 4, CSK 6, MuSiK 7, the others none (#CS = 0) */
    int cs = mcx_purpose_cs_id(p);
    a.cs_id = cs < 0 ? 0 : (uint8_t)cs;
    a.no_cs = cs < 0;
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
    assert_int_equal(pr.cs_id, cs < 0 ? 0xFF : cs);
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
    assert_int_equal(
        mcx_uid(bk.user_uri, ext.kms_uri, ext.user_key_period, 0, bk.key_period_no, bk.user_id),
        MCX_OK);
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
        cmocka_unit_test(test_checks_resigned),
        cmocka_unit_test(test_key_period_binding),
        cmocka_unit_test(test_key_params_enforced),
        cmocka_unit_test(test_replay_window),
        cmocka_unit_test(test_sakke_to_self),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
