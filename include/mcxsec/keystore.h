/*
 * mcxsec/keystore.h — the client key store (issue 4 item 9; TS 33.180 clause 5.11: KMS key sets held
 * while not in use are stored protected): KMS certificates and user key sets by identity and key
 * period, kept as their Annex D documents (KmsCertificate / KmsKeySet XML), sealed at rest with
 * AES-256-GCM under a key given directly (32 octets, e.g. from a 0600 file or the environment) or
 * derived from a passphrase with scrypt (N = 2^15, r = 8, p = 1; fresh salt on every save).
 *
 * The library does no I/O: the caller reads / writes the sealed blob. Blob layout:
 *   "MCXKS\x01" || kdf (0 raw, 1 scrypt) || log2 N || r || p || salt[16] || iv[12] || ct || tag[16]
 * with the 38-octet header as GCM additional data. The plaintext is a list of records
 *   kind (1) || period (8, BE) || name length (2, BE) || name || doc length (4, BE) || doc.
 */
#ifndef MCXSEC_KEYSTORE_H
#define MCXSEC_KEYSTORE_H
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MCX_KEYSTORE_KEY_BYTES 32
#define MCX_KEYSTORE_MAX_ENTRIES 4096
#define MCX_KEYSTORE_MAX_DOC (256 * 1024)
#define MCX_KEYSTORE_MAX_BLOB (16 * 1024 * 1024)

enum mcx_keystore_kind {
    MCX_KEYSTORE_CERT = 1,   /**< a KmsCertificate; name = its KmsUri; period = 0 */
    MCX_KEYSTORE_KEYSET = 2, /**< a KmsKeySet; name = its UserUri; period = KeyPeriodNo */
};

/** How the store's key is obtained. */
struct mcx_keystore_secret {
    const uint8_t *data; /**< a passphrase (any length >= 8) or a 32-octet key; borrowed */
    size_t len;
    int is_passphrase;   /**< 1: derive with scrypt; 0: data is the 32-octet key */
};

typedef struct mcx_keystore mcx_keystore;

/** An empty store. */
MCX_API MCX_MUST_CHECK mcx_err mcx_keystore_new(mcx_keystore **out);

/**
 * Open a sealed blob. MCX_ERR_VERIFY for a wrong key / passphrase or any modification,
 * MCX_ERR_DECODE for a malformed blob, MCX_ERR_LIMIT above the size caps.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_keystore_open(mcx_keystore **out, const uint8_t *blob, size_t len,
                                                 const struct mcx_keystore_secret *secret);

/** Seal the store into a malloc'd blob (free with mcx_keystore_blob_free). */
MCX_API MCX_MUST_CHECK mcx_err mcx_keystore_seal(const mcx_keystore *ks,
                                                 const struct mcx_keystore_secret *secret,
                                                 uint8_t **blob, size_t *len);
MCX_API void mcx_keystore_blob_free(uint8_t *blob, size_t len);

/** Add or replace the document for (kind, name, period). The document is copied. */
MCX_API MCX_MUST_CHECK mcx_err mcx_keystore_put(mcx_keystore *ks, enum mcx_keystore_kind kind,
                                                const char *name, uint64_t period, const char *doc,
                                                size_t doc_len);

/** Find a document: *doc is borrowed, valid until the store is next modified or freed.
 *  MCX_ERR_NOT_FOUND if absent. */
MCX_API MCX_MUST_CHECK mcx_err mcx_keystore_get(const mcx_keystore *ks, enum mcx_keystore_kind kind,
                                                const char *name, uint64_t period, const char **doc,
                                                size_t *doc_len);

/** Number of entries, and the i-th one (borrowed pointers, as for get). */
MCX_API size_t mcx_keystore_count(const mcx_keystore *ks);
MCX_API MCX_MUST_CHECK mcx_err mcx_keystore_entry(const mcx_keystore *ks, size_t i,
                                                  enum mcx_keystore_kind *kind, const char **name,
                                                  uint64_t *period, const char **doc, size_t *doc_len);

/** Remove key sets of `name` older than `keep_from_period` (all names if name is NULL). */
MCX_API size_t mcx_keystore_prune(mcx_keystore *ks, const char *name, uint64_t keep_from_period);

/** Wipe and free; NULL is a no-op. */
MCX_API void mcx_keystore_free(mcx_keystore *ks);

#ifdef __cplusplus
}
#endif
#endif
