/*
 * services/kms/lib/auth.h — authorisation of KMS requests: the requester's identity comes from an
 * RFC 6750 Bearer access token, a JWT (RFC 7519, JWS RFC 7515) signed by the identity management
 * server (TS 33.180 5.1 / B.10; digest §1.9, §6). Verification uses libjwt against public keys
 * from the configuration, with exactly one permitted algorithm (ES256 by default, or RS256):
 * `none`, HMAC algorithms and any other alg are refused before the signature is looked at, so an
 * attacker cannot turn the public key into an HMAC secret.
 *
 * Several IdMS keys may be configured at once (key rotation), each with a key ID; the JWS header's
 * `kid` (RFC 7515 §4.1.4) selects exactly one of them, and a token without `kid` is checked
 * against the key configured without one. A token naming an unknown kid, or without a kid when
 * there is no key without one, is refused: the verifier never tries keys one after another.
 */
#ifndef MCX_KMS_AUTH_H
#define MCX_KMS_AUTH_H
#include <stddef.h>
#include <stdint.h>

#include "mcxsec/err.h"

#define KMS_TOKEN_MAX 8192
#define KMS_ID_MAX 256
#define KMS_KID_MAX 128
#define KMS_AUTH_MAX_KEYS 8

struct kms_auth_cfg {
    char issuer[256];     /* required iss */
    char audience[256];   /* required aud (string, or member of an array) */
    char scope[128];      /* required scope token ("" = no scope check) */
    char id_claim[64];    /* the MC service ID claim, e.g. mcptt_id */
    char alg[8];          /* "ES256" or "RS256" */
    int64_t max_skew;     /* seconds of clock skew allowed on exp / nbf / iat (<= 300) */
    struct kms_auth_key {
        char kid[KMS_KID_MAX];  /* "" = the key for tokens without kid */
        unsigned char *pem;     /* PEM public key (owned) */
        size_t len;
    } keys[KMS_AUTH_MAX_KEYS];
    size_t nkeys;
};

/** Add a PEM public key with key ID kid ("" or NULL: the key for tokens without kid), replacing a
 *  key of the same kid. MCX_ERR_DECODE (not a PEM public key / bad kid), MCX_ERR_LIMIT (full). */
mcx_err kms_auth_add_key(struct kms_auth_cfg *cfg, const char *kid, const char *pem, size_t len,
                         char *err, size_t errlen);
/** The same with the key read from a file. */
mcx_err kms_auth_load_key(struct kms_auth_cfg *cfg, const char *kid, const char *path, char *err,
                          size_t errlen);
void kms_auth_cfg_free(struct kms_auth_cfg *cfg);

/**
 * Verify an access token at Unix time `now`. On success writes the MC service ID (the identity the
 * KMS issues keys for) to identity[KMS_ID_MAX]. Errors: MCX_ERR_AUTH (bad format, algorithm,
 * signature, issuer, audience, expired / not yet valid, missing identity) or MCX_ERR_FORBIDDEN
 * (valid token without the key-management scope). why[] gets a short reason for the log (never the
 * token itself).
 */
mcx_err kms_auth_verify(const struct kms_auth_cfg *cfg, const char *token, size_t token_len,
                        int64_t now, char identity[KMS_ID_MAX], char *why, size_t whylen);

/**
 * A cache of verified tokens (fixed size, keyed by SHA-256 of the token): a client presents the
 * same token for init, keyprov and certcache, so its signature is checked once. On a hit only the
 * time window (exp / nbf with skew) is re-checked; only successful verifications are cached.
 * Clear it when the verification settings change (SIGHUP).
 */
#define KMS_TOKEN_CACHE_SLOTS 4096
struct kms_token_cache;
struct kms_token_cache *kms_token_cache_new(void);
void kms_token_cache_clear(struct kms_token_cache *c);
void kms_token_cache_free(struct kms_token_cache *c);
/** kms_auth_verify through the cache (cache may be NULL). */
mcx_err kms_auth_verify_cached(const struct kms_auth_cfg *cfg, struct kms_token_cache *cache,
                               const char *token, size_t token_len, int64_t now,
                               char identity[KMS_ID_MAX], char *why, size_t whylen);

/**
 * Mint a token (for `mcxsec idms issue-token`, tests and the demo): signed with the PEM private key
 * with alg, with a `kid` header when kid is not NULL. exp = now + lifetime. Returns a malloc'd
 * string in *token.
 */
mcx_err kms_auth_mint(const char *alg, const unsigned char *priv_pem, size_t priv_len,
                      const char *kid, const char *iss, const char *aud, const char *sub,
                      const char *id_claim, const char *identity, const char *scope, int64_t now,
                      int64_t lifetime, char **token);

#endif
