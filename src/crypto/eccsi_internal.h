/*
 * Internal ECCSI hooks (RFC 6507): deterministic variants of key issue and signing for the RFC's
 * Appendix A vectors, point decoding for the fuzz harness, and cache statistics for tests. Not
 * exported from the shared library; tests and fuzzers link the static library.
 */
#ifndef MCX_CRYPTO_ECCSI_INTERNAL_H
#define MCX_CRYPTO_ECCSI_INTERNAL_H
#include <stddef.h>
#include <stdint.h>

#include "mcxsec/eccsi.h"

/*
 * mcx_eccsi_kms_issue with a caller-chosen v (RFC 6507 §5.1.1). MCX_ERR_SCALAR_RANGE for v or
 * KSAK outside [1, q-1]; MCX_ERR_STATE when this v gives HS = 0 or SSK = 0 (the public function
 * then draws another v). Constant time in KSAK and v.
 */
mcx_err mcxi_eccsi_kms_issue_with_v(const uint8_t ksak[MCX_ECCSI_SCALAR_BYTES], const uint8_t *id,
                                    size_t id_len, const uint8_t v[MCX_ECCSI_SCALAR_BYTES],
                                    uint8_t ssk[MCX_ECCSI_SCALAR_BYTES],
                                    uint8_t pvt[MCX_ECCSI_POINT_BYTES]);

/*
 * mcx_eccsi_sign with a caller-chosen ephemeral j (RFC 6507 §5.2.1). MCX_ERR_SCALAR_RANGE for j
 * outside [1, q-1]; MCX_ERR_STATE when this j gives r = 0, r >= q or HE + r·SSK = 0 (the public
 * function then draws another j). Constant time in SSK and j.
 */
mcx_err mcxi_eccsi_sign_with_j(const mcx_eccsi_signer *s, const uint8_t *msg, size_t msg_len,
                               const uint8_t j[MCX_ECCSI_SCALAR_BYTES],
                               uint8_t sig[MCX_ECCSI_SIG_BYTES]);

/* Decode and check a public point (0x04 || x || y on P-256): MCX_OK or the specific error. */
mcx_err mcxi_eccsi_point_check(const uint8_t p[MCX_ECCSI_POINT_BYTES]);

/* Number of signers currently cached by a verifier (tests). */
size_t mcxi_eccsi_verifier_count(mcx_eccsi_verifier *v);

#endif
