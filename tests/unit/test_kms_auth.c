/*
 * Unit tests of KMS access-token verification (services/kms/lib/auth.c): a valid ES256 token is
 * accepted and yields the MC service ID; every refusal case is refused: alg none, HS256 signed with
 * the public key as HMAC secret (algorithm confusion), a flipped signature bit, another key,
 * wrong issuer, wrong audience, expired, not yet valid, missing identity claim, missing scope,
 * garbage; key selection by the JWS kid (right kid, wrong kid, unknown kid, no kid); and the rate
 * limiter's per-address, per-identity and global buckets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "auth.h"
#include "ratelimit.h"

static char priv_pem[4096], pub_pem[4096], other_priv[4096], other_pub[4096];

static void pem_pair(char *priv, char *pub)
{
    EVP_PKEY *k = EVP_EC_gen("P-256");
    assert_non_null(k);
    BIO *b = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL), 1);
    int n = BIO_read(b, priv, 4095);
    priv[n > 0 ? n : 0] = '\0';
    BIO_free(b);
    if (pub != NULL) {
        b = BIO_new(BIO_s_mem());
        assert_int_equal(PEM_write_bio_PUBKEY(b, k), 1);
        n = BIO_read(b, pub, 4095);
        pub[n > 0 ? n : 0] = '\0';
        BIO_free(b);
    }
    EVP_PKEY_free(k);
}

static void cfg_init(struct kms_auth_cfg *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->issuer, sizeof c->issuer, "https://idms.example.org");
    snprintf(c->audience, sizeof c->audience, "kms.example.org");
    snprintf(c->scope, sizeof c->scope, "3gpp:mc:ptt_key_management_service");
    snprintf(c->id_claim, sizeof c->id_claim, "mcptt_id");
    snprintf(c->alg, sizeof c->alg, "ES256");
    c->max_skew = 30;
    char err[160];
    assert_int_equal(kms_auth_add_key(c, NULL, pub_pem, strlen(pub_pem), err, sizeof err), MCX_OK);
}

static char *mint_kid(const char *priv, const char *kid, const char *iss, const char *aud,
                      const char *id, const char *scope, int64_t now, int64_t life)
{
    char *t = NULL;
    assert_int_equal(kms_auth_mint("ES256", (const unsigned char *)priv, strlen(priv), kid, iss,
                                   aud, "sub1", "mcptt_id", id, scope, now, life, &t),
                     MCX_OK);
    return t;
}

static char *mint(const char *priv, const char *iss, const char *aud, const char *id,
                  const char *scope, int64_t now, int64_t life)
{
    return mint_kid(priv, NULL, iss, aud, id, scope, now, life);
}

static mcx_err check(const struct kms_auth_cfg *c, const char *tok, int64_t now, char *id)
{
    char why[160];
    return kms_auth_verify(c, tok, strlen(tok), now, id, why, sizeof why);
}

static void test_valid_and_claims(void **state)
{
    (void)state;
    struct kms_auth_cfg c;
    char id[KMS_ID_MAX];
    int64_t now = (int64_t)time(NULL);
    const char *SC = "openid 3gpp:mc:ptt_key_management_service";
    cfg_init(&c);
    char *t = mint(priv_pem, c.issuer, c.audience, "sip:alice@example.org", SC, now, 600);
    assert_int_equal(check(&c, t, now, id), MCX_OK);
    assert_string_equal(id, "sip:alice@example.org");
    /* expired (beyond the skew), and within the skew */
    assert_int_equal(check(&c, t, now + 600 + 31, id), MCX_ERR_AUTH);
    assert_int_equal(check(&c, t, now + 600 + 29, id), MCX_OK);
    /* not yet valid */
    assert_int_equal(check(&c, t, now - 31, id), MCX_ERR_AUTH);
    /* the last signature character with non-zero unused bits: same octets, non-canonical */
    size_t n = strlen(t);
    char last = t[n - 1];
    t[n - 1] = (char)(last == 'A'   ? 'B'
                      : last == 'Q' ? 'R'
                      : last == 'g' ? 'h'
                      : last == 'w' ? 'x'
                                    : last);
    if (t[n - 1] != last)
        assert_int_equal(check(&c, t, now, id), MCX_ERR_AUTH);
    t[n - 1] = last;
    assert_int_equal(check(&c, t, now, id), MCX_OK);
    /* a flipped bit in the signature */
    t[n - 5] = t[n - 5] == 'A' ? 'B' : 'A';
    assert_int_equal(check(&c, t, now, id), MCX_ERR_AUTH);
    free(t);
    /* wrong issuer / audience / signer / scope / identity */
    t = mint(priv_pem, "https://evil.example.org", c.audience, "sip:alice@example.org", SC, now,
             600);
    assert_int_equal(check(&c, t, now, id), MCX_ERR_AUTH);
    free(t);
    t = mint(priv_pem, c.issuer, "other-kms", "sip:alice@example.org", SC, now, 600);
    assert_int_equal(check(&c, t, now, id), MCX_ERR_AUTH);
    free(t);
    t = mint(other_priv, c.issuer, c.audience, "sip:alice@example.org", SC, now, 600);
    assert_int_equal(check(&c, t, now, id), MCX_ERR_AUTH);
    free(t);
    t = mint(priv_pem, c.issuer, c.audience, "sip:alice@example.org", "openid", now, 600);
    assert_int_equal(check(&c, t, now, id), MCX_ERR_FORBIDDEN);
    free(t);
    t = mint(priv_pem, c.issuer, c.audience, "", SC, now, 600);
    assert_int_equal(check(&c, t, now, id), MCX_ERR_AUTH);
    free(t);
    /* garbage */
    assert_int_equal(check(&c, "not-a-token", now, id), MCX_ERR_AUTH);
    assert_int_equal(check(&c, "a.b.c", now, id), MCX_ERR_AUTH);
    assert_int_equal(check(&c, "", now, id), MCX_ERR_AUTH);
    kms_auth_cfg_free(&c);
}

static void test_alg_confusion(void **state)
{
    (void)state;
    struct kms_auth_cfg c;
    char id[KMS_ID_MAX];
    int64_t now = (int64_t)time(NULL);
    cfg_init(&c);
    jwt_t *j = NULL;
    /* HS256 keyed with the public PEM: would verify if the algorithm were not pinned. */
    assert_int_equal(jwt_new(&j), 0);
    jwt_add_grant(j, "iss", c.issuer);
    jwt_add_grant(j, "aud", c.audience);
    jwt_add_grant(j, "mcptt_id", "sip:mallory@example.org");
    jwt_add_grant(j, "scope", c.scope);
    jwt_add_grant_int(j, "exp", (long)(now + 600));
    assert_int_equal(
        jwt_set_alg(j, JWT_ALG_HS256, (const unsigned char *)pub_pem, (int)strlen(pub_pem)), 0);
    char *t = jwt_encode_str(j);
    assert_non_null(t);
    assert_int_equal(check(&c, t, now, id), MCX_ERR_AUTH);
    free(t);
    /* alg none */
    assert_int_equal(jwt_set_alg(j, JWT_ALG_NONE, NULL, 0), 0);
    t = jwt_encode_str(j);
    assert_non_null(t);
    assert_int_equal(check(&c, t, now, id), MCX_ERR_AUTH);
    free(t);
    jwt_free(j);
    /* an RS256-configured KMS refuses ES256 tokens */
    snprintf(c.alg, sizeof c.alg, "RS256");
    t = mint(priv_pem, c.issuer, c.audience, "sip:alice@example.org", c.scope, now, 600);
    assert_int_equal(check(&c, t, now, id), MCX_ERR_AUTH);
    free(t);
    kms_auth_cfg_free(&c);
}

/* Key rotation: the JWS kid header selects one of several configured IdMS keys. */
static void test_key_ids(void **state)
{
    (void)state;
    struct kms_auth_cfg c;
    char id[KMS_ID_MAX], err[160];
    int64_t now = (int64_t)time(NULL);
    const char *A = "sip:alice@example.org";
    cfg_init(&c); /* pub_pem without kid */
    assert_int_equal(kms_auth_add_key(&c, "2025-old", pub_pem, strlen(pub_pem), err, sizeof err),
                     MCX_OK);
    assert_int_equal(
        kms_auth_add_key(&c, "2026-new", other_pub, strlen(other_pub), err, sizeof err), MCX_OK);
    assert_int_equal(c.nkeys, 3);
    /* the right kid, for each key */
    char *t = mint_kid(other_priv, "2026-new", c.issuer, c.audience, A, c.scope, now, 600);
    assert_int_equal(check(&c, t, now, id), MCX_OK);
    assert_string_equal(id, A);
    free(t);
    t = mint_kid(priv_pem, "2025-old", c.issuer, c.audience, A, c.scope, now, 600);
    assert_int_equal(check(&c, t, now, id), MCX_OK);
    free(t);
    /* a kid naming another configured key than the one that signed: signature refused */
    t = mint_kid(priv_pem, "2026-new", c.issuer, c.audience, A, c.scope, now, 600);
    assert_int_equal(check(&c, t, now, id), MCX_ERR_AUTH);
    free(t);
    /* an unknown kid is refused, even though a key without kid would verify it */
    t = mint_kid(priv_pem, "2024-gone", c.issuer, c.audience, A, c.scope, now, 600);
    assert_int_equal(check(&c, t, now, id), MCX_ERR_AUTH);
    free(t);
    /* a token without kid: the key configured without one */
    t = mint(priv_pem, c.issuer, c.audience, A, c.scope, now, 600);
    assert_int_equal(check(&c, t, now, id), MCX_OK);
    free(t);
    t = mint(other_priv, c.issuer, c.audience, A, c.scope, now, 600);
    assert_int_equal(check(&c, t, now, id), MCX_ERR_AUTH); /* not tried against 2026-new */
    free(t);
    kms_auth_cfg_free(&c);
    /* only keys with kid: a token without kid is refused */
    cfg_init(&c);
    kms_auth_cfg_free(&c);
    assert_int_equal(
        kms_auth_add_key(&c, "2026-new", other_pub, strlen(other_pub), err, sizeof err), MCX_OK);
    t = mint(other_priv, c.issuer, c.audience, A, c.scope, now, 600);
    assert_int_equal(check(&c, t, now, id), MCX_ERR_AUTH);
    free(t);
    /* replacing a key of the same kid; bad kids and a full table refused */
    assert_int_equal(kms_auth_add_key(&c, "2026-new", pub_pem, strlen(pub_pem), err, sizeof err),
                     MCX_OK);
    assert_int_equal(c.nkeys, 1);
    t = mint_kid(priv_pem, "2026-new", c.issuer, c.audience, A, c.scope, now, 600);
    assert_int_equal(check(&c, t, now, id), MCX_OK);
    free(t);
    assert_int_equal(kms_auth_add_key(&c, "has space", pub_pem, strlen(pub_pem), err, sizeof err),
                     MCX_ERR_DECODE);
    assert_int_equal(kms_auth_add_key(&c, "k", "not a key", 9, err, sizeof err), MCX_ERR_DECODE);
    for (int i = 1; i < KMS_AUTH_MAX_KEYS; i++) {
        char kid[16];
        snprintf(kid, sizeof kid, "k%d", i);
        assert_int_equal(kms_auth_add_key(&c, kid, pub_pem, strlen(pub_pem), err, sizeof err),
                         MCX_OK);
    }
    assert_int_equal(kms_auth_add_key(&c, "one-more", pub_pem, strlen(pub_pem), err, sizeof err),
                     MCX_ERR_LIMIT);
    kms_auth_cfg_free(&c);
}

static void test_token_cache(void **state)
{
    (void)state;
    struct kms_auth_cfg c;
    char id[KMS_ID_MAX], why[160];
    int64_t now = (int64_t)time(NULL);
    cfg_init(&c);
    struct kms_token_cache *tc = kms_token_cache_new();
    assert_non_null(tc);
    char *t = mint(priv_pem, c.issuer, c.audience, "sip:alice@example.org", c.scope, now, 600);
    assert_int_equal(kms_auth_verify_cached(&c, tc, t, strlen(t), now, id, why, sizeof why),
                     MCX_OK);
    assert_int_equal(kms_auth_verify_cached(&c, tc, t, strlen(t), now + 1, id, why, sizeof why),
                     MCX_OK);
    assert_string_equal(id, "sip:alice@example.org");
    /* the time window is re-checked on a cache hit */
    assert_int_equal(kms_auth_verify_cached(&c, tc, t, strlen(t), now + 700, id, why, sizeof why),
                     MCX_ERR_AUTH);
    assert_int_equal(kms_auth_verify_cached(&c, tc, t, strlen(t), now - 100, id, why, sizeof why),
                     MCX_ERR_AUTH);
    /* a modified token misses the cache and fails verification */
    size_t n = strlen(t);
    t[n - 5] = t[n - 5] == 'A' ? 'B' : 'A';
    assert_int_equal(kms_auth_verify_cached(&c, tc, t, n, now, id, why, sizeof why), MCX_ERR_AUTH);
    free(t);
    /* refusals are not cached: a scope-less token stays refused */
    t = mint(priv_pem, c.issuer, c.audience, "sip:alice@example.org", "openid", now, 600);
    assert_int_equal(kms_auth_verify_cached(&c, tc, t, strlen(t), now, id, why, sizeof why),
                     MCX_ERR_FORBIDDEN);
    assert_int_equal(kms_auth_verify_cached(&c, tc, t, strlen(t), now, id, why, sizeof why),
                     MCX_ERR_FORBIDDEN);
    free(t);
    kms_token_cache_clear(tc);
    kms_token_cache_free(tc);
    kms_auth_cfg_free(&c);
}

static void test_ratelimit(void **state)
{
    (void)state;
    static struct kms_ratelimit rl;
    struct kms_rl_limits lim = {1, 3, 1, 3, 0, 1};
    kms_rl_init(&rl, &lim);
    for (int i = 0; i < 3; i++)
        assert_int_equal(kms_rl_take_key(&rl, KMS_RL_BY_IDENTITY, "sip:a", 100.0), 0);
    assert_int_equal(kms_rl_take_key(&rl, KMS_RL_BY_IDENTITY, "sip:a", 100.0), 1);
    assert_int_equal(kms_rl_take_key(&rl, KMS_RL_BY_IDENTITY, "sip:b", 100.0),
                     0); /* others unaffected */
    assert_int_equal(kms_rl_take_key(&rl, KMS_RL_BY_IDENTITY, "sip:a", 101.1), 0); /* refilled */
    /* the address table is separate from the identity table */
    for (int i = 0; i < 3; i++)
        assert_int_equal(kms_rl_take_key(&rl, KMS_RL_BY_IP, "sip:b", 100.0), 0);
    assert_int_equal(kms_rl_take_key(&rl, KMS_RL_BY_IP, "sip:b", 100.0), 1);
    /* Retry-After: the time until one token is back, in whole seconds */
    struct kms_rl_limits slow = {0.25, 1, 0, 1, 0, 1};
    kms_rl_set(&rl, &slow);
    assert_int_equal(kms_rl_take_key(&rl, KMS_RL_BY_IP, "10.0.0.1", 300.0), 0);
    assert_int_equal(kms_rl_take_key(&rl, KMS_RL_BY_IP, "10.0.0.1", 300.0), 4);
    assert_int_equal(kms_rl_take_key(&rl, KMS_RL_BY_IDENTITY, "sip:a", 300.0), 0); /* rate 0: off */
    struct kms_rl_limits global = {0, 1, 0, 1, 2, 2};
    kms_rl_set(&rl, &global);
    assert_int_equal(kms_rl_take_global(&rl, 200.0), 0);
    assert_int_equal(kms_rl_take_global(&rl, 200.0), 0);
    assert_int_equal(kms_rl_take_global(&rl, 200.0), 1);
    assert_int_equal(kms_rl_take_global(&rl, 200.6), 0);
    kms_rl_destroy(&rl);
}

static int setup(void **state)
{
    (void)state;
    pem_pair(priv_pem, pub_pem);
    pem_pair(other_priv, other_pub);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_and_claims), cmocka_unit_test(test_alg_confusion),
        cmocka_unit_test(test_key_ids),          cmocka_unit_test(test_token_cache),
        cmocka_unit_test(test_ratelimit),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
