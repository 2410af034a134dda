/*
 * mcxsec/mikey.h — MIKEY for MCX:
 *   1. a strict, zero-copy codec for every MIKEY payload MCX uses (RFC 3830, RFC 6043, RFC 6509,
 *      TS 33.180 Annex E);
 *   2. MIKEY-SAKKE I_MESSAGEs (RFC 6509 + TS 33.180 Annex E) for every MCX key purpose: create and
 *      process, with all receiver checks (signature, identities, KMS, time window, replay,
 * purpose);
 *   3. GSK messages for direct-mode groups: RFC 3830 pre-shared-key I_MESSAGEs under the GMK,
 *      optionally ECCSI-signed (format defined in docs/gsk-format.md).
 * Formats and field meanings: docs/mikey.md. The library does no I/O.
 */
#ifndef MCXSEC_MIKEY_H
#define MCXSEC_MIKEY_H
#include <stddef.h>
#include <stdint.h>

#include "eccsi.h"
#include "err.h"
#include "keys.h"
#include "kmsxml.h"
#include "sakke.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ================================ 1. codec =======================================================
 */

#define MCX_MIKEY_MAX_MSG 8192    /**< longest message accepted or produced */
#define MCX_MIKEY_MAX_PAYLOADS 24 /**< payloads after HDR */
#define MCX_MIKEY_MAX_CS 8        /**< crypto sessions in the HDR CS ID map */
#define MCX_MIKEY_MAX_POLICIES 8  /**< policy numbers per GENERIC-ID crypto session */
#define MCX_MIKEY_MAX_ID 1024     /**< longest IDR / ID value */
#define MCX_MIKEY_MAX_GEXT 2048   /**< longest General Extension data */

/** Payload type numbers ("next payload", RFC 3830 §6.1, RFC 6043, RFC 6509). */
enum mcx_mikey_pt {
    MCX_MIKEY_PT_LAST = 0,
    MCX_MIKEY_PT_KEMAC = 1,
    MCX_MIKEY_PT_SIGN = 4,
    MCX_MIKEY_PT_T = 5,
    MCX_MIKEY_PT_ID = 6,
    MCX_MIKEY_PT_V = 9,
    MCX_MIKEY_PT_SP = 10,
    MCX_MIKEY_PT_RAND = 11,
    MCX_MIKEY_PT_ERR = 12,
    MCX_MIKEY_PT_IDR = 14,
    MCX_MIKEY_PT_GEXT = 21,
    MCX_MIKEY_PT_SAKKE = 26,
};

/** HDR data types (RFC 3830 §6.1, RFC 6509 §4.1). */
enum mcx_mikey_data_type {
    MCX_MIKEY_DT_PSK_INIT = 0,
    MCX_MIKEY_DT_PSK_RESP = 1,
    MCX_MIKEY_DT_ERROR = 6,
    MCX_MIKEY_DT_SAKKE = 26,
};

/** CS ID map types: SRTP-ID (RFC 3830), empty (RFC 4738), GENERIC-ID (RFC 6043 §6.1.1). */
enum mcx_mikey_map { MCX_MIKEY_MAP_SRTP = 0, MCX_MIKEY_MAP_EMPTY = 1, MCX_MIKEY_MAP_GENERIC = 2 };

/** IDR roles (RFC 6043 §6.6, RFC 6509 §4.4, TS 33.180 E.7). Role 0 marks a plain RFC 3830 ID. */
enum mcx_mikey_role {
    MCX_MIKEY_ROLE_ID = 0,
    MCX_MIKEY_ROLE_I = 1,
    MCX_MIKEY_ROLE_R = 2,
    MCX_MIKEY_ROLE_KMS = 3,
    MCX_MIKEY_ROLE_PSK = 4,
    MCX_MIKEY_ROLE_APP = 5,
    MCX_MIKEY_ROLE_KMSI = 6,
    MCX_MIKEY_ROLE_KMSR = 7,
    MCX_MIKEY_ROLE_UIDI = 8,
    MCX_MIKEY_ROLE_UIDR = 9,
};

/** General Extension types used by MCX (TS 33.180 E.5, E.6). */
#define MCX_MIKEY_GEXT_SAKKE_TO_SELF 6
#define MCX_MIKEY_GEXT_KEY_PARAMS 7

/** KEMAC / V algorithms (RFC 3830 §6.2, RFC 6043 §6.2). */
#define MCX_MIKEY_ENCR_NULL 0
#define MCX_MIKEY_ENCR_AES_CM_128 1
#define MCX_MIKEY_ENCR_AES_KW_128 2
#define MCX_MIKEY_MAC_NULL 0
#define MCX_MIKEY_MAC_HMAC_SHA1_160 1
#define MCX_MIKEY_MAC_HMAC_SHA256_256 2

/** A borrowed byte range (decoding: inside the input message; encoding: caller memory). */
struct mcx_mikey_bytes {
    const uint8_t *p;
    size_t len;
};

/** One crypto session of the HDR CS ID map. */
struct mcx_mikey_cs {
    /* GENERIC-ID (RFC 6043 §6.1.1) */
    uint8_t cs_id;
    uint8_t prot_type; /**< 0 = SRTP */
    uint8_t s_flag;    /**< 1: Session Data holds SSRC/ROC/SEQ */
    uint8_t n_policies;
    uint8_t policies[MCX_MIKEY_MAX_POLICIES];
    struct mcx_mikey_bytes session_data; /**< <= 65535 octets */
    struct mcx_mikey_bytes spi;          /**< <= 255 octets (MCX: the MKI) */
    /* SRTP-ID (RFC 3830 §6.1.1): policy in policies[0] */
    uint32_t ssrc;
    uint32_t roc;
};

/** The common header (RFC 3830 §6.1). */
struct mcx_mikey_hdr {
    uint8_t version;   /**< 1 */
    uint8_t data_type; /**< enum mcx_mikey_data_type */
    uint8_t v;         /**< verification-message flag (0/1) */
    uint8_t prf;       /**< PRF func (7 bits): 0 MIKEY-1, 1 PRF-HMAC-SHA-256 */
    uint32_t csb_id;
    uint8_t map_type; /**< enum mcx_mikey_map */
    uint8_t n_cs;
    struct mcx_mikey_cs cs[MCX_MIKEY_MAX_CS];
};

/** One payload after the HDR. Which member of u is valid depends on type. */
struct mcx_mikey_payload {
    uint8_t type; /**< enum mcx_mikey_pt */
    union {
        struct {
            uint8_t ts_type;
            uint64_t value;
        } t;                         /**< 0/1: 64-bit NTP, 2: 32-bit counter */
        struct mcx_mikey_bytes rand; /**< 16..255 octets */
        struct {
            uint8_t role;
            uint8_t id_type;
            struct mcx_mikey_bytes id;
        } idr; /**< IDR, and ID (role 0) */
        struct {
            uint8_t policy_no;
            uint8_t prot_type;
            struct mcx_mikey_bytes params;
        } sp;
        struct {
            uint8_t params;
            uint8_t id_scheme;
            struct mcx_mikey_bytes data;
        } sakke;
        struct {
            uint8_t type;
            struct mcx_mikey_bytes data;
        } gext;
        struct {
            uint8_t s_type;
            struct mcx_mikey_bytes sig;
        } sign; /**< always the last payload */
        struct {
            uint8_t encr_alg;
            struct mcx_mikey_bytes encr;
            uint8_t mac_alg;
            struct mcx_mikey_bytes mac;
        } kemac;
        struct {
            uint8_t mac_alg;
            struct mcx_mikey_bytes mac;
        } v;
        struct {
            uint8_t err_no;
        } err;
    } u;
};

/** A decoded (or to-be-encoded) MIKEY message. */
struct mcx_mikey_msg {
    struct mcx_mikey_hdr hdr;
    size_t n; /**< payloads in p[] */
    struct mcx_mikey_payload p[MCX_MIKEY_MAX_PAYLOADS];
};

/** Offsets inside an encoded message of the bytes that get a MAC or a signature. */
struct mcx_mikey_layout {
    size_t total;   /**< message length */
    size_t sig_off; /**< first signature octet (RFC 6509: signed data is [0, sig_off)), 0 if none */
    size_t mac_off; /**< first KEMAC MAC octet (MAC input is [0, mac_off)), 0 if none */
};

/**
 * Decode a message. Strict: every length is checked against the remaining input and a protocol
 * maximum; version must be 1; unknown payload types, unknown CS map types (even with #CS = 0),
 * unknown IDR roles (outside 1..9), a SIGN that is not the last octets of the message, a repeated
 * T/RAND/KEMAC/V/SIGN and trailing octets are rejected with MCX_ERR_DECODE (MCX_ERR_MIKEY_PAYLOAD
 * for a repetition, MCX_ERR_LIMIT past the maxima above). The result borrows `in`: it is valid
 * only while `in` is. layout may be NULL.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_mikey_decode(const uint8_t *in, size_t len,
                                                struct mcx_mikey_msg *msg,
                                                struct mcx_mikey_layout *layout);

#define MCX_MIKEY_DECODE_IN_HDR (-1)   /**< payload_type of a failure inside the common header */
#define MCX_MIKEY_DECODE_TRAILING (-2) /**< payload_type of octets after the last payload */

/** Where and why a decode stopped (for dumps and logs; it never holds message octets). */
struct mcx_mikey_decode_error {
    size_t offset;         /**< octet offset of the field that could not be decoded */
    size_t payload_offset; /**< first octet of the payload being decoded (0 for the HDR) */
    int payload_type;      /**< its type (enum mcx_mikey_pt), or MCX_MIKEY_DECODE_IN_HDR /
                                MCX_MIKEY_DECODE_TRAILING */
    const char *reason;    /**< static English text ("RAND shorter than 16 octets"); NULL on
                                success */
};

/**
 * mcx_mikey_decode with the failure explained in *err (may be NULL). On an error msg->n payloads
 * (those before the failing one) are fully decoded and usable, and msg->hdr is decoded unless
 * err->payload_type is MCX_MIKEY_DECODE_IN_HDR; layout is written only on success.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_mikey_decode_ex(const uint8_t *in, size_t len,
                                                   struct mcx_mikey_msg *msg,
                                                   struct mcx_mikey_layout *layout,
                                                   struct mcx_mikey_decode_error *err);

/**
 * Encode a message; the next-payload chain is generated from the order of msg->p. *out_len: in
 * capacity, out used (MCX_ERR_BUFFER_SMALL reports the need). For a byte-exact round trip of a
 * decoded message nothing needs to change. layout may be NULL. The encoder refuses everything the
 * decoder would refuse (MCX_ERR_ARG for a field out of range, MCX_ERR_MIKEY_PAYLOAD for a repeated
 * T/RAND/KEMAC/V/SIGN, MCX_ERR_LIMIT past MCX_MIKEY_MAX_MSG), so decode(encode(x)) == x whenever
 * the encode succeeds.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_mikey_encode(const struct mcx_mikey_msg *msg, uint8_t *out,
                                                size_t *out_len, struct mcx_mikey_layout *layout);

/** Key data sub-payload of a KEMAC (RFC 3830 §6.13). */
struct mcx_mikey_keydata {
    uint8_t type; /**< 0 TGK, 1 TGK+SALT, 2 TEK, 3 TEK+SALT */
    uint8_t kv;   /**< 0 NULL, 1 SPI/MKI, 2 interval */
    struct mcx_mikey_bytes key;
    struct mcx_mikey_bytes salt;   /**< types 1 and 3 only */
    struct mcx_mikey_bytes spi;    /**< kv = 1 */
    struct mcx_mikey_bytes vf, vt; /**< kv = 2 */
};
/** Decode the Encr data of a KEMAC (after decryption) into at most *n key data sub-payloads. */
MCX_API MCX_MUST_CHECK mcx_err mcx_mikey_keydata_decode(const uint8_t *in, size_t len,
                                                        struct mcx_mikey_keydata *kd, size_t *n);
/** Encode key data sub-payloads (chained). *out_len: in capacity, out used. */
MCX_API MCX_MUST_CHECK mcx_err mcx_mikey_keydata_encode(const struct mcx_mikey_keydata *kd,
                                                        size_t n, uint8_t *out, size_t *out_len);

/** Name of a payload type, role, etc. for dumps ("?" when unknown; never NULL). */
MCX_API const char *mcx_mikey_pt_name(unsigned type);
MCX_API const char *mcx_mikey_role_name(unsigned role);
MCX_API const char *mcx_purpose_name(unsigned purpose);
/**
 * Parse a purpose name ("gmk", "pck", "csk", "spk", "mkfc", "mscck", "musik", and the aliases
 * "msk" = musik (TR 33.880's Multicast Signalling Key), "csk-upload" and "csk-download" = csk:
 * upload and key download carry the same tag and differ in who initiates); -1 if unknown.
 */
MCX_API int mcx_purpose_from_name(const char *name);
/**
 * The CS-ID a key of this purpose is used with (TS 33.180 Table E.1.3-1): GMK 4 (MCPTT group
 * call), CSK 6 and MuSiK 7 (SRTCP protection for MCPTT); -1 for a purpose without a single CS-ID
 * in the table (PCK: 0 or 1 per direction of the call; SPK, MKFC, MSCCK: none).
 */
MCX_API int mcx_purpose_cs_id(unsigned purpose);

/* ============================ 2. MIKEY-SAKKE I_MESSAGE
 * ============================================ */

/**
 * A MIKEY-SAKKE context: the local identity's KMS community (certificate, verifier cache, SAKKE
 * public tables), its key sets (one per key period; RSK lines precomputed, signer loaded), other
 * permitted KMSs, the replay cache and the accepted clock skew. Create once and reuse for every
 * message. Create and process functions are thread-safe on one context, but the usual pattern for
 * parallel work is one context per thread.
 */
typedef struct mcx_mikey_ctx mcx_mikey_ctx;

#define MCX_MIKEY_DEFAULT_WINDOW 300  /**< seconds of accepted |T - now| */
#define MCX_MIKEY_DEFAULT_REPLAY 4096 /**< (RAND, T) pairs remembered */
#define MCX_MIKEY_MAX_KEYSETS 4
#define MCX_MIKEY_MAX_KMS 8

/**
 * New context for the local identity described by `cert` (its home KMS). Validates the
 * certificate's Z and KPAK. Errors: MCX_ERR_ARG, MCX_ERR_NOMEM, point errors.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_mikey_ctx_new(mcx_mikey_ctx **out,
                                                 const struct mcx_kms_cert *cert);
/** Wipe and free (NULL is a no-op). */
MCX_API void mcx_mikey_ctx_free(mcx_mikey_ctx *ctx);
/**
 * Add one of the local identity's key sets (its KMS must be the context's home KMS). The SSK/PVT
 * are validated against KPAK and the RSK against Z for the key set's UID (a pairing: done once
 * here). Errors: MCX_ERR_MIKEY_KMS (other KMS), MCX_ERR_KEY_INVALID, MCX_ERR_LIMIT (more than
 * MCX_MIKEY_MAX_KEYSETS). The context copies what it needs; wipe your copy.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_mikey_ctx_add_keyset(mcx_mikey_ctx *ctx,
                                                        const struct mcx_kms_keyset *ks);
/** Permit another KMS (an External certificate) as initiator/responder community. */
MCX_API MCX_MUST_CHECK mcx_err mcx_mikey_ctx_add_kms(mcx_mikey_ctx *ctx,
                                                     const struct mcx_kms_cert *cert);
/**
 * Accepted clock skew in seconds (default MCX_MIKEY_DEFAULT_WINDOW): |T - now| for I_MESSAGEs, and
 * the tolerance applied to key activation and expiry times. Configure before use (not meant to be
 * changed while other threads process messages on the context).
 */
MCX_API void mcx_mikey_ctx_set_window(mcx_mikey_ctx *ctx, uint32_t seconds);
/**
 * Replay-cache capacity (default MCX_MIKEY_DEFAULT_REPLAY; clears the cache). The cache never
 * forgets a (RAND, T) whose T could still be accepted: when it is full of such entries a new
 * message is refused with MCX_ERR_MIKEY_REPLAY_FULL, so size it for the message rate times twice
 * the window. Only when full does it forget entries, those whose T is more than the window older
 * than the latest `now` of an accepted message; from then on a message with a T as old as those
 * is refused as stale (MCX_ERR_MIKEY_TIME) even if the window is widened later, so a forgotten
 * (RAND, T) is never accepted again.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_mikey_ctx_set_replay_capacity(mcx_mikey_ctx *ctx, size_t n);
/**
 * 1: accept keys whose key parameters give an activation time still ahead (a rekey delivered in
 * advance, digest §2.4); they are returned with res->pending = 1 and must not be used before
 * res->params.activation. 0 (default): such messages are refused with MCX_ERR_MIKEY_NOT_ACTIVE.
 */
MCX_API void mcx_mikey_ctx_set_accept_pending(mcx_mikey_ctx *ctx, int accept);

/** What to create. Strings are borrowed for the call. */
struct mcx_mikey_create_args {
    enum mcx_purpose purpose;     /**< GMK, PCK, CSK, MKFC, MSCCK, MUSIK (and SPK) */
    const char *responder_uri;    /**< receiving user / MDSI / member URI */
    const char *responder_kms;    /**< responder's KMS URI: the home KMS or one added with
                                       mcx_mikey_ctx_add_kms; NULL = the home KMS */
    const uint8_t *key;           /**< 16 octets, or NULL for a fresh random key */
    uint32_t key_id;              /**< full key ID (purpose tag in the 4 MSBs), or 0 for random */
    int64_t now;                  /**< Unix seconds for T (and the key periods) */
    int hide_identities;          /**< 1: IDRuidi/IDRuidr (roles 8/9) instead of URIs (E.7) */
    int include_params;           /**< 1: add the encrypted key-parameter extension (E.6) */
    struct mcx_key_params params; /**< used when include_params */
    uint8_t cs_id;                /**< crypto session id for the GENERIC-ID map (GMK 4, CSK 6...) */
    int no_cs;                    /**< 1: #CS = 0, empty map (PCK default) */
    int sakke_to_self;            /**< 1: add General Extension 6 (E.5): the key encapsulated
                                       again to the initiator's own UID, for its other devices */
};

/** Everything a processed message yields. Holds the key: wipe after use. */
struct mcx_mikey_result {
    enum mcx_purpose purpose;
    uint8_t key[MCX_SAKKE_SSV_BYTES];
    uint32_t key_id; /**< GMK-ID for GMK (recovered from the GUK-ID), else the CSB-ID */
    uint32_t csb_id; /**< as sent (the GUK-ID for a GMK) */
    uint8_t rand[255];
    size_t rand_len;
    uint64_t t_ntp;                  /**< T payload value (NTP 32.32) */
    uint8_t cs_id;                   /**< first crypto session's id, or 0xFF when #CS = 0 */
    char initiator_uri[MCX_URI_MAX]; /**< "" when hidden (role 8) */
    uint8_t initiator_uid[32];
    int has_params;
    struct mcx_key_params params;
    int pending; /**< 1: accepted before params.activation (mcx_mikey_ctx_set_accept_pending) */
};

/**
 * Create an I_MESSAGE from the context's identity (initiator) with the key set in force at
 * args->now: HDR (data type 26, V 0, PRF 1, CSB-ID = GUK-ID for GMK else key ID), T (NTP-UTC), RAND
 * (16 random octets), IDRi/IDRr (URIs, or UIDs with roles 8/9), IDRkmsi/IDRkmsr, SP (the TS 33.180
 * default SRTP profile) when #CS > 0, SAKKE (key encapsulated to the responder UID), optional key
 * parameters (General Extension 7, encrypted under the DPCK), SIGN (ECCSI over everything before
 * the signature). *out_len: in capacity, out used. The generated key (when args->key is NULL), the
 * key ID and RAND are returned in *res (may be NULL).
 * Errors: MCX_ERR_NOT_FOUND (no key set for the period), MCX_ERR_ARG, MCX_ERR_BUFFER_SMALL, crypto
 * errors.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_mikey_create(mcx_mikey_ctx *ctx,
                                                const struct mcx_mikey_create_args *args,
                                                uint8_t *out, size_t *out_len,
                                                struct mcx_mikey_result *res);

/** Pass as `expect` to accept any purpose. */
#define MCX_MIKEY_ANY_PURPOSE (-1)

/**
 * Process a received I_MESSAGE at time `now` (Unix seconds), expecting purpose `expect` (or
 * MCX_MIKEY_ANY_PURPOSE). Checks, in order:
 *  1. structure: payload set and order, data type 26, V 0, T NTP-UTC (MCX_ERR_MIKEY_PAYLOAD), PRF
 *     1 (MCX_ERR_UNSUPPORTED);
 *  2. T within the window (MCX_ERR_MIKEY_TIME);
 *  3. IDRkmsr = home KMS and IDRkmsi permitted (MCX_ERR_MIKEY_KMS);
 *  4. a key set for the key period of T (MCX_ERR_NOT_FOUND) and IDRr/IDRuidr = that local
 *     identity (MCX_ERR_MIKEY_IDENTITY);
 *  5. ECCSI signature of the IDRi identity in the key period of T (MCX_ERR_VERIFY);
 *  6. purpose tag of CSB-ID (MCX_ERR_MIKEY_PURPOSE);
 *  7. SAKKE parameter set 1 and ID scheme 2 (MCX_ERR_UNSUPPORTED), decapsulation with its
 *     re-encapsulation check (MCX_ERR_SAKKE_CHECK; point errors such as MCX_ERR_NOT_ON_CURVE for
 *     an R that is not a valid point);
 *  8. key parameters, when present (digest §5.12 step 7): they decrypt, parse and carry the key
 *     type = purpose tag (MCX_ERR_MIKEY_PARAMS); status not revoked (MCX_ERR_REVOKED); now not
 *     past expiry + window (MCX_ERR_MIKEY_EXPIRED); now not before activation - window
 *     (MCX_ERR_MIKEY_NOT_ACTIVE, unless the context accepts pending keys);
 *  9. (RAND, T) not seen before (MCX_ERR_MIKEY_REPLAY; MCX_ERR_MIKEY_REPLAY_FULL or
 *     MCX_ERR_MIKEY_TIME as described at mcx_mikey_ctx_set_replay_capacity; recorded on success
 *     only).
 * `res` is written only on MCX_OK; on every error it is wiped.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_mikey_process(mcx_mikey_ctx *ctx, const uint8_t *msg, size_t len,
                                                 int expect, int64_t now,
                                                 struct mcx_mikey_result *res);

/**
 * Process an I_MESSAGE sent BY the local identity, on another of its devices (TS 33.180 E.5,
 * SAKKE-to-self): the same checks as mcx_mikey_process with the roles swapped — IDRkmsi must be
 * the home KMS and IDRkmsr a permitted one, IDRi/IDRuidi must be the local identity, the signature
 * is the local identity's own — and the key is taken from the SAKKE-to-self General Extension
 * (type 6; MCX_ERR_MIKEY_PAYLOAD when absent). For a GMK the member's URI is needed to recover the
 * GMK-ID from the GUK-ID, so IDRr must then be a URI (MCX_ERR_MIKEY_IDENTITY otherwise).
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_mikey_process_self(mcx_mikey_ctx *ctx, const uint8_t *msg,
                                                      size_t len, int expect, int64_t now,
                                                      struct mcx_mikey_result *res);

/**
 * Identity-hiding post-check (TS 33.180 E.7): once the initiator's URI is learnt by other means
 * (e.g. encrypted signalling), confirm that it is the identity that signed a processed message:
 * UID(uri, initiator's KMS = kms_uri or the home KMS when NULL, key period of res->t_ntp) must
 * equal res->initiator_uid. MCX_OK, or MCX_ERR_MIKEY_IDENTITY; MCX_ERR_MIKEY_KMS for an unknown
 * KMS.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_mikey_check_initiator(const mcx_mikey_ctx *ctx,
                                                         const struct mcx_mikey_result *res,
                                                         const char *uri, const char *kms_uri);

/* ============================ 3. GSK (direct-mode groups)
 * ========================================= */

/** Signer policy for GSK messages: return 1 to accept the signer URI/UID, 0 to reject. */
typedef int (*mcx_gsk_signer_policy)(void *arg, const char *signer_uri, const uint8_t uid[32]);

/** A GMK as a GSK receiver holds it: the key and, when known, its validity (from the key
 *  parameters of the I_MESSAGE that delivered it). */
struct mcx_gsk_gmk {
    uint8_t key[16];
    uint64_t activation; /**< NTP seconds; 0 = not limited */
    uint64_t expiry;     /**< NTP seconds; 0 = not limited */
};
/** GMK lookup for GSK messages: fill *gmk for gmk_id and return MCX_OK, or MCX_ERR_NOT_FOUND. */
typedef mcx_err (*mcx_gsk_gmk_lookup)(void *arg, uint32_t gmk_id, struct mcx_gsk_gmk *gmk);

#define MCX_GSK_DEFAULT_MAX_LIFETIME 86400 /**< longest stated GSK validity accepted (seconds) */

struct mcx_gsk_create_args {
    const uint8_t *gmk; /**< 16 octets */
    uint32_t gmk_id;
    const uint8_t *gsk;    /**< 16 octets, or NULL for a fresh random GSK */
    uint32_t gsk_id;       /**< the MKI carried with the GSK; 0 = random with the GMK purpose tag */
    int64_t now;           /**< Unix seconds for T (the creation time) */
    mcx_mikey_ctx *signer; /**< NULL: unsigned; else the context's identity signs (SIGN payload) */
    const uint8_t *rand;   /**< rand_len octets for reproducible test vectors; NULL = 16 random
                                octets (normal use) */
    size_t rand_len;       /**< 16..255 when rand is given (0 means 16) */
    /** The GSK's stated validity (docs/gsk-format.md), NTP seconds: with expiry != 0 the message
     *  carries a key-parameters extension so that the pre-generated or re-sent offer is accepted
     *  until expiry; activation 0 = from T. expiry 0: no validity stated (accepted +-window). */
    uint64_t activation;
    uint64_t expiry;
};

struct mcx_gsk_result {
    uint8_t gsk[16];
    uint32_t gsk_id;
    uint32_t gmk_id;
    uint8_t rand[255]; /**< the whole RAND: an input of the SRTP master key derivation */
    size_t rand_len;
    uint64_t t_ntp;
    int signed_msg; /**< 1 when a SIGN payload was present and verified */
    char signer_uri[MCX_URI_MAX];
    uint64_t activation; /**< stated validity (NTP seconds), 0 when the message states none */
    uint64_t expiry;
    int pending; /**< 1: accepted before activation (accept_pending) */
};

/** Create a GSK message (docs/gsk-format.md). *out_len: in capacity, out used. res may be NULL. */
MCX_API MCX_MUST_CHECK mcx_err mcx_gsk_create(const struct mcx_gsk_create_args *args, uint8_t *out,
                                              size_t *out_len, struct mcx_gsk_result *res);

struct mcx_gsk_process_args {
    mcx_gsk_gmk_lookup lookup; /**< required */
    void *lookup_arg;
    mcx_mikey_ctx *verifier;      /**< needed to verify a signed message (its permitted KMSs) */
    int require_signature;        /**< 1: reject unsigned messages (MCX_ERR_MIKEY_SIGNER) */
    mcx_gsk_signer_policy policy; /**< NULL = accept any signer that verifies */
    void *policy_arg;
    int64_t now;
    uint32_t window;       /**< clock skew (s); 0 = the verifier's window, else 300 */
    uint32_t max_lifetime; /**< longest stated validity (expiry - T, s) accepted; 0 = 86400 */
    int accept_pending;    /**< 1: accept an offer before its activation (res->pending) */
};

/**
 * Process a GSK message (docs/gsk-format.md, "Receiver"): structure (MCX_ERR_MIKEY_PAYLOAD), T not
 * ahead of now + window and, for a message without stated validity, not older than now - window
 * (MCX_ERR_MIKEY_TIME); the ECCSI signature when present (MCX_ERR_VERIFY; MCX_ERR_MIKEY_SIGNER when
 * the policy rejects the signer or a required signature is missing); the GMK by CSB-ID (the
 * lookup's MCX_ERR_NOT_FOUND) and its validity (MCX_ERR_MIKEY_EXPIRED / MCX_ERR_MIKEY_NOT_ACTIVE);
 * the KEMAC MAC (MCX_ERR_VERIFY); decryption and key data; then the stated validity: it opens
 * and is consistent — expiry given, not before activation, at most max_lifetime after T, not past
 * the GMK's expiry (MCX_ERR_MIKEY_PARAMS) —, the GSK is not revoked (MCX_ERR_REVOKED), now is not
 * past expiry + window (MCX_ERR_MIKEY_EXPIRED) nor before activation - window
 * (MCX_ERR_MIKEY_NOT_ACTIVE unless accept_pending). res is written only on success and wiped
 * otherwise.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_gsk_process(const struct mcx_gsk_process_args *args,
                                               const uint8_t *msg, size_t len,
                                               struct mcx_gsk_result *res);

#ifdef __cplusplus
}
#endif
#endif
