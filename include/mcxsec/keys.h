/*
 * mcxsec/keys.h — the TS 33.180 key hierarchy below the MIKEY layer:
 *   - GUK-ID end-point diversity (§5.2.3, F.1.3) — see mcx_guk_id in kdf.h;
 *   - SRTP master key and master salt from a GMK, PCK, CSK/MuSiK or GSK via the MIKEY PRF
 *     (§7.4, RFC 3830 §4.1.3 with PRF-HMAC-SHA-256 of RFC 6043 §6.1): label = const || CS-ID ||
 *     CSB-ID || RAND;
 *   - the MKI layout (§7.4: PCK-ID for private calls, GMK-ID || GUK-ID for groups);
 *   - DPCK = KDF(DPPK, FC 0x53, DPPK-ID) (F.1.5) and the signalling keys of F.1.4
 *     (FC 0x51 confidentiality, FC 0x52 integrity, from an XPK = CSK/SPK);
 *   - the '3GPP key parameters' payload (E.6) and its MCData-protected-payload envelope
 *     (§8.5.4: AES-128-GCM under the DPCK) carried in MIKEY General Extension type 7.
 * All derivations are constant-time in their key inputs.
 */
#ifndef MCXSEC_KEYS_H
#define MCXSEC_KEYS_H
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "kdf.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MCX_KEY_BYTES 16         /**< GMK, PCK, CSK, MuSiK, GSK */
#define MCX_SRTP_KEY_BYTES 16    /**< SRTP master key */
#define MCX_SRTP_SALT_BYTES 12   /**< SRTP master salt (AEAD_AES_128_GCM) */
#define MCX_MKI_MAX 8

/** CS-ID values (TS 33.180 Table E.1.3-1, digest §3.3). */
enum mcx_cs_id {
    MCX_CS_PRIVATE_INIT = 0, MCX_CS_PRIVATE_RESP = 1, MCX_CS_VIDEO_PRIVATE_INIT = 2,
    MCX_CS_VIDEO_PRIVATE_RESP = 3, MCX_CS_GROUP = 4, MCX_CS_VIDEO_GROUP = 5, MCX_CS_CSK = 6,
    MCX_CS_MUSIK = 7, MCX_CS_VIDEO_CSK = 8, MCX_CS_VIDEO_MUSIK = 9,
};

/**
 * SRTP master key (16) and master salt (12) from a 16-octet TGK (GMK, PCK, CSK, MuSiK, GSK):
 * PRF-HMAC-SHA-256(tgk, const || cs_id || csb_id || rand) with the TEK and salt constants.
 * csb_id: the GUK-ID of the transmitting member for a GMK, the PCK-ID / CSK-ID / MuSiK-ID / GSK-ID
 * otherwise; rand: the RAND of the MIKEY message that carried the key (rand_len 1..255).
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_srtp_master(const uint8_t tgk[MCX_KEY_BYTES], uint8_t cs_id,
                                               uint32_t csb_id, const uint8_t *rand, size_t rand_len,
                                               uint8_t key[MCX_SRTP_KEY_BYTES],
                                               uint8_t salt[MCX_SRTP_SALT_BYTES]);

/**
 * MKI for SRTP: 4 octets key_id (PCK-ID, CSK-ID, MuSiK-ID, GSK-ID) when guk_id is NULL, else
 * 8 octets GMK-ID || GUK-ID (group call; the GUK-ID of the transmitting member). Returns the length.
 */
MCX_API size_t mcx_mki(uint32_t key_id, const uint32_t *guk_id, uint8_t mki[MCX_MKI_MAX]);
/** Parse an MKI of 4 or 8 octets. MCX_ERR_LENGTH otherwise. guk_id is 0 for a 4-octet MKI. */
MCX_API MCX_MUST_CHECK mcx_err mcx_mki_parse(const uint8_t *mki, size_t len, uint32_t *key_id,
                                             uint32_t *guk_id);

/** DPCK = 128 LSBs of KDF(DPPK, FC 0x53, P0 = DPPK-ID as 4 octets) (TS 33.180 F.1.5). */
MCX_API MCX_MUST_CHECK mcx_err mcx_dpck(const uint8_t dppk[MCX_KEY_BYTES], uint32_t dppk_id,
                                        uint8_t dpck[MCX_KEY_BYTES]);

/**
 * Signalling-plane keys from an XPK (CSK or SPK) (TS 33.180 F.1.4): FC 0x51 (confidentiality) or
 * 0x52 (integrity), P0 = MC service user ID (URI), P1 = XPK-ID (4 octets); 128 LSBs.
 */
#define MCX_FC_SIG_CONF 0x51
#define MCX_FC_SIG_INT 0x52
MCX_API MCX_MUST_CHECK mcx_err mcx_signalling_key(const uint8_t xpk[MCX_KEY_BYTES], uint32_t xpk_id,
                                                  const char *user_uri, uint8_t fc,
                                                  uint8_t out[MCX_KEY_BYTES]);

/* ---- key parameters (TS 33.180 E.6) ----------------------------------------------------------- */

#define MCX_KEY_STATUS_NOT_REVOKED 0x00000001u /**< bit set = key NOT revoked (E.6.9) */
#define MCX_KEY_STATUS_GATEWAY 0x00000002u     /**< shared with a security gateway */
#define MCX_KEY_PARAMS_TEXT_MAX 255
#define MCX_KEY_PARAMS_MAX_GROUPS 8
#define MCX_KEY_PARAMS_GROUP_MAX 256

/** The Key Parameters payload content (Table E.6.1-1). Times are 5-octet seconds, 0 = unset. */
struct mcx_key_params {
    uint8_t key_type;      /**< = the purpose tag (GMK 0 ... MuSiK 6) */
    uint32_t status;       /**< MCX_KEY_STATUS_* bits */
    uint64_t activation;   /**< NTP seconds (1900 epoch), 40 bits; 0 = not given */
    uint64_t expiry;       /**< NTP seconds, 40 bits; 0 = not given */
    char text[MCX_KEY_PARAMS_TEXT_MAX + 1];
    int has_groups;        /**< Group IDs element present (GMK, MKFC, MuSiK) */
    size_t n_groups;
    char groups[MCX_KEY_PARAMS_MAX_GROUPS][MCX_KEY_PARAMS_GROUP_MAX];
};

/** Encode the Key Parameters content. *out_len: in capacity, out used. */
MCX_API MCX_MUST_CHECK mcx_err mcx_key_params_encode(const struct mcx_key_params *kp, uint8_t *out,
                                                     size_t *out_len);
/** Decode (strict: every length checked, no trailing octets). MCX_ERR_MIKEY_PARAMS when malformed. */
MCX_API MCX_MUST_CHECK mcx_err mcx_key_params_decode(const uint8_t *in, size_t len,
                                                     struct mcx_key_params *kp);

/**
 * Protect Key Parameters as the MCData protected payload of TS 33.180 §8.5.4 / E.6 (General
 * Extension type 7 data): 0x43 | date/time(5) | payload ID(4)=0 | seq(1)=0 | alg(1)=1 (AES-128-GCM)
 * | IV(16) | DPPK-ID(4) | 0x00 | len(2) | AES-GCM(DPCK, IV, AAD = the 32 header octets).
 * iv: 16 octets or NULL for random. date_ntp: header date/time (NTP seconds, 40 bits).
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_key_params_seal(const uint8_t dppk[MCX_KEY_BYTES], uint32_t dppk_id,
                                                   const struct mcx_key_params *kp, uint64_t date_ntp,
                                                   const uint8_t *iv, uint8_t *out, size_t *out_len);
/** Open a protected Key Parameters payload. MCX_ERR_VERIFY when the tag fails; MCX_ERR_MIKEY_PARAMS
 *  when malformed or the DPPK-ID differs. */
MCX_API MCX_MUST_CHECK mcx_err mcx_key_params_open(const uint8_t dppk[MCX_KEY_BYTES], uint32_t dppk_id,
                                                   const uint8_t *in, size_t len,
                                                   struct mcx_key_params *kp);

#ifdef __cplusplus
}
#endif
#endif
