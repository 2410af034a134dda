/*
 * mcxsec/eccsi.h — ECCSI identity-based signatures (RFC 6507) on NIST P-256 with SHA-256,
 * as used by MIKEY-SAKKE (RFC 6509) and TS 33.180 for MCX.
 *
 * Encodings: scalars are 32-octet big-endian; points are 65-octet uncompressed 0x04 || x || y;
 * a signature is r || s || PVT (129 octets, RFC 6507 §5.2.1 with N = 32). The identifier ID is
 * any non-empty octet string; in MCX it is the signer's 32-octet MIKEY-SAKKE UID for the key period.
 *
 * Constant time: every function is constant-time in KSAK, SSK, v and j (the secrets); identifiers,
 * messages, KPAK, PVT and signatures are public.
 */
#ifndef MCXSEC_ECCSI_H
#define MCXSEC_ECCSI_H
#include <stddef.h>
#include <stdint.h>
#include "err.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MCX_ECCSI_SCALAR_BYTES 32
#define MCX_ECCSI_POINT_BYTES 65
#define MCX_ECCSI_HASH_BYTES 32
#define MCX_ECCSI_SIG_BYTES 129

/* ---- KMS side ---------------------------------------------------------------------------------- */

/** Generate a KMS master key pair: KSAK random in [1, q-1], KPAK = [KSAK]G (RFC 6507 §4.2). */
MCX_API MCX_MUST_CHECK mcx_err mcx_eccsi_kms_keygen(uint8_t ksak[MCX_ECCSI_SCALAR_BYTES],
                                                    uint8_t kpak[MCX_ECCSI_POINT_BYTES]);

/** Derive KPAK = [KSAK]G from a KSAK. MCX_ERR_SCALAR_RANGE if KSAK is 0 or >= q. */
MCX_API MCX_MUST_CHECK mcx_err mcx_eccsi_kms_public(const uint8_t ksak[MCX_ECCSI_SCALAR_BYTES],
                                                    uint8_t kpak[MCX_ECCSI_POINT_BYTES]);

/**
 * Issue the Secret Signing Key and Public Validation Token for an identifier (RFC 6507 §5.1.1):
 * v random, PVT = [v]G, HS = hash(G || KPAK || ID || PVT), SSK = KSAK + HS·v mod q, retried while
 * HS = 0 or SSK = 0. Errors: MCX_ERR_EMPTY_ID, MCX_ERR_SCALAR_RANGE (bad KSAK), MCX_ERR_RNG.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_eccsi_kms_issue(const uint8_t ksak[MCX_ECCSI_SCALAR_BYTES],
                                                   const uint8_t *id, size_t id_len,
                                                   uint8_t ssk[MCX_ECCSI_SCALAR_BYTES],
                                                   uint8_t pvt[MCX_ECCSI_POINT_BYTES]);

/* ---- user side ---------------------------------------------------------------------------------- */

/**
 * Validate a received SSK/PVT pair (RFC 6507 §5.1.2): PVT on the curve and not infinity,
 * [SSK]G == KPAK + [HS]PVT. On success writes HS (may be NULL). Errors: MCX_ERR_EMPTY_ID,
 * MCX_ERR_POINT_* / MCX_ERR_NOT_ON_CURVE / MCX_ERR_INFINITY for KPAK or PVT, MCX_ERR_SCALAR_RANGE
 * for SSK = 0 or >= q, MCX_ERR_KEY_INVALID when the equation does not hold.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_eccsi_validate(const uint8_t kpak[MCX_ECCSI_POINT_BYTES],
                                                  const uint8_t *id, size_t id_len,
                                                  const uint8_t ssk[MCX_ECCSI_SCALAR_BYTES],
                                                  const uint8_t pvt[MCX_ECCSI_POINT_BYTES],
                                                  uint8_t hs_out[MCX_ECCSI_HASH_BYTES]);

/** A signing key: a validated SSK/PVT for one identifier, with HS cached. Opaque; wiped on free. */
typedef struct mcx_eccsi_signer mcx_eccsi_signer;

/** Validate (as mcx_eccsi_validate) and load a signing key. *out is set only on MCX_OK. */
MCX_API MCX_MUST_CHECK mcx_err mcx_eccsi_signer_new(mcx_eccsi_signer **out,
                                                    const uint8_t kpak[MCX_ECCSI_POINT_BYTES],
                                                    const uint8_t *id, size_t id_len,
                                                    const uint8_t ssk[MCX_ECCSI_SCALAR_BYTES],
                                                    const uint8_t pvt[MCX_ECCSI_POINT_BYTES]);
/** Wipe and free; NULL is a no-op. */
MCX_API void mcx_eccsi_signer_free(mcx_eccsi_signer *s);

/**
 * Sign msg (RFC 6507 §5.2.1) with a fresh random j. Thread-safe for concurrent use of one signer.
 * sig = r || s || PVT. msg may be NULL when msg_len is 0. Errors: MCX_ERR_ARG, MCX_ERR_RNG,
 * MCX_ERR_NOMEM, MCX_ERR_INTERNAL; sig is zeroed on any error. Constant time in SSK and j (the
 * inversion runs on a value blinded by a fresh random factor).
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_eccsi_sign(const mcx_eccsi_signer *s, const uint8_t *msg,
                                              size_t msg_len, uint8_t sig[MCX_ECCSI_SIG_BYTES]);

/**
 * Verify a signature (RFC 6507 §5.2.2) with no cache. MCX_OK if valid; MCX_ERR_VERIFY if the
 * signature does not verify; MCX_ERR_SCALAR_RANGE if r or s is 0 or >= q; MCX_ERR_POINT_* /
 * MCX_ERR_NOT_ON_CURVE / MCX_ERR_INFINITY for a malformed PVT or KPAK; MCX_ERR_EMPTY_ID.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_eccsi_verify(const uint8_t kpak[MCX_ECCSI_POINT_BYTES],
                                                const uint8_t *id, size_t id_len,
                                                const uint8_t *msg, size_t msg_len,
                                                const uint8_t sig[MCX_ECCSI_SIG_BYTES]);

/**
 * A verifier for one KMS (KPAK) that caches Y = [HS]PVT + KPAK per (identifier, PVT), so repeated
 * verifications of the same signer in the same key period cost one double-scalar multiplication.
 * The cache holds at most `capacity` signers (least recently used evicted). Safe for concurrent use
 * from several threads (internally locked).
 */
typedef struct mcx_eccsi_verifier mcx_eccsi_verifier;

/**
 * Create a verifier for one KPAK (validated here: MCX_ERR_POINT_* / MCX_ERR_NOT_ON_CURVE /
 * MCX_ERR_INFINITY). capacity 0 selects the default of 1024 signers; more than 4,194,304 is
 * MCX_ERR_LIMIT. Only signers whose signature verified are cached, so forged (ID, PVT) pairs
 * cannot evict genuine ones. *out is set only on MCX_OK; free with mcx_eccsi_verifier_free.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_eccsi_verifier_new(mcx_eccsi_verifier **out,
                                                      const uint8_t kpak[MCX_ECCSI_POINT_BYTES],
                                                      size_t capacity);
/** Free a verifier and its cache; NULL is a no-op. */
MCX_API void mcx_eccsi_verifier_free(mcx_eccsi_verifier *v);
/** As mcx_eccsi_verify, using and filling the cache. */
MCX_API MCX_MUST_CHECK mcx_err mcx_eccsi_verifier_verify(mcx_eccsi_verifier *v, const uint8_t *id,
                                                         size_t id_len, const uint8_t *msg,
                                                         size_t msg_len,
                                                         const uint8_t sig[MCX_ECCSI_SIG_BYTES]);

#ifdef __cplusplus
}
#endif
#endif
