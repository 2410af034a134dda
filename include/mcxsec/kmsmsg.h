/*
 * mcxsec/kmsmsg.h — the TS 33.180 Annex D request/response envelopes (namespace
 * urn:3gpp:ns:mcsecKMSInterface:1.0): parsing and writing a KmsRequest (D.2.2, Table D.2.2-1), and
 * writing / reading a KmsResponse (D.3, Table D.3.1-1) carrying a KmsInit, KmsKeyProv or
 * KmsCertCache message, or a KmsError.
 *
 * The key documents inside a message (KmsCertificate, KmsKeySet) are written by the kmsxml module
 * (mcxsec/kmsxml.h) and handed to the envelope writer as serialised documents, which it embeds; a
 * client reads them back with mcx_kmsxml_read_cert(s) / mcx_kmsxml_read_keysets on the whole
 * response. Parsing uses libxml2 with network access, DTDs and entity substitution disabled; any
 * document carrying a DTD is refused (no entity-expansion or external-entity attack surface), and
 * documents above MCX_KMSMSG_MAX_BYTES are refused with MCX_ERR_LIMIT.
 */
#ifndef MCXSEC_KMSMSG_H
#define MCXSEC_KMSMSG_H
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MCX_KMSMSG_NS "urn:3gpp:ns:mcsecKMSInterface:1.0"
/** mcxsec's vendor-extension namespace (Annex D.1 asks extensions to use another namespace). */
#define MCX_KMSMSG_EXT_NS "urn:mcxsec:kms-ext:1"
#define MCX_KMSMSG_MAX_BYTES (64 * 1024)
#define MCX_KMSMSG_URI_MAX 256
#define MCX_KMSMSG_URL_MAX 1024

/** A KmsRequest (Rel-17 Table D.2.2-1). Optional strings are "" when absent. */
struct mcx_kms_request {
    char user_uri[MCX_KMSMSG_URI_MAX];
    char kms_uri[MCX_KMSMSG_URI_MAX];
    int64_t time;                       /**< Time, Unix seconds */
    char client_id[MCX_KMSMSG_URI_MAX];
    char device_id[MCX_KMSMSG_URI_MAX];
    char client_req_url[MCX_KMSMSG_URL_MAX];
    int has_client_error;
    int64_t client_error_code;
    char client_error_msg[MCX_KMSMSG_URI_MAX];
    /** mcxsec extension (ext:ExternalDomainUse): the KMS URI of an external domain this client
     *  used, reported to its home KMS (TR 33.880 MCSEC-1.7). "" when absent. */
    char external_domain_used[MCX_KMSMSG_URI_MAX];
};

enum mcx_kms_msg_kind {
    MCX_KMS_MSG_NONE = 0,   /**< no KmsMessage (an error response) */
    MCX_KMS_MSG_INIT = 1,   /**< KmsInit: the Root KMS certificate */
    MCX_KMS_MSG_KEYPROV = 2,/**< KmsKeyProv: 0..n KmsKeySet */
    MCX_KMS_MSG_CERTCACHE = 3, /**< KmsCertCache: 0..n KmsCertificate, CacheNum */
};

/** The header fields of a KmsResponse (Table D.3.1-1) and, when read, its error / cache number. */
struct mcx_kms_response {
    char user_uri[MCX_KMSMSG_URI_MAX];
    char kms_uri[MCX_KMSMSG_URI_MAX];
    int64_t time;
    char kms_id[MCX_KMSMSG_URI_MAX];    /**< optional */
    char client_req_url[MCX_KMSMSG_URL_MAX];
    enum mcx_kms_msg_kind kind;         /**< set by the reader */
    uint64_t cache_num;                 /**< KmsCertCache@CacheNum, set by the reader */
    size_t n_items;                     /**< certificates or key sets in the message (reader) */
    int has_error;                      /**< KmsError present (reader) */
    int64_t error_code;
    char error_msg[MCX_KMSMSG_URI_MAX];
};

/**
 * Parse a KmsRequest (optionally wrapped in SignedKmsRequest; the signature is not checked here).
 * Version must be "1.1.0"; UserUri, KmsUri, Time, ClientReqUrl are mandatory and in schema order.
 * Errors: MCX_ERR_LIMIT (too large), MCX_ERR_XML (malformed, DTD present, wrong namespace/order,
 * missing field, over-long value), MCX_ERR_ARG.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_kmsmsg_read_request(const char *xml, size_t len,
                                                       struct mcx_kms_request *out);

/** Write a KmsRequest document. Free with mcx_kmsmsg_free. */
MCX_API MCX_MUST_CHECK mcx_err mcx_kmsmsg_write_request(const struct mcx_kms_request *r, char **xml,
                                                        size_t *len);

/**
 * Write a KmsResponse whose KmsMessage is `kind`, embedding n_docs serialised key documents
 * (KmsCertificate for INIT / CERTCACHE, KmsKeySet for KEYPROV) in order. cache_num is used for
 * CERTCACHE only. The embedded documents may hold secrets: the result is wiped by mcx_kmsmsg_free.
 * MCX_ERR_XML if an embedded document is malformed or not the expected element.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_kmsmsg_write_response(const struct mcx_kms_response *hdr,
                                                         enum mcx_kms_msg_kind kind,
                                                         const char *const *docs,
                                                         const size_t *doc_lens, size_t n_docs,
                                                         uint64_t cache_num, char **xml,
                                                         size_t *len);

/** Write a KmsResponse carrying KmsError (ErrorCode, ErrorMsg) and no KmsMessage. */
MCX_API MCX_MUST_CHECK mcx_err mcx_kmsmsg_write_error(const struct mcx_kms_response *hdr,
                                                      int64_t code, const char *msg, char **xml,
                                                      size_t *len);

/**
 * Read the envelope of a KmsResponse (client side): header fields, which message it carries, the
 * number of items, CacheNum, and KmsError. Same hardening and errors as mcx_kmsmsg_read_request;
 * the size limit is MCX_KMSMSG_MAX_RESPONSE_BYTES.
 */
#define MCX_KMSMSG_MAX_RESPONSE_BYTES (4 * 1024 * 1024)
MCX_API MCX_MUST_CHECK mcx_err mcx_kmsmsg_read_response(const char *xml, size_t len,
                                                        struct mcx_kms_response *out);

/** Wipe and free a document returned by an mcx_kmsmsg_write_* function (NULL is a no-op). */
MCX_API void mcx_kmsmsg_free(char *xml, size_t len);


#ifdef __cplusplus
}
#endif
#endif
