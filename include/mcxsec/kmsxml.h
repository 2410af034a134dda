/*
 * mcxsec/kmsxml.h — the TS 33.180 Annex D key documents (namespace urn:3gpp:ns:mcsecKMSInterface:1.0):
 * a KMS certificate (`KmsCertificate`) and user key sets (`KmsKeySet`), read standalone or inside a
 * `KmsResponse` (`KmsInit` / `KmsKeyProv` / `KmsCertCache`), and written as standalone documents.
 * These documents are mcxsec's key files: the KMS serves them and every tool reads them.
 *
 * Parsing uses libxml2 with network access, DTD loading and entity expansion disabled, and a size
 * limit (MCX_KMSXML_MAX_BYTES). Keys are hexBinary (either case accepted, lowercase written).
 */
#ifndef MCXSEC_KMSXML_H
#define MCXSEC_KMSXML_H
#include <stddef.h>
#include <stdint.h>
#include "eccsi.h"
#include "err.h"
#include "sakke.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MCX_KMSXML_NS "urn:3gpp:ns:mcsecKMSInterface:1.0"
#define MCX_KMSXML_MAX_BYTES (1024 * 1024)
#define MCX_URI_MAX 256      /* including the terminating NUL */
#define MCX_KMS_MAX_DOMAINS 8

enum mcx_kms_role { MCX_KMS_ROLE_ROOT = 0, MCX_KMS_ROLE_EXTERNAL = 1 };

/** A KMS certificate (Annex D KmsCertificateType). Optional strings are "" when absent. */
struct mcx_kms_cert {
    enum mcx_kms_role role;         /**< attribute Role */
    int is_security_gateway;        /**< attribute IsSecurityGateway: 0/1, or -1 when absent */
    char version[16];               /**< attribute Version ("1.0.0" when written) */
    char cert_uri[MCX_URI_MAX];     /**< CertUri (optional) */
    char kms_uri[MCX_URI_MAX];      /**< KmsUri: the security domain (MIKEY IDRkms value) */
    char issuer[MCX_URI_MAX];       /**< Issuer (optional) */
    int64_t valid_from;             /**< ValidFrom as Unix seconds, or INT64_MIN when absent */
    int64_t valid_to;               /**< ValidTo as Unix seconds, or INT64_MIN when absent */
    int revoked;                    /**< Revoked (absent = 0) */
    char user_id_format[16];        /**< UserIdFormat ("2" = the TS 33.180 F.2.1 hashed UID) */
    uint64_t user_key_period;       /**< UserKeyPeriod, seconds */
    uint64_t user_key_offset;       /**< UserKeyOffset, seconds */
    uint8_t pub_enc_key[MCX_SAKKE_POINT_BYTES];  /**< PubEncKey: SAKKE Z */
    uint8_t pub_auth_key[MCX_ECCSI_POINT_BYTES]; /**< PubAuthKey: ECCSI KPAK */
    unsigned parameter_set;         /**< ParameterSet (absent = 1) */
    size_t n_domains;               /**< KmsDomainList entries */
    char domains[MCX_KMS_MAX_DOMAINS][MCX_URI_MAX];
};

/** A user key set (Annex D KmsKeySetType). Holds secrets: wipe with mcx_wipe after use. */
struct mcx_kms_keyset {
    char kms_uri[MCX_URI_MAX];      /**< KmsUri */
    char cert_uri[MCX_URI_MAX];     /**< CertUri (optional) */
    char issuer[MCX_URI_MAX];       /**< Issuer (optional) */
    char user_uri[MCX_URI_MAX];     /**< UserUri: the MC service ID, group or server URI */
    uint8_t user_id[32];            /**< UserID: the MIKEY-SAKKE UID (read as hex or base64, written as hex) */
    uint64_t key_period_no;         /**< KeyPeriodNo */
    int64_t valid_from;             /**< ValidFrom (Unix seconds) or INT64_MIN */
    int64_t valid_to;               /**< ValidTo (Unix seconds) or INT64_MIN */
    int revoked;                    /**< Revoked (absent = 0) */
    uint8_t rsk[MCX_SAKKE_POINT_BYTES];    /**< UserDecryptKey: SAKKE RSK */
    uint8_t ssk[MCX_ECCSI_SCALAR_BYTES];   /**< UserSigningKeySSK: ECCSI SSK */
    uint8_t pvt[MCX_ECCSI_POINT_BYTES];    /**< UserPubTokenPVT: ECCSI PVT */
};

/**
 * Read the first KmsCertificate of a document: a standalone KmsCertificate (or SignedKmsCertificate),
 * or one inside KmsResponse/KmsMessage/KmsInit. MCX_ERR_XML for malformed XML or a schema violation
 * (missing mandatory element, wrong namespace, bad hexBinary or key length), MCX_ERR_NOT_FOUND when the
 * document holds no certificate, MCX_ERR_LIMIT when larger than MCX_KMSXML_MAX_BYTES.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_kmsxml_read_cert(const char *xml, size_t len,
                                                    struct mcx_kms_cert *out);

/**
 * Read every KmsCertificate of a KmsCertCache (or of any document, in order) into out[0..*n).
 * *n: in capacity, out count (MCX_ERR_BUFFER_SMALL if more than the capacity). *cache_num receives the
 * CacheNum attribute when present (else 0); may be NULL.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_kmsxml_read_certs(const char *xml, size_t len,
                                                     struct mcx_kms_cert *out, size_t *n,
                                                     uint64_t *cache_num);

/**
 * Read the KmsKeySets of a document (a standalone KmsKeySet, or KmsResponse/KmsMessage/KmsKeyProv with
 * 0..n sets) into out[0..*n). *n: in capacity, out count. Key lengths are checked (RSK 257, SSK 32,
 * PVT 65 octets; UserID 32 octets); keys are NOT cryptographically validated here (the caller does, with
 * mcx_eccsi_validate / mcx_sakke_validate_rsk). On error nothing secret is left in out.
 * Key elements in the TrK-wrapped form (xsi:type EncKeyContentType, an xenc child element) give
 * MCX_ERR_UNSUPPORTED. With MCX_ERR_BUFFER_SMALL, *n reports how many sets the document holds.
 * UserID is accepted as 64 hex digits or as base64 of 32 octets; times in any xsd:dateTime zone.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_kmsxml_read_keysets(const char *xml, size_t len,
                                                       struct mcx_kms_keyset *out, size_t *n);

/** Write a standalone KmsCertificate document (UTF-8, with XML declaration). Free with mcx_kmsxml_free. */
MCX_API MCX_MUST_CHECK mcx_err mcx_kmsxml_write_cert(const struct mcx_kms_cert *c, char **xml,
                                                     size_t *len);

/** Write a standalone KmsKeySet document. Free with mcx_kmsxml_free (it wipes: the text holds keys). */
MCX_API MCX_MUST_CHECK mcx_err mcx_kmsxml_write_keyset(const struct mcx_kms_keyset *k, char **xml,
                                                       size_t *len);

/** Wipe and free a document returned by an mcx_kmsxml_write_* function (NULL is a no-op). */
MCX_API void mcx_kmsxml_free(char *xml, size_t len);

/** Initialise a certificate with defaults: Role Root, Version "1.0.0", UserIdFormat "2", ParameterSet 1,
 *  absent times (INT64_MIN), IsSecurityGateway absent. */
MCX_API void mcx_kms_cert_init(struct mcx_kms_cert *c);
/** Initialise a key set (all zero, absent times INT64_MIN). */
MCX_API void mcx_kms_keyset_init(struct mcx_kms_keyset *k);

#ifdef __cplusplus
}
#endif
#endif
