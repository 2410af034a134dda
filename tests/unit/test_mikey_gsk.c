/*
 * GSK message tests (src/codec/mikey_gsk.c, docs/gsk-format.md): the worked example of
 * docs/gsk-format.md reproduced byte for byte (tests/vectors/mikey_gsk_example.txt); envelope keys
 * recomputed independently; signed and unsigned round trips; and every rejection: unknown GMK-ID,
 * wrong GMK (MAC), tampered ciphertext/MAC/signature, unacceptable signer, missing required
 * signature, unknown signer KMS, T outside the window, V bit set; the stated validity of
 * pre-generated offers and its bounds (receiver's maximum, GMK validity, revocation, activation);
 * the whole RAND kept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "mcxsec/kdf.h"
#include "mcxsec/mikey.h"
#include "mcxsec/util.h"
#include "mikey_vectors.h"

#define SW "streamwide_v5.txt"
#define EX "mikey_gsk_example.txt"
#define SW_NOW ((int64_t)0xec898da8LL - (int64_t)MCX_NTP_UNIX_OFFSET)

static struct mcx_kms_cert sw_cert;

static int setup(void **state)
{
    (void)state;
    char *uri = vec_get(SW, "kms", "kms_uri");
    assert_non_null(uri);
    mcx_kms_cert_init(&sw_cert);
    snprintf(sw_cert.kms_uri, sizeof sw_cert.kms_uri, "%s", uri);
    free(uri);
    sw_cert.user_key_period = 16777215;
    assert_int_equal(vec_get_hex(SW, "kms", "pub_enc_key", sw_cert.pub_enc_key, 257), 257);
    assert_int_equal(vec_get_hex(SW, "kms", "pub_auth_key", sw_cert.pub_auth_key, 65), 65);
    return 0;
}

static mcx_mikey_ctx *ctx_for(const char *who)
{
    mcx_mikey_ctx *c = NULL;
    struct mcx_kms_keyset k;
    assert_int_equal(mcx_mikey_ctx_new(&c, &sw_cert), MCX_OK);
    mcx_kms_keyset_init(&k);
    snprintf(k.kms_uri, sizeof k.kms_uri, "%s", sw_cert.kms_uri);
    char *uri = vec_get(SW, who, "user_uri");
    snprintf(k.user_uri, sizeof k.user_uri, "%s", uri);
    free(uri);
    k.key_period_no = 236;
    assert_int_equal(vec_get_hex(SW, who, "user_id", k.user_id, 32), 32);
    assert_int_equal(vec_get_hex(SW, who, "rsk", k.rsk, 257), 257);
    assert_int_equal(vec_get_hex(SW, who, "ssk", k.ssk, 32), 32);
    assert_int_equal(vec_get_hex(SW, who, "pvt", k.pvt, 65), 65);
    assert_int_equal(mcx_mikey_ctx_add_keyset(c, &k), MCX_OK);
    mcx_wipe(&k, sizeof k);
    return c;
}

struct table {
    uint8_t gmk[16];
    uint32_t id;
    uint64_t activation, expiry; /* the GMK's validity (NTP seconds, 0 = none) */
};

static mcx_err lookup(void *arg, uint32_t id, struct mcx_gsk_gmk *gmk)
{
    const struct table *t = arg;
    if (id != t->id)
        return MCX_ERR_NOT_FOUND;
    memcpy(gmk->key, t->gmk, 16);
    gmk->activation = t->activation;
    gmk->expiry = t->expiry;
    return MCX_OK;
}

static int only_alice(void *arg, const char *uri, const uint8_t uid[32])
{
    (void)arg;
    (void)uid;
    return strcmp(uri, "sip:alice@streamwide.com") == 0;
}

static void test_worked_example(void **state)
{
    (void)state;
    uint8_t gmk[16], gsk[16], rnd[16], want[256], out[256];
    assert_int_equal(vec_get_hex(EX, "example", "gmk", gmk, 16), 16);
    assert_int_equal(vec_get_hex(EX, "example", "gsk", gsk, 16), 16);
    assert_int_equal(vec_get_hex(EX, "example", "rand", rnd, 16), 16);
    size_t wl = vec_get_hex(EX, "example", "message", want, sizeof want);
    assert_true(wl != (size_t)-1);
    char *now_s = vec_get(EX, "example", "now_unix");
    assert_non_null(now_s);
    struct mcx_gsk_create_args a;
    memset(&a, 0, sizeof a);
    a.gmk = gmk;
    a.gmk_id = vec_get_u32hex(EX, "example", "gmk_id");
    a.gsk = gsk;
    a.gsk_id = vec_get_u32hex(EX, "example", "gsk_id");
    a.now = strtoll(now_s, NULL, 10);
    a.rand = rnd;
    free(now_s);
    size_t ol = sizeof out;
    struct mcx_gsk_result r;
    assert_int_equal(mcx_gsk_create(&a, out, &ol, &r), MCX_OK);
    assert_int_equal(ol, wl);
    assert_memory_equal(out, want, wl);
    /* the envelope keys of the example, recomputed here from the PRF (RFC 3830 §4.1.4) */
    uint8_t ek[16], ak[32], sk[14], wek[16], wak[32], wsk[14];
    assert_int_equal(mcx_mikey_derive(MCX_PRF_HMAC_SHA256, gmk, 16, MCX_PRF_CONST_ENV_ENCR, 0xFF,
                                      a.gmk_id, rnd, 16, ek, 16),
                     MCX_OK);
    assert_int_equal(mcx_mikey_derive(MCX_PRF_HMAC_SHA256, gmk, 16, MCX_PRF_CONST_ENV_AUTH, 0xFF,
                                      a.gmk_id, rnd, 16, ak, 32),
                     MCX_OK);
    assert_int_equal(mcx_mikey_derive(MCX_PRF_HMAC_SHA256, gmk, 16, MCX_PRF_CONST_ENV_SALT, 0xFF,
                                      a.gmk_id, rnd, 16, sk, 14),
                     MCX_OK);
    assert_int_equal(vec_get_hex(EX, "example", "encr_key", wek, 16), 16);
    assert_int_equal(vec_get_hex(EX, "example", "auth_key", wak, 32), 32);
    assert_int_equal(vec_get_hex(EX, "example", "salt_key", wsk, 14), 14);
    assert_memory_equal(ek, wek, 16);
    assert_memory_equal(ak, wak, 32);
    assert_memory_equal(sk, wsk, 14);
    /* and it opens */
    struct table t;
    memset(&t, 0, sizeof t);
    memcpy(t.gmk, gmk, 16);
    t.id = a.gmk_id;
    struct mcx_gsk_process_args pa;
    memset(&pa, 0, sizeof pa);
    pa.lookup = lookup;
    pa.lookup_arg = &t;
    pa.now = a.now;
    struct mcx_gsk_result pr;
    assert_int_equal(mcx_gsk_process(&pa, out, ol, &pr), MCX_OK);
    assert_memory_equal(pr.gsk, gsk, 16);
    assert_int_equal(pr.gsk_id, a.gsk_id);
    assert_int_equal(pr.signed_msg, 0);
}

static void expect(const struct mcx_gsk_process_args *pa, const uint8_t *m, size_t l, mcx_err want)
{
    struct mcx_gsk_result r;
    memset(&r, 0x5A, sizeof r);
    mcx_err rc = mcx_gsk_process(pa, m, l, &r);
    if (rc != want)
        fail_msg("got %s, want %s", mcx_errname(rc), mcx_errname(want));
    static const struct mcx_gsk_result zero;
    assert_memory_equal(&r, &zero, sizeof r);
}

static void test_signed(void **state)
{
    (void)state;
    mcx_mikey_ctx *alice = ctx_for("alice"), *bob = ctx_for("bob");
    struct table t = {{0x07, 0xd1, 0xa1, 0x67, 0x7a, 0xc3, 0x6d, 0x8e, 0x81, 0x62, 0x04, 0x84, 0x68,
                       0x9b, 0x3c, 0x2d},
                      0x0df9bc39,
                      0,
                      0};
    struct mcx_gsk_create_args a;
    memset(&a, 0, sizeof a);
    a.gmk = t.gmk;
    a.gmk_id = t.id;
    a.now = SW_NOW;
    a.signer = alice;
    uint8_t m[1024], bad[1024];
    size_t ml = sizeof m;
    struct mcx_gsk_result cr, pr;
    assert_int_equal(mcx_gsk_create(&a, m, &ml, &cr), MCX_OK);
    assert_int_equal(cr.signed_msg, 1);
    assert_int_equal(MCX_KEY_ID_PURPOSE(cr.gsk_id), MCX_PURPOSE_GMK);
    struct mcx_gsk_process_args pa;
    memset(&pa, 0, sizeof pa);
    pa.lookup = lookup;
    pa.lookup_arg = &t;
    pa.verifier = bob;
    pa.now = SW_NOW + 3;
    pa.require_signature = 1;
    pa.policy = only_alice;
    /* both members (and the sender) open it */
    assert_int_equal(mcx_gsk_process(&pa, m, ml, &pr), MCX_OK);
    assert_memory_equal(pr.gsk, cr.gsk, 16);
    assert_int_equal(pr.gsk_id, cr.gsk_id);
    assert_int_equal(pr.signed_msg, 1);
    assert_string_equal(pr.signer_uri, "sip:alice@streamwide.com");
    pa.verifier = alice;
    assert_int_equal(mcx_gsk_process(&pa, m, ml, &pr), MCX_OK);
    /* re-processing is allowed (the offer is re-sent for late entry) */
    assert_int_equal(mcx_gsk_process(&pa, m, ml, &pr), MCX_OK);
    /* the codec round trip holds */
    struct mcx_mikey_msg d;
    uint8_t again[1024];
    size_t al = sizeof again;
    assert_int_equal(mcx_mikey_decode(m, ml, &d, NULL), MCX_OK);
    assert_int_equal(mcx_mikey_encode(&d, again, &al, NULL), MCX_OK);
    assert_memory_equal(again, m, ml);
    /* signature bit flipped */
    memcpy(bad, m, ml);
    bad[ml - 100] ^= 1;
    expect(&pa, bad, ml, MCX_ERR_VERIFY);
    /* a signed bit flipped (inside the KEMAC ciphertext) */
    memcpy(bad, m, ml);
    bad[ml - 131 - 40] ^= 1;
    expect(&pa, bad, ml, MCX_ERR_VERIFY);
    /* unacceptable signer */
    pa.policy = NULL;
    pa.policy_arg = NULL;
    struct mcx_gsk_create_args b = a;
    b.signer = bob;
    size_t bl = sizeof bad;
    assert_int_equal(mcx_gsk_create(&b, bad, &bl, &cr), MCX_OK);
    assert_int_equal(mcx_gsk_process(&pa, bad, bl, &pr), MCX_OK);
    pa.policy = only_alice;
    expect(&pa, bad, bl, MCX_ERR_MIKEY_SIGNER);
    /* no verifier context: the signer's KMS is unknown */
    pa.verifier = NULL;
    expect(&pa, m, ml, MCX_ERR_MIKEY_KMS);
    pa.verifier = bob;
    /* T outside the window */
    pa.now = SW_NOW + 1000;
    expect(&pa, m, ml, MCX_ERR_MIKEY_TIME);
    pa.now = SW_NOW;
    /* an unsigned message when a signature is required */
    b.signer = NULL;
    bl = sizeof bad;
    assert_int_equal(mcx_gsk_create(&b, bad, &bl, &cr), MCX_OK);
    expect(&pa, bad, bl, MCX_ERR_MIKEY_SIGNER);
    pa.require_signature = 0;
    assert_int_equal(mcx_gsk_process(&pa, bad, bl, &pr), MCX_OK);
    /* unsigned: tampered MAC / ciphertext, wrong GMK, unknown GMK-ID, V bit */
    uint8_t tmp[1024];
    memcpy(tmp, bad, bl);
    tmp[bl - 1] ^= 1;
    expect(&pa, tmp, bl, MCX_ERR_VERIFY);
    memcpy(tmp, bad, bl);
    tmp[bl - 40] ^= 1;
    expect(&pa, tmp, bl, MCX_ERR_VERIFY);
    struct table wrong = t;
    wrong.gmk[0] ^= 1;
    pa.lookup_arg = &wrong;
    expect(&pa, bad, bl, MCX_ERR_VERIFY);
    wrong = t;
    wrong.id ^= 1;
    expect(&pa, bad, bl, MCX_ERR_NOT_FOUND);
    pa.lookup_arg = &t;
    memcpy(tmp, bad, bl);
    tmp[3] |= 0x80; /* V */
    expect(&pa, tmp, bl, MCX_ERR_MIKEY_PAYLOAD);
    /* a GMK-ID without the GMK purpose tag is refused on creation */
    b.gmk_id = 0x1df9bc39;
    bl = sizeof bad;
    assert_int_equal(mcx_gsk_create(&b, bad, &bl, &cr), MCX_ERR_ARG);
    mcx_wipe(&cr, sizeof cr);
    mcx_wipe(&pr, sizeof pr);
    mcx_mikey_ctx_free(alice);
    mcx_mikey_ctx_free(bob);
}

static const uint8_t GMK[16] = {0x07, 0xd1, 0xa1, 0x67, 0x7a, 0xc3, 0x6d, 0x8e,
                                0x81, 0x62, 0x04, 0x84, 0x68, 0x9b, 0x3c, 0x2d};
#define GMK_ID 0x0df9bc39u

/* The table holding the example GMK, without validity. */
static void table_init(struct table *t)
{
    memset(t, 0, sizeof *t);
    memcpy(t->gmk, GMK, 16);
    t->id = GMK_ID;
}

static struct mcx_gsk_process_args open_args(struct table *t, int64_t now)
{
    struct mcx_gsk_process_args pa;
    memset(&pa, 0, sizeof pa);
    pa.lookup = lookup;
    pa.lookup_arg = t;
    pa.now = now;
    return pa;
}

static size_t make_gsk(int64_t now, uint64_t activation, uint64_t expiry, uint8_t *out, size_t cap,
                       struct mcx_gsk_result *cr)
{
    struct mcx_gsk_create_args a;
    memset(&a, 0, sizeof a);
    a.gmk = GMK;
    a.gmk_id = GMK_ID;
    a.now = now;
    a.activation = activation;
    a.expiry = expiry;
    size_t l = cap;
    assert_int_equal(mcx_gsk_create(&a, out, &l, cr), MCX_OK);
    return l;
}

/* Replace the validity extension of a GSK message by `kp` (sealed under the GSK) and recompute the
 * KEMAC MAC with the GMK's envelope key, i.e. what a GMK holder could send. */
static size_t reseal_validity(const uint8_t *msg, size_t len, const uint8_t gsk[16],
                              const struct mcx_key_params *kp, uint8_t *out, size_t cap)
{
    struct mcx_mikey_msg m;
    struct mcx_mikey_layout lay;
    uint8_t ge[128], auth[32];
    assert_int_equal(mcx_mikey_decode(msg, len, &m, NULL), MCX_OK);
    size_t gl = sizeof ge, k;
    assert_int_equal(mcx_key_params_seal(gsk, m.hdr.csb_id, kp, 1, NULL, ge, &gl), MCX_OK);
    for (k = 0; k < m.n && m.p[k].type != MCX_MIKEY_PT_GEXT; k++)
        ;
    assert_true(k < m.n);
    m.p[k].u.gext.data.p = ge;
    m.p[k].u.gext.data.len = gl;
    size_t ol = cap;
    assert_int_equal(mcx_mikey_encode(&m, out, &ol, &lay), MCX_OK);
    assert_int_equal(mcx_mikey_derive(MCX_PRF_HMAC_SHA256, GMK, 16, MCX_PRF_CONST_ENV_AUTH, 0xFF,
                                      m.hdr.csb_id, m.p[1].u.rand.p, m.p[1].u.rand.len, auth, 32),
                     MCX_OK);
    unsigned ml = 0;
    assert_non_null(HMAC(EVP_sha256(), auth, 32, out, lay.mac_off, out + lay.mac_off, &ml));
    return ol;
}

/* docs/gsk-format.md "Receiver": a pre-generated or re-sent offer states its validity and is
 * accepted for that long; without it T must be within the window; the GMK's own validity bounds
 * everything; a stated validity is checked for consistency, revocation, expiry and activation. */
static void test_validity(void **state)
{
    (void)state;
    struct table t;
    table_init(&t);
    uint8_t m[512], bad[512];
    struct mcx_gsk_result cr, r;
    const int64_t t0 = SW_NOW;
    const uint64_t n0 = (uint64_t)(t0 + (int64_t)MCX_NTP_UNIX_OFFSET);
    /* no stated validity: the +-300 s window of T */
    size_t l = make_gsk(t0, 0, 0, m, sizeof m, &cr);
    struct mcx_gsk_process_args pa = open_args(&t, t0 + 300);
    assert_int_equal(mcx_gsk_process(&pa, m, l, &r), MCX_OK);
    assert_true(r.expiry == 0);
    pa = open_args(&t, t0 + 1000);
    expect(&pa, m, l, MCX_ERR_MIKEY_TIME);
    pa.window = 1000; /* the receiver's own --window */
    assert_int_equal(mcx_gsk_process(&pa, m, l, &r), MCX_OK);
    /* pre-generated, valid for an hour from T: opened (late entry) 50 minutes later */
    l = make_gsk(t0, 0, n0 + 3600, m, sizeof m, &cr);
    pa = open_args(&t, t0 + 3000);
    assert_int_equal(mcx_gsk_process(&pa, m, l, &r), MCX_OK);
    assert_memory_equal(r.gsk, cr.gsk, 16);
    assert_true(r.expiry == n0 + 3600 && r.activation == 0 && r.pending == 0);
    /* ... and refused after its expiry (plus the clock skew): a replay cannot outlive it */
    pa.now = t0 + 3600 + 300;
    assert_int_equal(mcx_gsk_process(&pa, m, l, &r), MCX_OK);
    pa.now = t0 + 3600 + 301;
    expect(&pa, m, l, MCX_ERR_MIKEY_EXPIRED);
    /* T from the future is refused whatever the validity says */
    pa.now = t0 - 301;
    expect(&pa, m, l, MCX_ERR_MIKEY_TIME);
    /* activation ahead: refused, or accepted as pending */
    l = make_gsk(t0, n0 + 1800, n0 + 3600, m, sizeof m, &cr);
    pa = open_args(&t, t0);
    expect(&pa, m, l, MCX_ERR_MIKEY_NOT_ACTIVE);
    pa.accept_pending = 1;
    assert_int_equal(mcx_gsk_process(&pa, m, l, &r), MCX_OK);
    assert_int_equal(r.pending, 1);
    assert_true(r.activation == n0 + 1800);
    pa.now = t0 + 1800;
    assert_int_equal(mcx_gsk_process(&pa, m, l, &r), MCX_OK);
    assert_int_equal(r.pending, 0);
    /* a stated validity longer than the receiver accepts (default 24 h; configurable) */
    l = make_gsk(t0, 0, n0 + 2 * 86400, m, sizeof m, &cr);
    pa = open_args(&t, t0);
    expect(&pa, m, l, MCX_ERR_MIKEY_PARAMS);
    pa.max_lifetime = 3 * 86400;
    assert_int_equal(mcx_gsk_process(&pa, m, l, &r), MCX_OK);
    /* the GMK's validity: a GSK may not outlive its GMK; an expired or not yet active GMK opens
     * nothing */
    l = make_gsk(t0, 0, n0 + 3600, m, sizeof m, &cr);
    pa = open_args(&t, t0);
    t.expiry = n0 + 1800;
    expect(&pa, m, l, MCX_ERR_MIKEY_PARAMS);
    t.expiry = n0 + 7200;
    assert_int_equal(mcx_gsk_process(&pa, m, l, &r), MCX_OK);
    pa.now = t0 + 7200 + 301;
    expect(&pa, m, l, MCX_ERR_MIKEY_EXPIRED);
    t.expiry = 0;
    t.activation = n0 + 600;
    pa.now = t0;
    expect(&pa, m, l, MCX_ERR_MIKEY_NOT_ACTIVE);
    t.activation = 0;
    /* validity re-sealed by a GMK holder: revoked; another key type; no expiry; expiry before
     * activation. The unmodified re-seal is accepted (control). */
    struct mcx_key_params kp;
    memset(&kp, 0, sizeof kp);
    kp.status = MCX_KEY_STATUS_NOT_REVOKED;
    kp.expiry = n0 + 3600;
    size_t bl = reseal_validity(m, l, cr.gsk, &kp, bad, sizeof bad);
    assert_int_equal(mcx_gsk_process(&pa, bad, bl, &r), MCX_OK);
    kp.status = 0;
    bl = reseal_validity(m, l, cr.gsk, &kp, bad, sizeof bad);
    expect(&pa, bad, bl, MCX_ERR_REVOKED);
    kp.status = MCX_KEY_STATUS_NOT_REVOKED;
    kp.key_type = MCX_PURPOSE_PCK;
    bl = reseal_validity(m, l, cr.gsk, &kp, bad, sizeof bad);
    expect(&pa, bad, bl, MCX_ERR_MIKEY_PARAMS);
    kp.key_type = MCX_PURPOSE_GMK;
    kp.expiry = 0;
    bl = reseal_validity(m, l, cr.gsk, &kp, bad, sizeof bad);
    expect(&pa, bad, bl, MCX_ERR_MIKEY_PARAMS);
    kp.activation = n0 + 100;
    kp.expiry = n0 + 50;
    bl = reseal_validity(m, l, cr.gsk, &kp, bad, sizeof bad);
    expect(&pa, bad, bl, MCX_ERR_MIKEY_PARAMS);
    /* the validity is MACed: changing it without the GMK fails the MAC */
    struct mcx_mikey_msg d;
    assert_int_equal(mcx_mikey_decode(m, l, &d, NULL), MCX_OK);
    assert_int_equal(d.p[3].type, MCX_MIKEY_PT_GEXT);
    memcpy(bad, m, l);
    bad[d.p[3].u.gext.data.p + 40 - m] ^= 1; /* inside the extension's ciphertext */
    expect(&pa, bad, l, MCX_ERR_VERIFY);
    /* creation refuses an unusable validity */
    struct mcx_gsk_create_args a;
    memset(&a, 0, sizeof a);
    a.gmk = GMK;
    a.gmk_id = GMK_ID;
    a.now = t0;
    a.expiry = n0 - 1; /* before T */
    size_t cl = sizeof bad;
    assert_int_equal(mcx_gsk_create(&a, bad, &cl, NULL), MCX_ERR_ARG);
    a.expiry = 0;
    a.activation = n0; /* an activation without an expiry */
    assert_int_equal(mcx_gsk_create(&a, bad, &cl, NULL), MCX_ERR_ARG);
    mcx_wipe(&cr, sizeof cr);
    mcx_wipe(&r, sizeof r);
}

/* The whole RAND is returned (and used for the envelope keys), not 16 octets of it: SRTP master
 * keys of a GSK depend on all of it (RFC 3830 §4.1.3). */
static void test_long_rand(void **state)
{
    (void)state;
    struct table t;
    table_init(&t);
    uint8_t rand[40], m[512];
    for (size_t i = 0; i < sizeof rand; i++)
        rand[i] = (uint8_t)(3 * i + 1);
    struct mcx_gsk_create_args a;
    memset(&a, 0, sizeof a);
    a.gmk = GMK;
    a.gmk_id = GMK_ID;
    a.now = SW_NOW;
    a.rand = rand;
    a.rand_len = sizeof rand;
    struct mcx_gsk_result cr, r;
    size_t l = sizeof m;
    assert_int_equal(mcx_gsk_create(&a, m, &l, &cr), MCX_OK);
    struct mcx_gsk_process_args pa = open_args(&t, SW_NOW);
    assert_int_equal(mcx_gsk_process(&pa, m, l, &r), MCX_OK);
    assert_int_equal(r.rand_len, sizeof rand);
    assert_memory_equal(r.rand, rand, sizeof rand);
    uint8_t k1[16], s1[12], k2[16], s2[12];
    assert_int_equal(mcx_srtp_master(r.gsk, MCX_CS_GROUP, r.gsk_id, r.rand, r.rand_len, k1, s1),
                     MCX_OK);
    assert_int_equal(mcx_srtp_master(cr.gsk, MCX_CS_GROUP, cr.gsk_id, rand, 16, k2, s2), MCX_OK);
    assert_memory_not_equal(k1, k2, 16); /* 16 octets of the RAND would give other keys */
    a.rand_len = 15;
    l = sizeof m;
    assert_int_equal(mcx_gsk_create(&a, m, &l, NULL), MCX_ERR_ARG);
    mcx_wipe(&cr, sizeof cr);
    mcx_wipe(&r, sizeof r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_worked_example),
        cmocka_unit_test(test_signed),
        cmocka_unit_test(test_validity),
        cmocka_unit_test(test_long_rand),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
