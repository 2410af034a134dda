/*
 * services/kms/lib/auth.c — access-token verification and minting (auth.h).
 */
#include "auth.h"

#include <errno.h>
#include <jansson.h>
#include <jwt.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcxsec/util.h"

/* A kid is one configuration token: printable ASCII, no spaces, 1..127 characters. */
static int kid_ok(const char *kid)
{
    size_t n = strlen(kid);
    if (n >= KMS_KID_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (kid[i] <= ' ' || kid[i] > '~')
            return 0;
    return 1;
}

mcx_err kms_auth_add_key(struct kms_auth_cfg *cfg, const char *kid, const char *pem, size_t len,
                         char *err, size_t errlen)
{
    if (kid == NULL)
        kid = "";
    if (!kid_ok(kid)) {
        snprintf(err, errlen, "bad key id (printable, no spaces, at most %d characters)",
                 KMS_KID_MAX - 1);
        return MCX_ERR_DECODE;
    }
    if (len == 0 || len >= 16384 || memchr(pem, 0, len) != NULL) {
        snprintf(err, errlen, "expected a PEM public key");
        return MCX_ERR_DECODE;
    }
    unsigned char *copy = malloc(len + 1);
    if (copy == NULL)
        return MCX_ERR_NOMEM;
    memcpy(copy, pem, len);
    copy[len] = '\0';
    if (strstr((char *)copy, "PUBLIC KEY") == NULL) {
        snprintf(err, errlen, "expected a PEM public key");
        free(copy);
        return MCX_ERR_DECODE;
    }
    size_t i;
    for (i = 0; i < cfg->nkeys && strcmp(cfg->keys[i].kid, kid) != 0; i++)
        ;
    if (i == KMS_AUTH_MAX_KEYS) {
        snprintf(err, errlen, "at most %d IdMS keys", KMS_AUTH_MAX_KEYS);
        free(copy);
        return MCX_ERR_LIMIT;
    }
    if (i == cfg->nkeys)
        cfg->nkeys++;
    free(cfg->keys[i].pem);
    snprintf(cfg->keys[i].kid, sizeof cfg->keys[i].kid, "%s", kid);
    cfg->keys[i].pem = copy;
    cfg->keys[i].len = len;
    return MCX_OK;
}

mcx_err kms_auth_load_key(struct kms_auth_cfg *cfg, const char *kid, const char *path, char *err,
                          size_t errlen)
{
    char why[160];
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return MCX_ERR_IO;
    }
    char *buf = malloc(16384);
    size_t n = buf ? fread(buf, 1, 16384, f) : 0;
    fclose(f);
    if (buf == NULL)
        return MCX_ERR_NOMEM;
    mcx_err rc = kms_auth_add_key(cfg, kid, buf, n, why, sizeof why);
    if (rc != MCX_OK)
        snprintf(err, errlen, "%s: %s", path, why);
    free(buf);
    return rc;
}

void kms_auth_cfg_free(struct kms_auth_cfg *cfg)
{
    for (size_t i = 0; i < cfg->nkeys; i++) {
        free(cfg->keys[i].pem);
        cfg->keys[i].pem = NULL;
        cfg->keys[i].len = 0;
    }
    cfg->nkeys = 0;
}

/* base64url-decode the JOSE header (first segment) into buf; returns its length or -1. */
static int header_json(const char *token, size_t dot, char *buf, size_t cap)
{
    char b64[1400];
    if (dot == 0 || dot + 4 >= sizeof b64)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < dot; i++) {
        char c = token[i];
        if (c == '-')
            c = '+';
        else if (c == '_')
            c = '/';
        else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return -1;
        b64[n++] = c;
    }
    while (n % 4 != 0)
        b64[n++] = '=';
    if (n / 4 * 3 + 1 > cap)
        return -1;
    int len = EVP_DecodeBlock((unsigned char *)buf, (const unsigned char *)b64, (int)n);
    if (len < 0)
        return -1;
    /* EVP_DecodeBlock counts padding as zero octets: the real length follows from dot. */
    if (dot % 4 == 1)
        return -1;
    len = (int)(dot / 4 * 3 + (dot % 4 == 2 ? 1 : dot % 4 == 3 ? 2 : 0));
    buf[len] = '\0';
    return len;
}

static int scope_has(const char *scope, const char *want)
{
    size_t w = strlen(want);
    const char *p = scope;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ' ')
            e++;
        if ((size_t)(e - p) == w && strncmp(p, want, w) == 0)
            return 1;
        p = e;
    }
    return 0;
}

static int aud_ok(jwt_t *jwt, const char *want)
{
    const char *s = jwt_get_grant(jwt, "aud");
    if (s != NULL)
        return strcmp(s, want) == 0;
    char *js = jwt_get_grants_json(jwt, "aud");
    int ok = 0;
    if (js != NULL) {
        json_error_t e;
        json_t *arr = json_loads(js, 0, &e);
        if (json_is_array(arr)) {
            size_t i;
            json_t *v;
            json_array_foreach(arr, i, v) if (json_is_string(v) && strcmp(json_string_value(v), want) == 0) ok = 1;
        }
        json_decref(arr);
        free(js);
    }
    return ok;
}

/* A numeric claim: 1 present (value in *v), 0 absent, -1 present but not an integer. */
static int num_claim(jwt_t *jwt, const char *name, int64_t *v)
{
    char *js = jwt_get_grants_json(jwt, name);
    if (js == NULL)
        return 0;
    json_error_t e;
    json_t *j = json_loads(js, JSON_DECODE_ANY, &e);
    int r = -1;
    if (json_is_integer(j)) {
        *v = (int64_t)json_integer_value(j);
        r = 1;
    }
    json_decref(j);
    free(js);
    return r;
}

static int b64url_val(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '-' ? 62 : c == '_' ? 63 : -1;
}

/* One JWS segment must be canonical unpadded base64url (RFC 7515 §2): only the alphabet, no
 * impossible length, and zero unused bits in the last character — so a token has exactly one
 * spelling and a modified character is never silently accepted. */
static int segment_canonical(const char *p, size_t n)
{
    if (n % 4 == 1)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (b64url_val(p[i]) < 0)
            return 0;
    if (n % 4 == 2)
        return (b64url_val(p[n - 1]) & 0x0F) == 0;
    if (n % 4 == 3)
        return (b64url_val(p[n - 1]) & 0x03) == 0;
    return 1;
}

#define WHY(...) snprintf(why, whylen, __VA_ARGS__)

static mcx_err verify_full(const struct kms_auth_cfg *cfg, const char *token, size_t token_len, int64_t now,
                           char identity[KMS_ID_MAX], char *why, size_t whylen, int64_t *exp_out,
                           int64_t *nbf_out);

mcx_err kms_auth_verify(const struct kms_auth_cfg *cfg, const char *token, size_t token_len,
                        int64_t now, char identity[KMS_ID_MAX], char *why, size_t whylen)
{
    int64_t e, n;
    return verify_full(cfg, token, token_len, now, identity, why, whylen, &e, &n);
}

static mcx_err verify_full(const struct kms_auth_cfg *cfg, const char *token, size_t token_len, int64_t now,
                           char identity[KMS_ID_MAX], char *why, size_t whylen, int64_t *exp_out,
                           int64_t *nbf_out)
{
    char hdr[1100];
    jwt_t *jwt = NULL;
    mcx_err rc = MCX_ERR_AUTH;
    identity[0] = '\0';
    if (token == NULL || token_len == 0 || token_len > KMS_TOKEN_MAX || memchr(token, 0, token_len)) {
        WHY("token missing or too long");
        return MCX_ERR_AUTH;
    }
    const char *dot = memchr(token, '.', token_len);
    if (dot == NULL || memchr(dot + 1, '.', token_len - (size_t)(dot + 1 - token)) == NULL) {
        WHY("token is not a JWS compact serialisation");
        return MCX_ERR_AUTH;
    }
    const char *dot2 = memchr(dot + 1, '.', token_len - (size_t)(dot + 1 - token));
    if (!segment_canonical(token, (size_t)(dot - token)) ||
        !segment_canonical(dot + 1, (size_t)(dot2 - dot - 1)) ||
        !segment_canonical(dot2 + 1, token_len - (size_t)(dot2 + 1 - token)) || dot2 + 1 == token + token_len) {
        WHY("token is not canonical base64url");
        return MCX_ERR_AUTH;
    }
    /* 1. The algorithm, before anything else: exactly the configured one. */
    if (header_json(token, (size_t)(dot - token), hdr, sizeof hdr) < 0) {
        WHY("token header is not base64url");
        return MCX_ERR_AUTH;
    }
    json_error_t je;
    json_t *h = json_loads(hdr, 0, &je);
    const char *alg = json_is_object(h) ? json_string_value(json_object_get(h, "alg")) : NULL;
    int alg_ok = alg != NULL && strcmp(alg, cfg->alg) == 0 && json_object_get(h, "crit") == NULL;
    /* 1b. The key: the one whose ID the header names (RFC 7515 §4.1.4), or the one configured
     *     without an ID for a token without kid. Never "try them all". */
    json_t *kidv = json_is_object(h) ? json_object_get(h, "kid") : NULL;
    const char *kid = kidv == NULL ? "" : json_string_value(kidv);
    const struct kms_auth_key *key = NULL;
    if (kid != NULL && (kidv == NULL || *kid != '\0'))
        for (size_t i = 0; i < cfg->nkeys && key == NULL; i++)
            if (strcmp(cfg->keys[i].kid, kid) == 0)
                key = &cfg->keys[i];
    json_decref(h);
    if (!alg_ok) {
        WHY("token algorithm not accepted");
        return MCX_ERR_AUTH;
    }
    if (key == NULL) {
        WHY(kidv == NULL ? "token has no kid and no IdMS key without one is configured"
                         : "token kid is not a configured IdMS key");
        return MCX_ERR_AUTH;
    }
    char *tok = malloc(token_len + 1);
    if (tok == NULL)
        return MCX_ERR_NOMEM;
    memcpy(tok, token, token_len);
    tok[token_len] = '\0';
    /* 2. The signature (libjwt), then the algorithm once more as libjwt saw it. */
    int jr = jwt_decode(&jwt, tok, key->pem, (int)key->len);
    free(tok);
    if (jr != 0 || jwt == NULL || strcmp(jwt_alg_str(jwt_get_alg(jwt)), cfg->alg) != 0) {
        WHY("token signature invalid");
        goto out;
    }
    /* 3. Claims. */
    const char *iss = jwt_get_grant(jwt, "iss");
    if (iss == NULL || strcmp(iss, cfg->issuer) != 0) {
        WHY("token issuer not accepted");
        goto out;
    }
    if (!aud_ok(jwt, cfg->audience)) {
        WHY("token audience is not this KMS");
        goto out;
    }
    int64_t exp = 0, nbf = 0, iat = 0;
    if (num_claim(jwt, "exp", &exp) != 1) {
        WHY("token has no exp");
        goto out;
    }
    if (now > exp + cfg->max_skew) {
        WHY("token expired");
        goto out;
    }
    int r = num_claim(jwt, "nbf", &nbf);
    if (r == 0)
        nbf = INT64_MIN / 2;
    if (r < 0 || (r == 1 && now + cfg->max_skew < nbf)) {
        WHY("token not yet valid");
        goto out;
    }
    r = num_claim(jwt, "iat", &iat);
    if (r < 0 || (r == 1 && now + cfg->max_skew < iat)) {
        WHY("token issued in the future");
        goto out;
    }
    const char *id = jwt_get_grant(jwt, cfg->id_claim);
    if (id == NULL || *id == '\0' || strlen(id) >= KMS_ID_MAX) {
        WHY("token has no usable %s claim", cfg->id_claim);
        goto out;
    }
    if (cfg->scope[0] != '\0') {
        const char *scope = jwt_get_grant(jwt, "scope");
        if (scope == NULL || !scope_has(scope, cfg->scope)) {
            WHY("token lacks scope %s", cfg->scope);
            rc = MCX_ERR_FORBIDDEN;
            goto out;
        }
    }
    snprintf(identity, KMS_ID_MAX, "%s", id);
    *exp_out = exp;
    *nbf_out = nbf;
    rc = MCX_OK;
out:
    jwt_free(jwt);
    return rc;
}

struct token_slot {
    uint8_t hash[32];
    char identity[KMS_ID_MAX];
    int64_t exp, nbf;
    int used;
};

struct kms_token_cache {
    pthread_mutex_t mu;
    struct token_slot slot[KMS_TOKEN_CACHE_SLOTS];
};

struct kms_token_cache *kms_token_cache_new(void)
{
    struct kms_token_cache *c = calloc(1, sizeof *c);
    if (c != NULL)
        pthread_mutex_init(&c->mu, NULL);
    return c;
}

void kms_token_cache_clear(struct kms_token_cache *c)
{
    if (c == NULL)
        return;
    pthread_mutex_lock(&c->mu);
    memset(c->slot, 0, sizeof c->slot);
    pthread_mutex_unlock(&c->mu);
}

void kms_token_cache_free(struct kms_token_cache *c)
{
    if (c == NULL)
        return;
    pthread_mutex_destroy(&c->mu);
    free(c);
}

mcx_err kms_auth_verify_cached(const struct kms_auth_cfg *cfg, struct kms_token_cache *cache,
                               const char *token, size_t token_len, int64_t now,
                               char identity[KMS_ID_MAX], char *why, size_t whylen)
{
    uint8_t h[32];
    unsigned hl = 0;
    int64_t exp = 0, nbf = 0;
    if (cache == NULL || token == NULL || token_len == 0 || token_len > KMS_TOKEN_MAX ||
        EVP_Digest(token, token_len, h, &hl, EVP_sha256(), NULL) != 1)
        return kms_auth_verify(cfg, token, token_len, now, identity, why, whylen);
    struct token_slot *sl = &cache->slot[(((size_t)h[0] << 8) | h[1]) % KMS_TOKEN_CACHE_SLOTS];
    pthread_mutex_lock(&cache->mu);
    int hit = sl->used && memcmp(sl->hash, h, 32) == 0; /* a hash of public data: no secret here */
    if (hit) {
        exp = sl->exp;
        nbf = sl->nbf;
        snprintf(identity, KMS_ID_MAX, "%s", sl->identity);
    }
    pthread_mutex_unlock(&cache->mu);
    if (hit) {
        if (now > exp + cfg->max_skew) {
            identity[0] = '\0';
            snprintf(why, whylen, "token expired");
            return MCX_ERR_AUTH;
        }
        if (now + cfg->max_skew < nbf) {
            identity[0] = '\0';
            snprintf(why, whylen, "token not yet valid");
            return MCX_ERR_AUTH;
        }
        return MCX_OK;
    }
    mcx_err rc = verify_full(cfg, token, token_len, now, identity, why, whylen, &exp, &nbf);
    if (rc == MCX_OK) {
        pthread_mutex_lock(&cache->mu);
        memcpy(sl->hash, h, 32);
        snprintf(sl->identity, sizeof sl->identity, "%s", identity);
        sl->exp = exp;
        sl->nbf = nbf;
        sl->used = 1;
        pthread_mutex_unlock(&cache->mu);
    }
    return rc;
}

mcx_err kms_auth_mint(const char *alg, const unsigned char *priv_pem, size_t priv_len,
                      const char *kid, const char *iss, const char *aud, const char *sub,
                      const char *id_claim, const char *identity, const char *scope, int64_t now,
                      int64_t lifetime, char **token)
{
    jwt_t *jwt = NULL;
    mcx_err rc = MCX_ERR_INTERNAL;
    jwt_alg_t a = jwt_str_alg(alg);
    *token = NULL;
    if (a != JWT_ALG_ES256 && a != JWT_ALG_RS256)
        return MCX_ERR_UNSUPPORTED;
    if (jwt_new(&jwt) != 0)
        return MCX_ERR_NOMEM;
    if (jwt_add_grant(jwt, "iss", iss) || jwt_add_grant(jwt, "aud", aud) ||
        jwt_add_grant(jwt, "sub", sub) || jwt_add_grant(jwt, id_claim, identity) ||
        (scope && *scope && jwt_add_grant(jwt, "scope", scope)) ||
        jwt_add_grant_int(jwt, "iat", (long)now) || jwt_add_grant_int(jwt, "nbf", (long)now) ||
        jwt_add_grant_int(jwt, "exp", (long)(now + lifetime)))
        goto out;
    if (kid != NULL && jwt_add_header(jwt, "kid", kid) != 0)
        goto out;
    if (jwt_set_alg(jwt, a, priv_pem, (int)priv_len) != 0)
        goto out;
    *token = jwt_encode_str(jwt);
    if (*token != NULL)
        rc = MCX_OK;
out:
    jwt_free(jwt);
    return rc;
}
