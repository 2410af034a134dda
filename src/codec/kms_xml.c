/*
 * The TS 33.180 Annex D key documents (include/mcxsec/kmsxml.h): KmsCertificate and KmsKeySet, read
 * standalone or inside KmsResponse / KmsMessage / KmsInit / KmsKeyProv / KmsCertCache, and written
 * as standalone documents. Element names, order and types follow the Annex D schema (digest
 * §1.4–§1.6, namespace urn:3gpp:ns:mcsecKMSInterface:1.0).
 *
 * Parsing hardening: libxml2 with XML_PARSE_NONET, no DTD loading, no entity substitution
 * (XML_PARSE_NOENT is deliberately NOT set), any DOCTYPE rejected (before and after parsing), a
 * size cap (MCX_KMSXML_MAX_BYTES), every element name checked together with its namespace, and the
 * schema's element order enforced. Secret key text is decoded with a branch-free hex decoder and
 * every temporary copy is wiped.
 */
#include "mcxsec/kmsxml.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/evp.h>

#include "mcxsec/util.h"

#define KX_TEXT_MAX 1024 /* longest element text we accept (RSK hex is 514 chars) */
#define KX_MAX_DEPTH 8   /* wrapper nesting we follow */
#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

/* ---- libxml2 setup
 * -------------------------------------------------------------------------------- */

static pthread_once_t kx_once = PTHREAD_ONCE_INIT;

static void kx_init(void)
{
    xmlInitParser();
}

/* Error sink: libxml2 must never print from inside the library. */
static void kx_silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* 1 if the ASCII text "<!DOCTYPE" appears anywhere (a cheap pre-check; the parsed tree is checked
 * again for an internal/external subset so other encodings cannot slip through). */
static int kx_has_doctype(const char *xml, size_t len)
{
    static const char pat[] = "<!DOCTYPE";
    const size_t pl = sizeof pat - 1;
    for (size_t i = 0; i + pl <= len; i++) {
        if (xml[i] == '<' && memcmp(xml + i, pat, pl) == 0)
            return 1;
    }
    return 0;
}

static mcx_err kx_parse(const char *xml, size_t len, xmlDocPtr *doc_out)
{
    *doc_out = NULL;
    if (xml == NULL)
        return MCX_ERR_ARG;
    if (len > MCX_KMSXML_MAX_BYTES)
        return MCX_ERR_LIMIT;
    if (len == 0)
        return MCX_ERR_XML;
    if (kx_has_doctype(xml, len))
        return MCX_ERR_XML;
    if (pthread_once(&kx_once, kx_init) != 0)
        return MCX_ERR_INTERNAL;
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (ctxt == NULL)
        return MCX_ERR_NOMEM;
    /* No XML_PARSE_NOENT (entities stay unexpanded), no XML_PARSE_DTDLOAD/DTDATTR/DTDVALID, no
     * XML_PARSE_HUGE (libxml2 keeps its own depth and amplification limits). */
    const int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
    ctxt->sax->error = kx_silent;
    ctxt->sax->warning = kx_silent;
    ctxt->vctxt.error = kx_silent;
    ctxt->vctxt.warning = kx_silent;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, xml, (int)len, "kms.xml", NULL, opts);
    int wf = ctxt->wellFormed;
    xmlFreeParserCtxt(ctxt);
    if (doc == NULL || !wf) {
        xmlFreeDoc(doc);
        return MCX_ERR_XML;
    }
    if (doc->intSubset != NULL || doc->extSubset != NULL) {
        xmlFreeDoc(doc);
        return MCX_ERR_XML;
    }
    *doc_out = doc;
    return MCX_OK;
}

/* ---- node helpers
 * ----------------------------------------------------------------------------------- */

static int kx_in_ns(const xmlNode *n)
{
    return n->ns != NULL && n->ns->href != NULL &&
           strcmp((const char *)n->ns->href, MCX_KMSXML_NS) == 0;
}

static int kx_is(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && kx_in_ns(n) && strcmp((const char *)n->name, name) == 0;
}

static int kx_all_space(const xmlChar *s)
{
    if (s == NULL)
        return 1;
    for (; *s; s++) {
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    }
    return 1;
}

/* Next element sibling starting at n (inclusive). Non-blank text between elements, entity
 * references and anything else unexpected is a schema violation: *bad is set. Comments and PIs are
 * skipped. */
static xmlNode *kx_elem(xmlNode *n, int *bad)
{
    for (; n != NULL; n = n->next) {
        switch (n->type) {
        case XML_ELEMENT_NODE:
            return n;
        case XML_TEXT_NODE:
            if (!kx_all_space(n->content)) {
                *bad = 1;
                return NULL;
            }
            break;
        case XML_COMMENT_NODE:
        case XML_PI_NODE:
            break;
        default:
            *bad = 1;
            return NULL;
        }
    }
    return NULL;
}

/* Element text (text children only, whitespace-collapsed at both ends per the XSD types we use)
 * into buf[cap]. Entity references or child elements make it invalid. The caller wipes buf when
 * the content is secret. */
static mcx_err kx_text(const xmlNode *e, char *buf, size_t cap, size_t *len_out)
{
    size_t len = 0;
    for (const xmlNode *c = e->children; c != NULL; c = c->next) {
        if (c->type == XML_COMMENT_NODE || c->type == XML_PI_NODE)
            continue;
        if (c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE)
            return MCX_ERR_XML;
        size_t l = c->content ? strlen((const char *)c->content) : 0;
        if (l >= cap - len)
            return MCX_ERR_XML;
        memcpy(buf + len, c->content, l);
        len += l;
    }
    buf[len] = '\0';
    size_t a = 0;
    while (a < len && (buf[a] == ' ' || buf[a] == '\t' || buf[a] == '\n' || buf[a] == '\r'))
        a++;
    size_t b = len;
    while (b > a &&
           (buf[b - 1] == ' ' || buf[b - 1] == '\t' || buf[b - 1] == '\n' || buf[b - 1] == '\r'))
        b--;
    if (a > 0)
        memmove(buf, buf + a, b - a);
    buf[b - a] = '\0';
    if (b - a < len)
        mcx_wipe(buf + (b - a) + 1, len - (b - a));
    *len_out = b - a;
    return MCX_OK;
}

static mcx_err kx_string(const xmlNode *e, char *dst, size_t cap, int nonempty)
{
    char buf[KX_TEXT_MAX];
    size_t l;
    mcx_err rc = kx_text(e, buf, sizeof buf, &l);
    if (rc != MCX_OK)
        return rc;
    if (l >= cap || (nonempty && l == 0))
        return MCX_ERR_XML;
    memcpy(dst, buf, l + 1);
    return MCX_OK;
}

/* Branch-free hex digit value: 0..15, or a value with bit 8 set for a non-hex character. */
static unsigned kx_hexval(unsigned char ch)
{
    unsigned c = ch;
    unsigned num = c ^ 48u;                    /* '0'..'9' -> 0..9 */
    unsigned num_ok = ((num - 10u) >> 8) & 1u; /* num < 10 */
    unsigned alpha = (c & ~32u) - 55u;         /* 'A'..'F' / 'a'..'f' -> 10..15 */
    unsigned alpha_ok = (((alpha - 10u) ^ (alpha - 16u)) >> 8) & 1u; /* 10 <= alpha < 16 */
    unsigned ok = num_ok | alpha_ok;
    unsigned v = (num & (0u - num_ok)) | (alpha & (0u - alpha_ok));
    return (v & 15u) | ((ok ^ 1u) << 8);
}

/* hexBinary (either case) of exactly want octets. Constant time in the digits (keys are secret). */
static mcx_err kx_hex(const xmlNode *e, uint8_t *out, size_t want)
{
    char buf[KX_TEXT_MAX];
    size_t l;
    mcx_err rc = kx_text(e, buf, sizeof buf, &l);
    if (rc != MCX_OK)
        goto out;
    if (l != 2 * want) {
        rc = MCX_ERR_XML;
        goto out;
    }
    unsigned bad = 0;
    for (size_t i = 0; i < want; i++) {
        unsigned hi = kx_hexval((unsigned char)buf[2 * i]);
        unsigned lo = kx_hexval((unsigned char)buf[2 * i + 1]);
        bad |= (hi | lo) & 0x100u;
        out[i] = (uint8_t)(((hi & 15u) << 4) | (lo & 15u));
    }
    if (bad) {
        mcx_wipe(out, want);
        rc = MCX_ERR_XML;
    }
out:
    mcx_wipe(buf, sizeof buf);
    return rc;
}

/* Key content (abstractKeyContentType): the plain form is hexBinary text. The wrapped form
 * (EncKeyContentType: an xenc:EncryptedKey child, TrK-protected delivery) is valid Annex D but not
 * handled by this reader: MCX_ERR_UNSUPPORTED. */
static mcx_err kx_key(const xmlNode *e, uint8_t *out, size_t want)
{
    for (const xmlNode *c = e->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE)
            return MCX_ERR_UNSUPPORTED;
    }
    xmlChar *t = xmlGetNsProp(e, (const xmlChar *)"type", (const xmlChar *)XSI_NS);
    if (t != NULL) {
        const char *v = (const char *)t;
        const char *colon = strchr(v, ':');
        const char *local = colon ? colon + 1 : v;
        int enc = strcmp(local, "EncKeyContentType") == 0;
        int plain = strcmp(local, "KeyContentType") == 0;
        xmlFree(t);
        if (enc)
            return MCX_ERR_UNSUPPORTED;
        if (!plain)
            return MCX_ERR_XML;
    }
    return kx_hex(e, out, want);
}

static mcx_err kx_u64_str(const char *s, uint64_t *out)
{
    if (*s == '+')
        s++;
    if (*s == '\0')
        return MCX_ERR_XML;
    uint64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return MCX_ERR_XML;
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return MCX_ERR_XML;
        v = v * 10 + d;
    }
    *out = v;
    return MCX_OK;
}

static mcx_err kx_u64(const xmlNode *e, uint64_t *out)
{
    char buf[64];
    size_t l;
    mcx_err rc = kx_text(e, buf, sizeof buf, &l);
    if (rc != MCX_OK)
        return rc;
    return kx_u64_str(buf, out);
}

static mcx_err kx_bool_str(const char *s, int *out)
{
    if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
        *out = 1;
    else if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
        *out = 0;
    else
        return MCX_ERR_XML;
    return MCX_OK;
}

static mcx_err kx_bool(const xmlNode *e, int *out)
{
    char buf[16];
    size_t l;
    mcx_err rc = kx_text(e, buf, sizeof buf, &l);
    if (rc != MCX_OK)
        return rc;
    return kx_bool_str(buf, out);
}

static mcx_err kx_datetime(const xmlNode *e, int64_t *out)
{
    char buf[64];
    size_t l;
    mcx_err rc = kx_text(e, buf, sizeof buf, &l);
    if (rc != MCX_OK)
        return rc;
    return mcx_time_parse(buf, out) == MCX_OK ? MCX_OK : MCX_ERR_XML;
}

/* ---- sequence walker
 * ---------------------------------------------------------------------------------- */

/* One element of an XSD sequence: name, mandatory flag. */
struct kx_field {
    const char *name;
    int mandatory;
};

/* Walks the children of `parent` against fields[0..n) in schema order. For each element found it
 * calls handler(ctx, index, element). Elements of another namespace are ##other extensions and are
 * only allowed after the last field; they are skipped. */
typedef mcx_err (*kx_handler)(void *ctx, size_t idx, const xmlNode *e);

static mcx_err kx_sequence(const xmlNode *parent, const struct kx_field *fields, size_t n,
                           kx_handler handler, void *ctx)
{
    size_t pos = 0;
    int bad = 0, in_other = 0;
    for (xmlNode *c = kx_elem(parent->children, &bad); c != NULL; c = kx_elem(c->next, &bad)) {
        if (!kx_in_ns(c)) {
            in_other = 1;
            continue;
        }
        if (in_other)
            return MCX_ERR_XML;
        size_t i = pos;
        while (i < n && strcmp(fields[i].name, (const char *)c->name) != 0) {
            if (fields[i].mandatory)
                return MCX_ERR_XML; /* a mandatory element was skipped, or out of order */
            i++;
        }
        if (i == n)
            return MCX_ERR_XML; /* unknown, duplicated or out-of-order element */
        mcx_err rc = handler(ctx, i, c);
        if (rc != MCX_OK)
            return rc;
        pos = i + 1;
    }
    if (bad)
        return MCX_ERR_XML;
    for (size_t i = pos; i < n; i++) {
        if (fields[i].mandatory)
            return MCX_ERR_XML;
    }
    return MCX_OK;
}

/* ---- KmsCertificate
 * ----------------------------------------------------------------------------------- */

enum {
    CF_CERTURI,
    CF_KMSURI,
    CF_ISSUER,
    CF_VALIDFROM,
    CF_VALIDTO,
    CF_REVOKED,
    CF_USERIDFORMAT,
    CF_PERIOD,
    CF_OFFSET,
    CF_PUBENC,
    CF_PUBAUTH,
    CF_PARAMSET,
    CF_DOMAINS,
    CF_N
};

static const struct kx_field cert_fields[CF_N] = {
    {"CertUri", 0},       {"KmsUri", 1},    {"Issuer", 0},       {"ValidFrom", 0},
    {"ValidTo", 0},       {"Revoked", 0},   {"UserIdFormat", 1}, {"UserKeyPeriod", 1},
    {"UserKeyOffset", 1}, {"PubEncKey", 1}, {"PubAuthKey", 1},   {"ParameterSet", 0},
    {"KmsDomainList", 0},
};

static mcx_err kx_domains(const xmlNode *list, struct mcx_kms_cert *c)
{
    int bad = 0;
    size_t n = 0;
    for (xmlNode *e = kx_elem(list->children, &bad); e != NULL; e = kx_elem(e->next, &bad)) {
        if (!kx_in_ns(e))
            continue; /* ##other */
        if (!kx_is(e, "KmsDomain"))
            return MCX_ERR_XML;
        if (n == MCX_KMS_MAX_DOMAINS)
            return MCX_ERR_LIMIT;
        mcx_err rc = kx_string(e, c->domains[n], MCX_URI_MAX, 1);
        if (rc != MCX_OK)
            return rc;
        n++;
    }
    if (bad || n == 0)
        return MCX_ERR_XML;
    c->n_domains = n;
    return MCX_OK;
}

static mcx_err cert_field(void *ctx, size_t idx, const xmlNode *e)
{
    struct mcx_kms_cert *c = ctx;
    uint64_t v;
    mcx_err rc;
    switch (idx) {
    case CF_CERTURI:
        return kx_string(e, c->cert_uri, sizeof c->cert_uri, 1);
    case CF_KMSURI:
        return kx_string(e, c->kms_uri, sizeof c->kms_uri, 1);
    case CF_ISSUER:
        return kx_string(e, c->issuer, sizeof c->issuer, 0);
    case CF_VALIDFROM:
        return kx_datetime(e, &c->valid_from);
    case CF_VALIDTO:
        return kx_datetime(e, &c->valid_to);
    case CF_REVOKED:
        return kx_bool(e, &c->revoked);
    case CF_USERIDFORMAT:
        return kx_string(e, c->user_id_format, sizeof c->user_id_format, 1);
    case CF_PERIOD:
        if ((rc = kx_u64(e, &c->user_key_period)) != MCX_OK)
            return rc;
        return c->user_key_period == 0 ? MCX_ERR_XML : MCX_OK;
    case CF_OFFSET:
        return kx_u64(e, &c->user_key_offset);
    case CF_PUBENC:
        return kx_hex(e, c->pub_enc_key, sizeof c->pub_enc_key);
    case CF_PUBAUTH:
        return kx_hex(e, c->pub_auth_key, sizeof c->pub_auth_key);
    case CF_PARAMSET:
        if ((rc = kx_u64(e, &v)) != MCX_OK)
            return rc;
        if (v == 0 || v > 255)
            return MCX_ERR_XML;
        c->parameter_set = (unsigned)v;
        return MCX_OK;
    case CF_DOMAINS:
        return kx_domains(e, c);
    default:
        return MCX_ERR_INTERNAL;
    }
}

static mcx_err kx_read_cert_elem(const xmlNode *e, struct mcx_kms_cert *c)
{
    mcx_kms_cert_init(c);
    c->version[0] = '\0';
    xmlChar *a = xmlGetProp(e, (const xmlChar *)"Version");
    if (a != NULL) {
        size_t l = strlen((const char *)a);
        int ok = l < sizeof c->version;
        if (ok)
            memcpy(c->version, a, l + 1);
        xmlFree(a);
        if (!ok)
            return MCX_ERR_XML;
    }
    a = xmlGetProp(e, (const xmlChar *)"Role");
    if (a != NULL) {
        int root = strcmp((const char *)a, "Root") == 0;
        int ext = strcmp((const char *)a, "External") == 0;
        xmlFree(a);
        if (!root && !ext)
            return MCX_ERR_XML;
        c->role = root ? MCX_KMS_ROLE_ROOT : MCX_KMS_ROLE_EXTERNAL;
    }
    a = xmlGetProp(e, (const xmlChar *)"IsSecurityGateway");
    if (a != NULL) {
        int v = 0;
        mcx_err rc = kx_bool_str((const char *)a, &v);
        xmlFree(a);
        if (rc != MCX_OK)
            return rc;
        c->is_security_gateway = v;
    }
    return kx_sequence(e, cert_fields, CF_N, cert_field, c);
}

/* ---- KmsKeySet
 * ---------------------------------------------------------------------------------------- */

enum {
    KF_KMSURI,
    KF_CERTURI,
    KF_ISSUER,
    KF_USERURI,
    KF_USERID,
    KF_VALIDFROM,
    KF_VALIDTO,
    KF_PERIODNO,
    KF_REVOKED,
    KF_RSK,
    KF_SSK,
    KF_PVT,
    KF_N
};

static const struct kx_field keyset_fields[KF_N] = {
    {"KmsUri", 1},
    {"CertUri", 0},
    {"Issuer", 0},
    {"UserUri", 1},
    {"UserID", 1},
    {"ValidFrom", 0},
    {"ValidTo", 0},
    {"KeyPeriodNo", 1},
    {"Revoked", 0},
    {"UserDecryptKey", 1},
    {"UserSigningKeySSK", 1},
    {"UserPubTokenPVT", 1},
};

/* UserID: 64 hex digits, or base64 of 32 octets (the digest §1.6 notes a conflict between sources).
 */
static mcx_err kx_user_id(const xmlNode *e, uint8_t out[32])
{
    char buf[128];
    size_t l;
    mcx_err rc = kx_text(e, buf, sizeof buf, &l);
    if (rc != MCX_OK)
        return rc;
    if (l == 64)
        return kx_hex(e, out, 32);
    if (l != 44 || buf[43] != '=' || buf[42] == '=')
        return MCX_ERR_XML;
    unsigned char tmp[33];
    int n = EVP_DecodeBlock(tmp, (const unsigned char *)buf, 44);
    if (n != 33)
        return MCX_ERR_XML;
    /* RFC 4648 §3.5: the pad bits of the last symbol must be zero */
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const char *p = strchr(b64, buf[42]);
    if (p == NULL || ((p - b64) & 3) != 0)
        return MCX_ERR_XML;
    memcpy(out, tmp, 32);
    return MCX_OK;
}

static mcx_err keyset_field(void *ctx, size_t idx, const xmlNode *e)
{
    struct mcx_kms_keyset *k = ctx;
    switch (idx) {
    case KF_KMSURI:
        return kx_string(e, k->kms_uri, sizeof k->kms_uri, 1);
    case KF_CERTURI:
        return kx_string(e, k->cert_uri, sizeof k->cert_uri, 1);
    case KF_ISSUER:
        return kx_string(e, k->issuer, sizeof k->issuer, 0);
    case KF_USERURI:
        return kx_string(e, k->user_uri, sizeof k->user_uri, 1);
    case KF_USERID:
        return kx_user_id(e, k->user_id);
    case KF_VALIDFROM:
        return kx_datetime(e, &k->valid_from);
    case KF_VALIDTO:
        return kx_datetime(e, &k->valid_to);
    case KF_PERIODNO:
        return kx_u64(e, &k->key_period_no);
    case KF_REVOKED:
        return kx_bool(e, &k->revoked);
    case KF_RSK:
        return kx_key(e, k->rsk, sizeof k->rsk);
    case KF_SSK:
        return kx_key(e, k->ssk, sizeof k->ssk);
    case KF_PVT:
        return kx_key(e, k->pvt, sizeof k->pvt);
    default:
        return MCX_ERR_INTERNAL;
    }
}

static mcx_err kx_read_keyset_elem(const xmlNode *e, struct mcx_kms_keyset *k)
{
    mcx_kms_keyset_init(k);
    mcx_err rc = kx_sequence(e, keyset_fields, KF_N, keyset_field, k);
    if (rc != MCX_OK)
        mcx_wipe(k, sizeof *k);
    return rc;
}

/* ---- document walking
 * ------------------------------------------------------------------------------- */

enum kx_target { KX_CERT, KX_KEYSET };

struct kx_collect {
    enum kx_target target;
    void *out; /* struct mcx_kms_cert[] or struct mcx_kms_keyset[] */
    size_t cap, n;
    size_t stop_after; /* 0 = all */
    int overflow;
    uint64_t cache_num;
    int have_cache_num;
};

static int kx_is_wrapper(const xmlNode *e, enum kx_target t)
{
    static const char *const common[] = {"SignedKmsResponse", "KmsResponse", "KmsMessage"};
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++) {
        if (kx_is(e, common[i]))
            return 1;
    }
    if (t == KX_CERT)
        return kx_is(e, "KmsInit") || kx_is(e, "KmsCertCache") || kx_is(e, "SignedKmsCertificate");
    return kx_is(e, "KmsKeyProv");
}

static mcx_err kx_walk(const xmlNode *e, struct kx_collect *col, unsigned depth)
{
    if (depth > KX_MAX_DEPTH)
        return MCX_ERR_XML;
    const char *want = col->target == KX_CERT ? "KmsCertificate" : "KmsKeySet";
    if (kx_is(e, want)) {
        if (col->stop_after != 0 && col->n >= col->stop_after)
            return MCX_OK;
        if (col->n >= col->cap) {
            col->overflow = 1;
            col->n++;
            return MCX_OK;
        }
        mcx_err rc;
        if (col->target == KX_CERT)
            rc = kx_read_cert_elem(e, (struct mcx_kms_cert *)col->out + col->n);
        else
            rc = kx_read_keyset_elem(e, (struct mcx_kms_keyset *)col->out + col->n);
        if (rc != MCX_OK)
            return rc;
        col->n++;
        return MCX_OK;
    }
    if (!kx_is_wrapper(e, col->target))
        return MCX_OK; /* some other part of the response (KmsError, NewTransportKey, ds:Signature)
                        */
    if (kx_is(e, "KmsCertCache")) {
        xmlChar *a = xmlGetProp(e, (const xmlChar *)"CacheNum");
        if (a != NULL) {
            uint64_t v = 0;
            mcx_err rc = kx_u64_str((const char *)a, &v);
            xmlFree(a);
            if (rc != MCX_OK)
                return rc;
            col->cache_num = v;
            col->have_cache_num = 1;
        }
    }
    int bad = 0;
    for (xmlNode *c = kx_elem(e->children, &bad); c != NULL; c = kx_elem(c->next, &bad)) {
        mcx_err rc = kx_walk(c, col, depth + 1);
        if (rc != MCX_OK)
            return rc;
    }
    return bad ? MCX_ERR_XML : MCX_OK;
}

static mcx_err kx_collect_doc(const char *xml, size_t len, struct kx_collect *col)
{
    xmlDocPtr doc = NULL;
    mcx_err rc = kx_parse(xml, len, &doc);
    if (rc != MCX_OK)
        return rc;
    const xmlNode *root = xmlDocGetRootElement(doc);
    const char *want = col->target == KX_CERT ? "KmsCertificate" : "KmsKeySet";
    if (root == NULL || !kx_in_ns(root)) {
        rc = MCX_ERR_XML;
        goto out;
    }
    if (!kx_is(root, want) && !kx_is_wrapper(root, col->target) &&
        !kx_is_wrapper(root, col->target == KX_CERT ? KX_KEYSET : KX_CERT) &&
        !kx_is(root, col->target == KX_CERT ? "KmsKeySet" : "KmsCertificate")) {
        rc = MCX_ERR_XML; /* not an Annex D document at all */
        goto out;
    }
    rc = kx_walk(root, col, 0);
out:
    xmlFreeDoc(doc);
    return rc;
}

/* ---- public readers
 * ------------------------------------------------------------------------------------ */

mcx_err mcx_kmsxml_read_cert(const char *xml, size_t len, struct mcx_kms_cert *out)
{
    if (xml == NULL || out == NULL)
        return MCX_ERR_ARG;
    struct kx_collect col = {.target = KX_CERT, .out = out, .cap = 1, .stop_after = 1};
    mcx_err rc = kx_collect_doc(xml, len, &col);
    if (rc == MCX_OK && col.n == 0)
        rc = MCX_ERR_NOT_FOUND;
    return rc;
}

mcx_err mcx_kmsxml_read_certs(const char *xml, size_t len, struct mcx_kms_cert *out, size_t *n,
                              uint64_t *cache_num)
{
    if (xml == NULL || n == NULL || (out == NULL && *n > 0))
        return MCX_ERR_ARG;
    struct kx_collect col = {.target = KX_CERT, .out = out, .cap = *n};
    mcx_err rc = kx_collect_doc(xml, len, &col);
    if (rc != MCX_OK)
        return rc;
    if (cache_num != NULL)
        *cache_num = col.have_cache_num ? col.cache_num : 0;
    *n = col.n;
    return col.overflow ? MCX_ERR_BUFFER_SMALL : MCX_OK;
}

mcx_err mcx_kmsxml_read_keysets(const char *xml, size_t len, struct mcx_kms_keyset *out, size_t *n)
{
    if (xml == NULL || n == NULL || (out == NULL && *n > 0))
        return MCX_ERR_ARG;
    size_t cap = *n;
    struct kx_collect col = {.target = KX_KEYSET, .out = out, .cap = cap};
    mcx_err rc = kx_collect_doc(xml, len, &col);
    if (rc == MCX_OK && col.overflow)
        rc = MCX_ERR_BUFFER_SMALL;
    if (rc != MCX_OK) {
        /* "On error nothing secret is left in out" */
        if (out != NULL)
            mcx_wipe(out, cap * sizeof *out);
        *n = rc == MCX_ERR_BUFFER_SMALL ? col.n : 0;
        return rc;
    }
    *n = col.n;
    return MCX_OK;
}

/* ---- writers
 * ------------------------------------------------------------------------------------------ */

struct kx_w {
    char *p;
    size_t len, cap;
    int err;
};

static void kx_w_reserve(struct kx_w *w, size_t extra)
{
    if (w->err)
        return;
    if (extra > SIZE_MAX / 2 - w->len) {
        w->err = 1;
        return;
    }
    if (w->len + extra + 1 <= w->cap)
        return;
    size_t nc = w->cap ? w->cap : 2048;
    while (nc < w->len + extra + 1)
        nc *= 2;
    /* grow by copy so the old (possibly secret) buffer can be wiped */
    char *np = malloc(nc);
    if (np == NULL) {
        w->err = 1;
        return;
    }
    if (w->p != NULL) {
        memcpy(np, w->p, w->len);
        mcx_wipe(w->p, w->cap);
        free(w->p);
    }
    w->p = np;
    w->cap = nc;
}

static void kx_w_raw(struct kx_w *w, const char *s, size_t n)
{
    kx_w_reserve(w, n);
    if (w->err)
        return;
    memcpy(w->p + w->len, s, n);
    w->len += n;
    w->p[w->len] = '\0';
}

static void kx_w_str(struct kx_w *w, const char *s)
{
    kx_w_raw(w, s, strlen(s));
}

/* Text content / attribute value with the five XML escapes; control characters are not allowed. */
static void kx_w_esc(struct kx_w *w, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        switch (ch) {
        case '<':
            kx_w_str(w, "&lt;");
            break;
        case '>':
            kx_w_str(w, "&gt;");
            break;
        case '&':
            kx_w_str(w, "&amp;");
            break;
        case '"':
            kx_w_str(w, "&quot;");
            break;
        case '\'':
            kx_w_str(w, "&apos;");
            break;
        default:
            if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') {
                w->err = 2; /* not representable in XML 1.0 */
                return;
            }
            kx_w_raw(w, s, 1);
        }
    }
}

static void kx_w_elem(struct kx_w *w, const char *name, const char *text)
{
    kx_w_str(w, "  <");
    kx_w_str(w, name);
    kx_w_str(w, ">");
    kx_w_esc(w, text);
    kx_w_str(w, "</");
    kx_w_str(w, name);
    kx_w_str(w, ">\n");
}

static void kx_w_u64(struct kx_w *w, const char *name, uint64_t v)
{
    char b[24];
    snprintf(b, sizeof b, "%llu", (unsigned long long)v);
    kx_w_elem(w, name, b);
}

static void kx_w_time(struct kx_w *w, const char *name, int64_t t)
{
    char b[MCX_TIME_STR_BYTES];
    if (t == INT64_MIN)
        return;
    if (mcx_time_format(t, b) != MCX_OK) {
        w->err = 2;
        return;
    }
    kx_w_elem(w, name, b);
}

/* Branch-free, table-free hex digit of a nibble (keys are secret): '0'..'9', 'a'..'f'. */
static char kx_hexdigit(unsigned v)
{
    /* (9 - v) >> 8 is all ones exactly when v > 9 (v <= 15), adding 'a' - '0' - 10 = 39 */
    return (char)(v + 48u + (((9u - v) >> 8) & 39u));
}

static void kx_w_hex(struct kx_w *w, const char *name, const uint8_t *p, size_t n)
{
    kx_w_str(w, "  <");
    kx_w_str(w, name);
    kx_w_str(w, ">");
    kx_w_reserve(w, 2 * n);
    if (w->err)
        return;
    for (size_t i = 0; i < n; i++) {
        w->p[w->len++] = kx_hexdigit(p[i] >> 4);
        w->p[w->len++] = kx_hexdigit(p[i] & 15u);
    }
    w->p[w->len] = '\0';
    kx_w_str(w, "</");
    kx_w_str(w, name);
    kx_w_str(w, ">\n");
}

static mcx_err kx_w_finish(struct kx_w *w, char **xml, size_t *len)
{
    if (w->err) {
        if (w->p != NULL) {
            mcx_wipe(w->p, w->cap);
            free(w->p);
        }
        return w->err == 2 ? MCX_ERR_ARG : MCX_ERR_NOMEM;
    }
    *xml = w->p;
    *len = w->len;
    return MCX_OK;
}

static int kx_str_ok(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

mcx_err mcx_kmsxml_write_cert(const struct mcx_kms_cert *c, char **xml, size_t *len)
{
    if (c == NULL || xml == NULL || len == NULL)
        return MCX_ERR_ARG;
    if (!kx_str_ok(c->kms_uri, sizeof c->kms_uri) || c->kms_uri[0] == '\0' ||
        !kx_str_ok(c->cert_uri, sizeof c->cert_uri) || !kx_str_ok(c->issuer, sizeof c->issuer) ||
        !kx_str_ok(c->version, sizeof c->version) ||
        !kx_str_ok(c->user_id_format, sizeof c->user_id_format) || c->user_id_format[0] == '\0' ||
        c->user_key_period == 0 || c->n_domains > MCX_KMS_MAX_DOMAINS || c->parameter_set == 0)
        return MCX_ERR_ARG;
    for (size_t i = 0; i < c->n_domains; i++) {
        if (!kx_str_ok(c->domains[i], MCX_URI_MAX) || c->domains[i][0] == '\0')
            return MCX_ERR_ARG;
    }
    struct kx_w w = {0};
    kx_w_str(&w,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<KmsCertificate xmlns=\"" MCX_KMSXML_NS
             "\" Version=\"");
    kx_w_esc(&w, c->version[0] ? c->version : "1.0.0");
    kx_w_str(&w, c->role == MCX_KMS_ROLE_EXTERNAL ? "\" Role=\"External\"" : "\" Role=\"Root\"");
    if (c->is_security_gateway >= 0)
        kx_w_str(&w, c->is_security_gateway ? " IsSecurityGateway=\"true\""
                                            : " IsSecurityGateway=\"false\"");
    kx_w_str(&w, ">\n");
    if (c->cert_uri[0])
        kx_w_elem(&w, "CertUri", c->cert_uri);
    kx_w_elem(&w, "KmsUri", c->kms_uri);
    if (c->issuer[0])
        kx_w_elem(&w, "Issuer", c->issuer);
    kx_w_time(&w, "ValidFrom", c->valid_from);
    kx_w_time(&w, "ValidTo", c->valid_to);
    if (c->revoked)
        kx_w_elem(&w, "Revoked", "true");
    kx_w_elem(&w, "UserIdFormat", c->user_id_format);
    kx_w_u64(&w, "UserKeyPeriod", c->user_key_period);
    kx_w_u64(&w, "UserKeyOffset", c->user_key_offset);
    kx_w_hex(&w, "PubEncKey", c->pub_enc_key, sizeof c->pub_enc_key);
    kx_w_hex(&w, "PubAuthKey", c->pub_auth_key, sizeof c->pub_auth_key);
    kx_w_u64(&w, "ParameterSet", c->parameter_set);
    if (c->n_domains > 0) {
        kx_w_str(&w, "  <KmsDomainList>\n");
        for (size_t i = 0; i < c->n_domains; i++) {
            kx_w_str(&w, "  ");
            kx_w_elem(&w, "KmsDomain", c->domains[i]);
        }
        kx_w_str(&w, "  </KmsDomainList>\n");
    }
    kx_w_str(&w, "</KmsCertificate>\n");
    return kx_w_finish(&w, xml, len);
}

mcx_err mcx_kmsxml_write_keyset(const struct mcx_kms_keyset *k, char **xml, size_t *len)
{
    if (k == NULL || xml == NULL || len == NULL)
        return MCX_ERR_ARG;
    if (!kx_str_ok(k->kms_uri, sizeof k->kms_uri) || k->kms_uri[0] == '\0' ||
        !kx_str_ok(k->cert_uri, sizeof k->cert_uri) || !kx_str_ok(k->issuer, sizeof k->issuer) ||
        !kx_str_ok(k->user_uri, sizeof k->user_uri) || k->user_uri[0] == '\0')
        return MCX_ERR_ARG;
    struct kx_w w = {0};
    kx_w_str(&w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<KmsKeySet xmlns=\"" MCX_KMSXML_NS
                 "\" Version=\"1.1.0\">\n");
    kx_w_elem(&w, "KmsUri", k->kms_uri);
    if (k->cert_uri[0])
        kx_w_elem(&w, "CertUri", k->cert_uri);
    if (k->issuer[0])
        kx_w_elem(&w, "Issuer", k->issuer);
    kx_w_elem(&w, "UserUri", k->user_uri);
    kx_w_hex(&w, "UserID", k->user_id, sizeof k->user_id);
    kx_w_time(&w, "ValidFrom", k->valid_from);
    kx_w_time(&w, "ValidTo", k->valid_to);
    kx_w_u64(&w, "KeyPeriodNo", k->key_period_no);
    if (k->revoked)
        kx_w_elem(&w, "Revoked", "true");
    kx_w_hex(&w, "UserDecryptKey", k->rsk, sizeof k->rsk);
    kx_w_hex(&w, "UserSigningKeySSK", k->ssk, sizeof k->ssk);
    kx_w_hex(&w, "UserPubTokenPVT", k->pvt, sizeof k->pvt);
    kx_w_str(&w, "</KmsKeySet>\n");
    return kx_w_finish(&w, xml, len);
}

void mcx_kmsxml_free(char *xml, size_t len)
{
    if (xml == NULL)
        return;
    /* the buffer holds len octets plus the terminating NUL */
    mcx_wipe(xml, len + 1);
    free(xml);
}

void mcx_kms_cert_init(struct mcx_kms_cert *c)
{
    if (c == NULL)
        return;
    memset(c, 0, sizeof *c);
    c->role = MCX_KMS_ROLE_ROOT;
    c->is_security_gateway = -1;
    memcpy(c->version, "1.0.0", 6);
    memcpy(c->user_id_format, "2", 2);
    c->valid_from = INT64_MIN;
    c->valid_to = INT64_MIN;
    c->parameter_set = 1;
}

void mcx_kms_keyset_init(struct mcx_kms_keyset *k)
{
    if (k == NULL)
        return;
    mcx_wipe(k, sizeof *k);
    k->valid_from = INT64_MIN;
    k->valid_to = INT64_MIN;
}
