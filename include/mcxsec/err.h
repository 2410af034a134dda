/*
 * mcxsec/err.h — error codes and API attributes shared by every mcxsec module.
 *
 * Every fallible function returns mcx_err; MCX_OK is 0. Codes are stable (their numbers appear in
 * logs and in the CLI's --json output), so new codes are only ever appended inside their range.
 * The error model is STYLE.md §2 (no protocol clause); RFC 6507/6508 failure cases map to the
 * 20..39 range.
 */
#ifndef MCXSEC_ERR_H
#define MCXSEC_ERR_H

#if defined(MCX_BUILDING_LIB)
#define MCX_API __attribute__((visibility("default")))
#else
#define MCX_API
#endif
#define MCX_MUST_CHECK __attribute__((warn_unused_result))

#ifdef __cplusplus
extern "C" {
#endif

typedef enum mcx_err {
    MCX_OK = 0,
    /* generic (1..19) */
    MCX_ERR_ARG = 1,          /**< NULL pointer or otherwise unusable argument */
    MCX_ERR_NOMEM = 2,        /**< allocation failed */
    MCX_ERR_DECODE = 3,       /**< malformed encoding */
    MCX_ERR_VERIFY = 4,       /**< a signature, MAC or cryptographic check failed */
    MCX_ERR_BUFFER_SMALL = 5, /**< output buffer too small; the needed size was reported */
    MCX_ERR_INTERNAL = 6,     /**< a backend (OpenSSL, libxml2, ...) failed unexpectedly */
    MCX_ERR_RNG = 7,          /**< the random generator failed */
    MCX_ERR_UNSUPPORTED = 8,  /**< valid but unsupported (algorithm, parameter set, version) */
    MCX_ERR_LENGTH = 9,       /**< an input has the wrong length */
    MCX_ERR_NOT_FOUND = 10,   /**< no such key, identity or record */
    MCX_ERR_IO = 11,          /**< a file or socket operation failed (tools and services) */
    MCX_ERR_STATE = 12,       /**< call not valid in the object's current state */
    MCX_ERR_SELFTEST = 13,    /**< a known-answer self-test failed (mcx_selftest) */
    /* crypto inputs (20..39) */
    MCX_ERR_EMPTY_ID = 20,      /**< the identifier is empty */
    MCX_ERR_POINT_FORMAT = 21,  /**< a point is not 0x04 || x || y */
    MCX_ERR_POINT_RANGE = 22,   /**< a point coordinate is >= p */
    MCX_ERR_NOT_ON_CURVE = 23,  /**< a point is not on the curve (or not in the prime-order subgroup) */
    MCX_ERR_INFINITY = 24,      /**< a point is the point at infinity */
    MCX_ERR_SCALAR_RANGE = 25,  /**< a scalar (r, s, SSK, z, KSAK) is zero or >= the group order */
    MCX_ERR_KEY_INVALID = 26,   /**< a received private key (SSK/PVT, RSK) failed validation */
    MCX_ERR_SAKKE_CHECK = 27,   /**< SAKKE decapsulation: the recomputed R differs (RFC 6508 §6.2.2 step 5) */
    /* MIKEY (40..69) */
    MCX_ERR_MIKEY_PAYLOAD = 40,  /**< a required payload is missing, duplicated or out of order */
    MCX_ERR_MIKEY_IDENTITY = 41, /**< the responder is not the local identity, or the initiator is unknown */
    MCX_ERR_MIKEY_KMS = 42,      /**< a KMS identity is not known or not permitted */
    MCX_ERR_MIKEY_TIME = 43,     /**< T is outside the accepted window */
    MCX_ERR_MIKEY_REPLAY = 44,   /**< (RAND, T) was seen before */
    MCX_ERR_MIKEY_PURPOSE = 45,  /**< the key's purpose tag is not what the caller expects */
    MCX_ERR_MIKEY_PARAMS = 46,   /**< the key-parameter payload is malformed or inconsistent */
    MCX_ERR_MIKEY_SIGNER = 47,   /**< the signer is not acceptable for this message */
    MCX_ERR_MIKEY_EXPIRED = 48,  /**< the key's expiry time (key parameters) has passed */
    MCX_ERR_MIKEY_NOT_ACTIVE = 49, /**< the key's activation time (key parameters) is ahead */
    MCX_ERR_MIKEY_REPLAY_FULL = 50, /**< the replay cache holds only entries still in the window */
    /* KMS / services (70..99) */
    MCX_ERR_AUTH = 70,      /**< the requester is not authenticated */
    MCX_ERR_FORBIDDEN = 71, /**< the requester may not have this */
    MCX_ERR_REVOKED = 72,   /**< the identity or key is revoked */
    MCX_ERR_DB = 73,        /**< the database failed */
    MCX_ERR_LIMIT = 74,     /**< a size or rate limit was exceeded */
    MCX_ERR_XML = 75,       /**< an XML document is malformed or does not follow the schema */
} mcx_err;

/** Short, static, human-readable description of an error code (never NULL). */
MCX_API const char *mcx_strerror(mcx_err e);
/** Stable symbolic name of an error code, e.g. "MCX_ERR_VERIFY" (never NULL). */
MCX_API const char *mcx_errname(mcx_err e);

#ifdef __cplusplus
}
#endif
#endif
