/*
 * mcxsec/kdf.h — the 3GPP key derivations MCX needs:
 *   - the generic KDF of TS 33.220 Annex B.2 (HMAC-SHA-256 over FC || P0 || L0 || ...);
 *   - the MIKEY PRF of RFC 3830 §4.1.2 (MIKEY-1, HMAC-SHA-1) and PRF-HMAC-SHA-256 (RFC 6043 §6.1);
 *   - the MIKEY-SAKKE UID of TS 33.180 Annex F.2.1 and the key-period number;
 *   - the RFC 6509 §3.2 identifier "YYYY-MM\0tel:+...\0";
 *   - the GUK-ID end-point diversity of TS 33.180 §5.2.3 / F.1.3 (FC 0x50).
 * All are constant-time in their key inputs.
 */
#ifndef MCXSEC_KDF_H
#define MCXSEC_KDF_H
#include <stddef.h>
#include <stdint.h>
#include "err.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MCX_KDF_OUT_BYTES 32
#define MCX_UID_BYTES 32
#define MCX_KDF_MAX_PARAMS 16

/** One input parameter Pi of the 3GPP KDF (its length Li is 2 octets, so len <= 65535). */
struct mcx_kdf_param {
    const uint8_t *p;
    size_t len;
};

/**
 * 3GPP KDF (TS 33.220 B.2): out = HMAC-SHA-256(key, FC || P0 || L0 || ... || Pn || Ln).
 * n_params <= MCX_KDF_MAX_PARAMS, each len <= 65535 (MCX_ERR_LENGTH otherwise).
 * "The 128 least significant bits" of the output are out[16..31].
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_kdf_3gpp(const uint8_t *key, size_t key_len, uint8_t fc,
                                            const struct mcx_kdf_param *params, size_t n_params,
                                            uint8_t out[MCX_KDF_OUT_BYTES]);

/** MIKEY PRF function numbers (HDR "PRF func"). */
enum mcx_mikey_prf {
    MCX_PRF_MIKEY_1 = 0,          /**< RFC 3830 §4.1.2, HMAC-SHA-1 P-function */
    MCX_PRF_HMAC_SHA256 = 1,      /**< RFC 6043 §6.1, PRF-HMAC-SHA-256 (MCX) */
};

/**
 * MIKEY PRF(inkey, label) of RFC 3830 §4.1.2 producing out_len octets (out_len <= 1024):
 * inkey split in 256-bit chunks whose P-function outputs are XORed.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_mikey_prf(enum mcx_mikey_prf prf, const uint8_t *inkey,
                                             size_t inkey_len, const uint8_t *label,
                                             size_t label_len, uint8_t *out, size_t out_len);

/** RFC 3830 §4.1.3 / §4.1.4 label constants. */
#define MCX_PRF_CONST_TEK 0x2AD01C64u
#define MCX_PRF_CONST_SALT 0x39A2C14Bu
#define MCX_PRF_CONST_ENCR 0x15798CEFu
#define MCX_PRF_CONST_AUTH 0x1B5C7973u
#define MCX_PRF_CONST_ENV_ENCR 0x150533E1u
#define MCX_PRF_CONST_ENV_AUTH 0x2D22AC75u
#define MCX_PRF_CONST_ENV_SALT 0x29B88916u

/**
 * Derive out_len octets for one RFC 3830 §4.1.3 label: const || CS-ID || CSB-ID || RAND.
 * E.g. SRTP master key (MCX_PRF_CONST_TEK, 16) and master salt (MCX_PRF_CONST_SALT, 12) from a
 * GMK/PCK/GSK (TS 33.180 §7.4). rand_len <= 255.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_mikey_derive(enum mcx_mikey_prf prf, const uint8_t *tgk,
                                                size_t tgk_len, uint32_t constant, uint8_t cs_id,
                                                uint32_t csb_id, const uint8_t *rand,
                                                size_t rand_len, uint8_t *out, size_t out_len);

/** Seconds between the NTP epoch (1900-01-01) and the Unix epoch (1970-01-01). */
#define MCX_NTP_UNIX_OFFSET 2208988800u

/**
 * Key period number for an NTP time (TS 33.180 F.2.1): floor((ntp_seconds - offset) / period).
 * MCX_ERR_ARG if period is 0 or ntp_seconds < offset.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_key_period_no(uint64_t ntp_seconds, uint64_t period,
                                                 uint64_t offset, uint64_t *period_no);

/** First NTP second of key period `period_no`: period_no * period + offset. */
MCX_API MCX_MUST_CHECK mcx_err mcx_key_period_start(uint64_t period_no, uint64_t period,
                                                    uint64_t offset, uint64_t *ntp_seconds);

/**
 * MIKEY-SAKKE UID (TS 33.180 F.2.1): SHA-256(0x00 || "MIKEY-SAKKE-UID" || 0x000F || uri || L ||
 * kms_uri || L || period || L || offset || L || period_no || L), integers as minimal big-endian
 * octets (0 is one 0x00 octet). Errors: MCX_ERR_EMPTY_ID for an empty uri or kms_uri,
 * MCX_ERR_LENGTH for a string longer than 65535 octets.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_uid(const char *uri, const char *kms_uri, uint64_t period,
                                       uint64_t offset, uint64_t period_no,
                                       uint8_t uid[MCX_UID_BYTES]);

/**
 * RFC 6509 §3.2 identifier "YYYY-MM" 0x00 tel_uri 0x00 (e.g. "2011-02\0tel:+447700900123\0").
 * *out_len: in capacity, out used (MCX_ERR_BUFFER_SMALL reports the need).
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_rfc6509_id(unsigned year, unsigned month, const char *tel_uri,
                                              uint8_t *out, size_t *out_len);

/** Purpose tags: the 4 most significant bits of every MCX 32-bit key identifier (TS 33.180 §5.2). */
enum mcx_purpose {
    MCX_PURPOSE_GMK = 0,
    MCX_PURPOSE_PCK = 1,
    MCX_PURPOSE_CSK = 2,
    MCX_PURPOSE_SPK = 3,
    MCX_PURPOSE_MKFC = 4,
    MCX_PURPOSE_MSCCK = 5,
    MCX_PURPOSE_MUSIK = 6,
};
#define MCX_KEY_ID_PURPOSE(id) ((unsigned)((uint32_t)(id) >> 28))

/**
 * GUK-ID for one member (TS 33.180 §5.2.3, F.1.3): salt = 28 LSBs of KDF(GMK, 0x50, member URI);
 * GUK-ID = purpose(GMK-ID) || (GMK-ID[27:0] XOR salt). Applying it to a GUK-ID with the same URI
 * gives back the GMK-ID, so it serves both directions.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_guk_id(const uint8_t *gmk, size_t gmk_len, uint32_t gmk_id,
                                          const char *member_uri, uint32_t *guk_id);

#ifdef __cplusplus
}
#endif
#endif
