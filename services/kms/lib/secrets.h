/*
 * services/kms/secrets.h — protection of the KMS master secrets and issued keys at rest:
 * AES-256-GCM under a key-encryption key (KEK) read from a 0600 file or derived from a passphrase
 * with scrypt (OpenSSL EVP_KDF "SCRYPT", memory-hard). Key sets are sealed under a storage key
 * derived from the master secrets, bound (as AAD) to their identity and key period.
 */
#ifndef MCX_KMS_SECRETS_H
#define MCX_KMS_SECRETS_H
#include <stddef.h>
#include <stdint.h>

#include "kmsdb.h"
#include "mcxsec/err.h"

#define KMS_KEK_BYTES 32
#define KMS_SALT_BYTES 16
/* KSAK (32) || z (64) */
#define KMS_MASTER_BYTES (MCX_ECCSI_SCALAR_BYTES + MCX_SAKKE_SCALAR_BYTES)

/** Where the KEK comes from. Exactly one of file / passphrase is set. */
struct kms_kek_source {
    const char *file;       /* a 0600 file holding 32 raw octets or 64 hex digits */
    const char *passphrase; /* borrowed; the caller wipes it */
};

/**
 * Seal KSAK || z: out = 0x01 || kdf (0 file, 1 scrypt) || salt[16] || iv[12] || ct[96] || tag[16].
 * aad = the KMS URI. *out_len: capacity in, used out.
 */
mcx_err kms_master_seal(const struct kms_kek_source *src, const char *kms_uri,
                        const uint8_t master[KMS_MASTER_BYTES], uint8_t *out, size_t *out_len,
                        char *err, size_t errlen);
/** Open a sealed master secret. MCX_ERR_VERIFY for a wrong KEK / passphrase or a modified blob. */
mcx_err kms_master_open(const struct kms_kek_source *src, const char *kms_uri, const uint8_t *in,
                        size_t in_len, uint8_t master[KMS_MASTER_BYTES], char *err, size_t errlen);

/** Storage key for key sets: HMAC-SHA-256(master, "mcxsec-kms keyset seal v1"). */
mcx_err kms_storage_key(const uint8_t master[KMS_MASTER_BYTES], uint8_t key[32]);
/** Seal SSK || RSK for (uri, period) into sealed[KMS_SEALED_KEYSET_BYTES]. */
mcx_err kms_keyset_seal(const uint8_t key[32], const char *uri, uint64_t period_no,
                        const uint8_t ssk[MCX_ECCSI_SCALAR_BYTES],
                        const uint8_t rsk[MCX_SAKKE_POINT_BYTES],
                        uint8_t sealed[KMS_SEALED_KEYSET_BYTES]);
mcx_err kms_keyset_open(const uint8_t key[32], const char *uri, uint64_t period_no,
                        const uint8_t sealed[KMS_SEALED_KEYSET_BYTES],
                        uint8_t ssk[MCX_ECCSI_SCALAR_BYTES], uint8_t rsk[MCX_SAKKE_POINT_BYTES]);

/** AES-256-GCM helpers shared with the client key store logic (iv 12, tag 16). */
mcx_err kms_gcm(int enc, const uint8_t key[32], const uint8_t iv[12], const uint8_t *aad,
                size_t aad_len, const uint8_t *in, size_t len, uint8_t *out, uint8_t tag[16]);

#endif
