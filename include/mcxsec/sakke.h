/*
 * mcxsec/sakke.h — SAKKE identity-based key encapsulation (RFC 6508) with parameter set 1 of
 * RFC 6509 Appendix A (1024-bit p, 1022-bit q = (p+1)/4, SHA-256, n = 128), as used by MIKEY-SAKKE.
 *
 * Encodings: field elements are 128-octet big-endian; points are 257-octet 0x04 || x || y;
 * the KMS master secret z is a 128-octet big-endian integer in [1, q-1] (q has 1022 bits, so a
 * 64-octet field could not hold it); the Shared Secret Value
 * (SSV) is 16 octets; Encapsulated Data is R_(b,S) || H (273 octets). The identifier b is any
 * non-empty octet string, read as a big-endian integer (MCX: the receiver's 32-octet UID).
 *
 * Constant time: constant-time in z, the RSK, the SSV and r (the secrets); identifiers, Z and
 * Encapsulated Data are public. No per-recipient precomputation is needed in either direction.
 */
#ifndef MCXSEC_SAKKE_H
#define MCXSEC_SAKKE_H
#include <stddef.h>
#include <stdint.h>
#include "err.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MCX_SAKKE_SSV_BYTES 16
#define MCX_SAKKE_FIELD_BYTES 128
#define MCX_SAKKE_POINT_BYTES 257
#define MCX_SAKKE_SCALAR_BYTES 128
#define MCX_SAKKE_SED_BYTES 273
#define MCX_SAKKE_PARAM_SET 1

/* ---- KMS side ---------------------------------------------------------------------------------- */

/** Generate a KMS master secret z in [1, q-1] and its public key Z = [z]P (RFC 6508 §2.2). */
MCX_API MCX_MUST_CHECK mcx_err mcx_sakke_kms_keygen(uint8_t z[MCX_SAKKE_SCALAR_BYTES],
                                                    uint8_t Z[MCX_SAKKE_POINT_BYTES]);

/** Derive Z = [z]P from z. MCX_ERR_SCALAR_RANGE if z is 0 or >= q; Z is zeroed on failure. */
MCX_API MCX_MUST_CHECK mcx_err mcx_sakke_kms_public(const uint8_t z[MCX_SAKKE_SCALAR_BYTES],
                                                    uint8_t Z[MCX_SAKKE_POINT_BYTES]);

/**
 * Issue the Receiver Secret Key K_b = [(b + z)^-1 mod q]P for identifier b (RFC 6508 §6.1.1).
 * Errors: MCX_ERR_EMPTY_ID, MCX_ERR_SCALAR_RANGE (bad z, or b + z = 0 mod q: no key exists).
 * rsk is zeroed on every failure. Constant time in z.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_sakke_kms_issue(const uint8_t z[MCX_SAKKE_SCALAR_BYTES],
                                                   const uint8_t *id, size_t id_len,
                                                   uint8_t rsk[MCX_SAKKE_POINT_BYTES]);

/* ---- public key of a KMS --------------------------------------------------------------------- */

/** A KMS public key Z with its fixed-base tables; immutable after creation, shareable by threads. */
typedef struct mcx_sakke_pub mcx_sakke_pub;

/** Parse and check Z (format, range, on curve, not infinity, order q) and precompute tables. */
MCX_API MCX_MUST_CHECK mcx_err mcx_sakke_pub_new(mcx_sakke_pub **out,
                                                 const uint8_t Z[MCX_SAKKE_POINT_BYTES]);
MCX_API void mcx_sakke_pub_free(mcx_sakke_pub *pub);

/**
 * Validate a received RSK (RFC 6508 §6.1.2): < [b]P + Z, K_b > == g. Errors: MCX_ERR_EMPTY_ID,
 * point errors for a malformed RSK, MCX_ERR_KEY_INVALID when the pairing check fails.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_sakke_validate_rsk(const mcx_sakke_pub *pub, const uint8_t *id,
                                                      size_t id_len,
                                                      const uint8_t rsk[MCX_SAKKE_POINT_BYTES]);

/**
 * Encapsulate a caller-chosen SSV to identifier b (RFC 6508 §6.2.1): r = HashToIntegerRange(SSV || b, q),
 * R = [r]([b]P + Z), H = SSV XOR HashToIntegerRange(g^r, 2^128). sed = R || H.
 * Thread-safe; constant time in the SSV and r. Errors: MCX_ERR_EMPTY_ID, MCX_ERR_ARG,
 * MCX_ERR_SCALAR_RANGE (r = 0 or b + z = 0 mod q: no point to send); sed is zeroed on every failure.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_sakke_encapsulate(const mcx_sakke_pub *pub, const uint8_t *id,
                                                     size_t id_len,
                                                     const uint8_t ssv[MCX_SAKKE_SSV_BYTES],
                                                     uint8_t sed[MCX_SAKKE_SED_BYTES]);

/* ---- receiver side ------------------------------------------------------------------------------ */

/**
 * A receiver's RSK for one identifier and key period, validated, with its Miller-loop lines
 * precomputed and a fixed-base table of its own point [b]P + Z (both built once per key period,
 * about 0.5 MB). Opaque; wiped on free. `pub` is borrowed and must outlive the handle.
 * Thread-safe for concurrent decapsulation.
 */
typedef struct mcx_sakke_rsk mcx_sakke_rsk;

/** Validate (as mcx_sakke_validate_rsk) and load an RSK. *out is set only on MCX_OK. */
MCX_API MCX_MUST_CHECK mcx_err mcx_sakke_rsk_new(mcx_sakke_rsk **out, const mcx_sakke_pub *pub,
                                                 const uint8_t *id, size_t id_len,
                                                 const uint8_t rsk[MCX_SAKKE_POINT_BYTES]);
MCX_API void mcx_sakke_rsk_free(mcx_sakke_rsk *k);

/**
 * Decapsulate (RFC 6508 §6.2.2), including the mandatory step-5 re-computation of R.
 * Errors: MCX_ERR_POINT_* / MCX_ERR_NOT_ON_CURVE / MCX_ERR_INFINITY for a malformed R,
 * MCX_ERR_SAKKE_CHECK when the re-computed R differs. ssv is written only on MCX_OK (zeroed otherwise).
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_sakke_decapsulate(const mcx_sakke_rsk *k,
                                                     const uint8_t sed[MCX_SAKKE_SED_BYTES],
                                                     uint8_t ssv[MCX_SAKKE_SSV_BYTES]);

#ifdef __cplusplus
}
#endif
#endif
