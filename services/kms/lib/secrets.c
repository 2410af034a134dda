/*
 * services/kms/secrets.c — sealing of master secrets and issued key sets (secrets.h).
 * Issue 4 item 3: "master secrets ... stored encrypted at rest (AES-256-GCM under a key-encryption
 * key read from a 0600 file or derived from a passphrase with a memory-hard KDF from OpenSSL)".
 */
#include "secrets.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mcxsec/util.h"

#define SEAL_VERSION 1
#define KDF_FILE 0
#define KDF_SCRYPT 1
#define SEAL_HDR (2 + KMS_SALT_BYTES + 12)
/* scrypt cost: N = 2^15, r = 8, p = 1 (32 MiB, about 0.1 s) */
#define SCRYPT_N 32768u
#define SCRYPT_R 8u
#define SCRYPT_P 1u

mcx_err kms_gcm(int enc, const uint8_t key[32], const uint8_t iv[12], const uint8_t *aad,
                size_t aad_len, const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16])
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int n = 0, ok;
    mcx_err rc = MCX_ERR_INTERNAL;
    if (c == NULL)
        return MCX_ERR_NOMEM;
    ok = EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, key, iv, enc) == 1;
    if (ok && aad_len > 0)
        ok = EVP_CipherUpdate(c, NULL, &n, aad, (int)aad_len) == 1;
    if (ok && len > 0)
        ok = EVP_CipherUpdate(c, out, &n, in, (int)len) == 1;
    if (ok && !enc)
        ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, tag) == 1;
    if (ok) {
        uint8_t fin[16];
        if (EVP_CipherFinal_ex(c, fin, &n) != 1) {
            rc = enc ? MCX_ERR_INTERNAL : MCX_ERR_VERIFY;
            if (!enc)
                mcx_wipe(out, len);
            goto out;
        }
        if (enc && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag) != 1)
            goto out;
        rc = MCX_OK;
    }
out:
    EVP_CIPHER_CTX_free(c);
    return rc;
}

static int hexv(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

static mcx_err kek_from_file(const char *path, uint8_t kek[KMS_KEK_BYTES], char *err, size_t errlen)
{
    uint8_t buf[130];
    struct stat st;
    mcx_err rc = MCX_ERR_IO;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        snprintf(err, errlen, "KEK file %s: %s", path, strerror(errno));
        return MCX_ERR_IO;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "KEK file %s: not a regular file", path);
        goto out;
    }
    if ((st.st_mode & 077) != 0) {
        snprintf(err, errlen, "KEK file %s: mode %03o, must be 0600 or stricter", path,
                 (unsigned)(st.st_mode & 0777));
        rc = MCX_ERR_FORBIDDEN;
        goto out;
    }
    ssize_t n = read(fd, buf, sizeof buf);
    if (n == KMS_KEK_BYTES) {
        memcpy(kek, buf, KMS_KEK_BYTES);
        rc = MCX_OK;
        goto out;
    }
    size_t len = n > 0 ? (size_t)n : 0;
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        len--;
    if (len == 2 * KMS_KEK_BYTES) {
        rc = MCX_OK;
        for (size_t i = 0; i < KMS_KEK_BYTES; i++) {
            int hi = hexv(buf[2 * i]), lo = hexv(buf[2 * i + 1]);
            if (hi < 0 || lo < 0)
                rc = MCX_ERR_DECODE;
            kek[i] = (uint8_t)((hi & 15) << 4 | (lo & 15));
        }
        if (rc == MCX_OK)
            goto out;
    }
    snprintf(err, errlen, "KEK file %s: expected 32 raw octets or 64 hex digits", path);
    mcx_wipe(kek, KMS_KEK_BYTES);
    rc = MCX_ERR_DECODE;
out:
    mcx_wipe(buf, sizeof buf);
    close(fd);
    return rc;
}

static mcx_err kek_from_passphrase(const char *pass, const uint8_t salt[KMS_SALT_BYTES],
                                   uint8_t kek[KMS_KEK_BYTES])
{
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "SCRYPT", NULL);
    EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    uint64_t n = SCRYPT_N;
    uint32_t r = SCRYPT_R, p = SCRYPT_P;
    mcx_err rc = MCX_ERR_INTERNAL;
    if (ctx != NULL) {
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, (void *)pass, strlen(pass)),
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, (void *)salt, KMS_SALT_BYTES),
            OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
            OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
            OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
            OSSL_PARAM_construct_end(),
        };
        if (EVP_KDF_derive(ctx, kek, KMS_KEK_BYTES, params) == 1)
            rc = MCX_OK;
    }
    EVP_KDF_CTX_free(ctx);
    EVP_KDF_free(kdf);
    return rc;
}

static mcx_err get_kek(const struct kms_kek_source *src, int kdf, const uint8_t salt[KMS_SALT_BYTES],
                       uint8_t kek[KMS_KEK_BYTES], char *err, size_t errlen)
{
    if (kdf == KDF_FILE) {
        if (src->file == NULL) {
            snprintf(err, errlen, "the master secrets are sealed under a KEK file; none configured");
            return MCX_ERR_ARG;
        }
        return kek_from_file(src->file, kek, err, errlen);
    }
    if (src->passphrase == NULL) {
        snprintf(err, errlen, "the master secrets are sealed under a passphrase; none given");
        return MCX_ERR_ARG;
    }
    mcx_err rc = kek_from_passphrase(src->passphrase, salt, kek);
    if (rc != MCX_OK)
        snprintf(err, errlen, "scrypt failed");
    return rc;
}

mcx_err kms_master_seal(const struct kms_kek_source *src, const char *kms_uri,
                        const uint8_t master[KMS_MASTER_BYTES], uint8_t *out, size_t *out_len,
                        char *err, size_t errlen)
{
    uint8_t kek[KMS_KEK_BYTES];
    size_t need = SEAL_HDR + KMS_MASTER_BYTES + 16;
    mcx_err rc;
    if (*out_len < need)
        return MCX_ERR_BUFFER_SMALL;
    out[0] = SEAL_VERSION;
    out[1] = src->file != NULL ? KDF_FILE : KDF_SCRYPT;
    if ((rc = mcx_random(out + 2, KMS_SALT_BYTES + 12)) != MCX_OK)
        return rc;
    if ((rc = get_kek(src, out[1], out + 2, kek, err, errlen)) != MCX_OK)
        return rc;
    rc = kms_gcm(1, kek, out + 2 + KMS_SALT_BYTES, (const uint8_t *)kms_uri, strlen(kms_uri), master,
                 KMS_MASTER_BYTES, out + SEAL_HDR, out + SEAL_HDR + KMS_MASTER_BYTES);
    mcx_wipe(kek, sizeof kek);
    if (rc == MCX_OK)
        *out_len = need;
    return rc;
}

mcx_err kms_master_open(const struct kms_kek_source *src, const char *kms_uri, const uint8_t *in,
                        size_t in_len, uint8_t master[KMS_MASTER_BYTES], char *err, size_t errlen)
{
    uint8_t kek[KMS_KEK_BYTES], tag[16];
    mcx_err rc;
    if (in_len != SEAL_HDR + KMS_MASTER_BYTES + 16 || in[0] != SEAL_VERSION || in[1] > KDF_SCRYPT) {
        snprintf(err, errlen, "sealed master secrets: unknown format");
        return MCX_ERR_DECODE;
    }
    if ((rc = get_kek(src, in[1], in + 2, kek, err, errlen)) != MCX_OK)
        return rc;
    memcpy(tag, in + SEAL_HDR + KMS_MASTER_BYTES, 16);
    rc = kms_gcm(0, kek, in + 2 + KMS_SALT_BYTES, (const uint8_t *)kms_uri, strlen(kms_uri),
                 in + SEAL_HDR, KMS_MASTER_BYTES, master, tag);
    mcx_wipe(kek, sizeof kek);
    if (rc == MCX_ERR_VERIFY)
        snprintf(err, errlen, "cannot open the master secrets: wrong KEK or passphrase, or modified");
    return rc;
}

mcx_err kms_storage_key(const uint8_t master[KMS_MASTER_BYTES], uint8_t key[32])
{
    static const char label[] = "mcxsec-kms keyset seal v1";
    unsigned len = 0;
    if (HMAC(EVP_sha256(), master, KMS_MASTER_BYTES, (const uint8_t *)label, sizeof label - 1, key,
             &len) == NULL || len != 32)
        return MCX_ERR_INTERNAL;
    return MCX_OK;
}

static size_t keyset_aad(const char *uri, uint64_t period_no, uint8_t *aad, size_t cap)
{
    size_t n = strlen(uri);
    if (n + 9 > cap)
        return 0;
    memcpy(aad, uri, n);
    aad[n] = 0;
    for (int i = 0; i < 8; i++)
        aad[n + 1 + (size_t)i] = (uint8_t)(period_no >> (56 - 8 * i));
    return n + 9;
}

mcx_err kms_keyset_seal(const uint8_t key[32], const char *uri, uint64_t period_no,
                        const uint8_t ssk[MCX_ECCSI_SCALAR_BYTES],
                        const uint8_t rsk[MCX_SAKKE_POINT_BYTES],
                        uint8_t sealed[KMS_SEALED_KEYSET_BYTES])
{
    uint8_t pt[MCX_ECCSI_SCALAR_BYTES + MCX_SAKKE_POINT_BYTES], aad[KMS_URI_MAX + 16];
    size_t aad_len = keyset_aad(uri, period_no, aad, sizeof aad);
    mcx_err rc;
    if (aad_len == 0)
        return MCX_ERR_ARG;
    if ((rc = mcx_random(sealed, 12)) != MCX_OK)
        return rc;
    memcpy(pt, ssk, MCX_ECCSI_SCALAR_BYTES);
    memcpy(pt + MCX_ECCSI_SCALAR_BYTES, rsk, MCX_SAKKE_POINT_BYTES);
    rc = kms_gcm(1, key, sealed, aad, aad_len, pt, sizeof pt, sealed + 12, sealed + 12 + sizeof pt);
    mcx_wipe(pt, sizeof pt);
    return rc;
}

mcx_err kms_keyset_open(const uint8_t key[32], const char *uri, uint64_t period_no,
                        const uint8_t sealed[KMS_SEALED_KEYSET_BYTES],
                        uint8_t ssk[MCX_ECCSI_SCALAR_BYTES], uint8_t rsk[MCX_SAKKE_POINT_BYTES])
{
    uint8_t pt[MCX_ECCSI_SCALAR_BYTES + MCX_SAKKE_POINT_BYTES], aad[KMS_URI_MAX + 16], tag[16];
    size_t aad_len = keyset_aad(uri, period_no, aad, sizeof aad);
    if (aad_len == 0)
        return MCX_ERR_ARG;
    memcpy(tag, sealed + 12 + sizeof pt, 16);
    mcx_err rc = kms_gcm(0, key, sealed, aad, aad_len, sealed + 12, sizeof pt, pt, tag);
    if (rc == MCX_OK) {
        memcpy(ssk, pt, MCX_ECCSI_SCALAR_BYTES);
        memcpy(rsk, pt + MCX_ECCSI_SCALAR_BYTES, MCX_SAKKE_POINT_BYTES);
    }
    mcx_wipe(pt, sizeof pt);
    return rc;
}
