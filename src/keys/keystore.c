/*
 * src/keys/keystore.c — the sealed client key store (mcxsec/keystore.h). TS 33.180 clause 5.11
 * (UE key storage): KMS key sets and certificates persist across power cycles only in protected form.
 */
#include "mcxsec/keystore.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <stdlib.h>
#include <string.h>

#include "mcxsec/util.h"

#define TAG_BYTES 16
/* header: magic[6] kdf[1] log2N[1] r[1] p[1] salt[16] iv[12] = 38 octets (all of it is GCM AAD) */
#define MAGIC_LEN 6
#define HDR_BYTES (MAGIC_LEN + 4 + 16 + 12)
#define IV_OFF (MAGIC_LEN + 4 + 16)
static const uint8_t MAGIC[MAGIC_LEN] = {'M', 'C', 'X', 'K', 'S', 1};

#define SCRYPT_LOG2N 15
#define SCRYPT_R 8
#define SCRYPT_P 1

struct ks_entry {
    enum mcx_keystore_kind kind;
    uint64_t period;
    char *name;
    char *doc;
    size_t doc_len;
};

struct mcx_keystore {
    struct ks_entry *e;
    size_t n, cap;
};

mcx_err mcx_keystore_new(mcx_keystore **out)
{
    if (out == NULL)
        return MCX_ERR_ARG;
    *out = calloc(1, sizeof **out);
    return *out ? MCX_OK : MCX_ERR_NOMEM;
}

static void entry_free(struct ks_entry *e)
{
    if (e->doc != NULL) {
        mcx_wipe(e->doc, e->doc_len);
        free(e->doc);
    }
    free(e->name);
    memset(e, 0, sizeof *e);
}

void mcx_keystore_free(mcx_keystore *ks)
{
    if (ks == NULL)
        return;
    for (size_t i = 0; i < ks->n; i++)
        entry_free(&ks->e[i]);
    free(ks->e);
    free(ks);
}

static struct ks_entry *find(const mcx_keystore *ks, enum mcx_keystore_kind kind, const char *name,
                             uint64_t period)
{
    for (size_t i = 0; i < ks->n; i++)
        if (ks->e[i].kind == kind && ks->e[i].period == period && strcmp(ks->e[i].name, name) == 0)
            return &ks->e[i];
    return NULL;
}

mcx_err mcx_keystore_put(mcx_keystore *ks, enum mcx_keystore_kind kind, const char *name, uint64_t period,
                         const char *doc, size_t doc_len)
{
    if (ks == NULL || name == NULL || doc == NULL || (kind != MCX_KEYSTORE_CERT && kind != MCX_KEYSTORE_KEYSET))
        return MCX_ERR_ARG;
    size_t nl = strlen(name);
    if (nl == 0 || nl > 65535 || doc_len == 0 || doc_len > MCX_KEYSTORE_MAX_DOC)
        return MCX_ERR_LENGTH;
    char *copy = malloc(doc_len + 1);
    if (copy == NULL)
        return MCX_ERR_NOMEM;
    memcpy(copy, doc, doc_len);
    copy[doc_len] = '\0';
    struct ks_entry *e = find(ks, kind, name, period);
    if (e != NULL) {
        mcx_wipe(e->doc, e->doc_len);
        free(e->doc);
        e->doc = copy;
        e->doc_len = doc_len;
        return MCX_OK;
    }
    if (ks->n == MCX_KEYSTORE_MAX_ENTRIES) {
        mcx_wipe(copy, doc_len);
        free(copy);
        return MCX_ERR_LIMIT;
    }
    if (ks->n == ks->cap) {
        size_t cap = ks->cap ? ks->cap * 2 : 8;
        struct ks_entry *ne = realloc(ks->e, cap * sizeof *ne);
        if (ne == NULL) {
            mcx_wipe(copy, doc_len);
            free(copy);
            return MCX_ERR_NOMEM;
        }
        ks->e = ne;
        ks->cap = cap;
    }
    e = &ks->e[ks->n];
    e->name = strdup(name);
    if (e->name == NULL) {
        mcx_wipe(copy, doc_len);
        free(copy);
        return MCX_ERR_NOMEM;
    }
    e->kind = kind;
    e->period = period;
    e->doc = copy;
    e->doc_len = doc_len;
    ks->n++;
    return MCX_OK;
}

mcx_err mcx_keystore_get(const mcx_keystore *ks, enum mcx_keystore_kind kind, const char *name,
                         uint64_t period, const char **doc, size_t *doc_len)
{
    if (ks == NULL || name == NULL || doc == NULL || doc_len == NULL)
        return MCX_ERR_ARG;
    const struct ks_entry *e = find(ks, kind, name, period);
    if (e == NULL)
        return MCX_ERR_NOT_FOUND;
    *doc = e->doc;
    *doc_len = e->doc_len;
    return MCX_OK;
}

size_t mcx_keystore_count(const mcx_keystore *ks)
{
    return ks ? ks->n : 0;
}

mcx_err mcx_keystore_entry(const mcx_keystore *ks, size_t i, enum mcx_keystore_kind *kind,
                           const char **name, uint64_t *period, const char **doc, size_t *doc_len)
{
    if (ks == NULL || i >= ks->n)
        return MCX_ERR_NOT_FOUND;
    if (kind)
        *kind = ks->e[i].kind;
    if (name)
        *name = ks->e[i].name;
    if (period)
        *period = ks->e[i].period;
    if (doc)
        *doc = ks->e[i].doc;
    if (doc_len)
        *doc_len = ks->e[i].doc_len;
    return MCX_OK;
}

size_t mcx_keystore_prune(mcx_keystore *ks, const char *name, uint64_t keep_from_period)
{
    size_t removed = 0, w = 0;
    if (ks == NULL)
        return 0;
    for (size_t i = 0; i < ks->n; i++) {
        struct ks_entry *e = &ks->e[i];
        if (e->kind == MCX_KEYSTORE_KEYSET && e->period < keep_from_period &&
            (name == NULL || strcmp(e->name, name) == 0)) {
            entry_free(e);
            removed++;
            continue;
        }
        ks->e[w++] = *e;
    }
    ks->n = w;
    return removed;
}

/* ---- sealing ----------------------------------------------------------------------------------- */

static mcx_err derive(const struct mcx_keystore_secret *s, const uint8_t *hdr, uint8_t key[32])
{
    if (s == NULL || s->data == NULL)
        return MCX_ERR_ARG;
    if (!s->is_passphrase) {
        if (s->len != MCX_KEYSTORE_KEY_BYTES)
            return MCX_ERR_LENGTH;
        memcpy(key, s->data, 32);
        return MCX_OK;
    }
    if (s->len < 8)
        return MCX_ERR_LENGTH;
    uint64_t n = (uint64_t)1 << hdr[MAGIC_LEN + 1];
    uint32_t r = hdr[MAGIC_LEN + 2], p = hdr[MAGIC_LEN + 3];
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    mcx_err rc = MCX_ERR_INTERNAL;
    if (ctx != NULL) {
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, (void *)s->data, s->len),
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)(hdr + MAGIC_LEN + 4), 16),
            OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
            OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
            OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
            OSSL_PARAM_construct_end(),
        };
        if (EVP_KDF_derive(ctx, key, 32, params) == 1)
            rc = MCX_OK;
    }
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    return rc;
}

static mcx_err gcm(int enc, const uint8_t key[32], const uint8_t *hdr, const uint8_t *in, size_t len,
                   uint8_t *out, uint8_t tag[16])
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n = 0;
    mcx_err rc = MCX_ERR_INTERNAL;
    if (c == NULL)
        return MCX_ERR_NOMEM;
    if (EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, key, hdr + IV_OFF, enc) != 1 ||
        EVP_CipherUpdate(c, NULL, &n, hdr, HDR_BYTES) != 1)
        goto out;
    if (len > 0 && EVP_CipherUpdate(c, out, &n, in, (int)len) != 1)
        goto out;
    if (!enc && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, tag) != 1)
        goto out;
    uint8_t fin[16];
    if (EVP_CipherFinal_ex(c, fin, &n) != 1) {
        rc = enc ? MCX_ERR_INTERNAL : MCX_ERR_VERIFY;
        goto out;
    }
    if (enc && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag) != 1)
        goto out;
    rc = MCX_OK;
out:
    EVP_CIPHER_CTX_free(c);
    return rc;
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

static uint64_t get_be(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

mcx_err mcx_keystore_seal(const mcx_keystore *ks, const struct mcx_keystore_secret *secret, uint8_t **blob,
                          size_t *len)
{
    uint8_t key[32];
    size_t pt_len = 0;
    mcx_err rc;
    if (ks == NULL || secret == NULL || blob == NULL || len == NULL)
        return MCX_ERR_ARG;
    for (size_t i = 0; i < ks->n; i++)
        pt_len += 1 + 8 + 2 + strlen(ks->e[i].name) + 4 + ks->e[i].doc_len;
    if (pt_len > MCX_KEYSTORE_MAX_BLOB)
        return MCX_ERR_LIMIT;
    size_t total = HDR_BYTES + pt_len + TAG_BYTES;
    uint8_t *out = malloc(total), *pt = malloc(pt_len ? pt_len : 1);
    if (out == NULL || pt == NULL) {
        free(out);
        free(pt);
        return MCX_ERR_NOMEM;
    }
    memcpy(out, MAGIC, MAGIC_LEN);
    out[MAGIC_LEN] = secret->is_passphrase ? 1 : 0;
    out[MAGIC_LEN + 1] = secret->is_passphrase ? SCRYPT_LOG2N : 0;
    out[MAGIC_LEN + 2] = secret->is_passphrase ? SCRYPT_R : 0;
    out[MAGIC_LEN + 3] = secret->is_passphrase ? SCRYPT_P : 0;
    if ((rc = mcx_random(out + MAGIC_LEN + 4, 16 + 12)) != MCX_OK)
        goto out;
    size_t o = 0;
    for (size_t i = 0; i < ks->n; i++) {
        const struct ks_entry *e = &ks->e[i];
        size_t nl = strlen(e->name);
        pt[o++] = (uint8_t)e->kind;
        put_be(pt + o, e->period, 8);
        o += 8;
        put_be(pt + o, nl, 2);
        o += 2;
        memcpy(pt + o, e->name, nl);
        o += nl;
        put_be(pt + o, e->doc_len, 4);
        o += 4;
        memcpy(pt + o, e->doc, e->doc_len);
        o += e->doc_len;
    }
    if ((rc = derive(secret, out, key)) != MCX_OK)
        goto out;
    rc = gcm(1, key, out, pt, pt_len, out + HDR_BYTES, out + HDR_BYTES + pt_len);
out:
    mcx_wipe(key, sizeof key);
    mcx_wipe(pt, pt_len);
    free(pt);
    if (rc != MCX_OK) {
        mcx_wipe(out, total);
        free(out);
        return rc;
    }
    *blob = out;
    *len = total;
    return MCX_OK;
}

void mcx_keystore_blob_free(uint8_t *blob, size_t len)
{
    if (blob != NULL) {
        mcx_wipe(blob, len);
        free(blob);
    }
}

mcx_err mcx_keystore_open(mcx_keystore **out, const uint8_t *blob, size_t len,
                          const struct mcx_keystore_secret *secret)
{
    uint8_t key[32], tag[16];
    mcx_keystore *ks = NULL;
    uint8_t *pt = NULL;
    size_t pt_len = 0;
    mcx_err rc;
    if (out == NULL || blob == NULL || secret == NULL)
        return MCX_ERR_ARG;
    *out = NULL;
    if (len > MCX_KEYSTORE_MAX_BLOB + HDR_BYTES + TAG_BYTES)
        return MCX_ERR_LIMIT;
    if (len < HDR_BYTES + TAG_BYTES || !mcx_ct_eq(blob, MAGIC, MAGIC_LEN) || blob[MAGIC_LEN] > 1)
        return MCX_ERR_DECODE;
    if ((blob[MAGIC_LEN] == 1) != (secret->is_passphrase != 0))
        return MCX_ERR_VERIFY; /* sealed with the other kind of secret */
    if (blob[MAGIC_LEN] == 1 && (blob[MAGIC_LEN + 1] < 10 || blob[MAGIC_LEN + 1] > 22 ||
                                 blob[MAGIC_LEN + 2] == 0 || blob[MAGIC_LEN + 2] > 32 ||
                                 blob[MAGIC_LEN + 3] == 0 || blob[MAGIC_LEN + 3] > 4))
        return MCX_ERR_DECODE; /* refuse absurd scrypt costs before spending memory on them */
    pt_len = len - HDR_BYTES - TAG_BYTES;
    pt = malloc(pt_len ? pt_len : 1);
    if (pt == NULL)
        return MCX_ERR_NOMEM;
    if ((rc = derive(secret, blob, key)) != MCX_OK)
        goto out;
    memcpy(tag, blob + len - TAG_BYTES, 16);
    if ((rc = gcm(0, key, blob, blob + HDR_BYTES, pt_len, pt, tag)) != MCX_OK)
        goto out;
    if ((rc = mcx_keystore_new(&ks)) != MCX_OK)
        goto out;
    /* The plaintext is authenticated, but parse it defensively all the same. */
    for (size_t o = 0; o < pt_len;) {
        if (pt_len - o < 1 + 8 + 2) {
            rc = MCX_ERR_DECODE;
            goto out;
        }
        enum mcx_keystore_kind kind = (enum mcx_keystore_kind)pt[o];
        uint64_t period = get_be(pt + o + 1, 8);
        size_t nl = (size_t)get_be(pt + o + 9, 2);
        o += 11;
        if (pt_len - o < nl + 4 || nl == 0) {
            rc = MCX_ERR_DECODE;
            goto out;
        }
        if (memchr(pt + o, 0, nl) != NULL) {
            rc = MCX_ERR_DECODE;
            goto out;
        }
        char *name = strndup((const char *)pt + o, nl);
        if (name == NULL) {
            rc = MCX_ERR_NOMEM;
            goto out;
        }
        o += nl;
        size_t dl = (size_t)get_be(pt + o, 4);
        o += 4;
        rc = pt_len - o < dl ? MCX_ERR_DECODE : mcx_keystore_put(ks, kind, name, period, (const char *)pt + o, dl);
        free(name);
        if (rc != MCX_OK) {
            if (rc == MCX_ERR_ARG || rc == MCX_ERR_LENGTH)
                rc = MCX_ERR_DECODE;
            goto out;
        }
        o += dl;
    }
    *out = ks;
    ks = NULL;
out:
    mcx_wipe(key, sizeof key);
    mcx_wipe(pt, pt_len);
    free(pt);
    mcx_keystore_free(ks);
    return rc;
}
