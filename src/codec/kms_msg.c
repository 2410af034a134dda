/*
 * src/codec/kms_msg.c — TS 33.180 Annex D KMS request / response envelopes (mcxsec/kmsmsg.h).
 * D.2.2 Table D.2.2-1 (KmsRequest fields), D.3.1 Table D.3.1-1 (KmsResponse fields), element order
 * and attributes from the Annex D schema (KmsRequestType, KmsResponseType, ErrorType, KMSMessage).
 * Parse/serialise only: no I/O. libxml2 with NONET, no entity substitution, no DTD loading, no
 * error printing; a document with any DTD is refused.
 */
#include "mcxsec/kmsmsg.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcxsec/util.h"

#define PARSE_OPTS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA)

static const xmlChar *NS = (const xmlChar *)MCX_KMSMSG_NS;

/* libxml2 initialises itself lazily on first use, which is not thread-safe: a KMS answers (and a
 * load generator sends) envelopes from many threads at once. Initialise it once, first. */
static pthread_once_t msg_once = PTHREAD_ONCE_INIT;

static void msg_init_once(void)
{
    xmlInitParser();
}

static int msg_init(void)
{
    return pthread_once(&msg_once, msg_init_once) == 0;
}

/* ---- parsing helpers ------------------------------------------------------------------------- */

static mcx_err parse_doc(const char *xml, size_t len, size_t max, xmlDocPtr *out)
{
    *out = NULL;
    if (xml == NULL)
        return MCX_ERR_ARG;
    if (len > max)
        return MCX_ERR_LIMIT;
    if (!msg_init())
        return MCX_ERR_INTERNAL;
    xmlDocPtr doc = xmlReadMemory(xml, (int)len, NULL, NULL, PARSE_OPTS);
    if (doc == NULL)
        return MCX_ERR_XML;
    /* Refuse any DTD: nothing here needs one, and it is where entity attacks live. */
    if (doc->intSubset != NULL || doc->extSubset != NULL || xmlDocGetRootElement(doc) == NULL) {
        xmlFreeDoc(doc);
        return MCX_ERR_XML;
    }
    *out = doc;
    return MCX_OK;
}

static int is_el(const xmlNode *n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL && xmlStrEqual(n->ns->href, NS) &&
           xmlStrEqual(n->name, (const xmlChar *)name);
}

static int is_ours(const xmlNode *n)
{
    return n->ns != NULL && xmlStrEqual(n->ns->href, NS);
}

/* Next element at or after n; rejects non-blank text and entity references between elements. */
static xmlNode *next_el(xmlNode *n, int *bad)
{
    for (; n != NULL; n = n->next) {
        if (n->type == XML_ELEMENT_NODE)
            return n;
        if (n->type == XML_TEXT_NODE) {
            for (const xmlChar *c = n->content; c && *c; c++)
                if (*c != ' ' && *c != '\t' && *c != '\n' && *c != '\r')
                    *bad = 1;
        } else if (n->type != XML_COMMENT_NODE && n->type != XML_PI_NODE) {
            *bad = 1;
        }
    }
    return NULL;
}

/* The element's text (only text children allowed), trimmed, into out[cap]. */
static mcx_err text_of(const xmlNode *el, char *out, size_t cap)
{
    size_t n = 0;
    for (const xmlNode *c = el->children; c != NULL; c = c->next) {
        if (c->type == XML_COMMENT_NODE)
            continue;
        if (c->type != XML_TEXT_NODE)
            return MCX_ERR_XML;
        size_t l = c->content ? strlen((const char *)c->content) : 0;
        if (n + l >= cap)
            return MCX_ERR_XML;
        memcpy(out + n, c->content, l);
        n += l;
    }
    out[n] = '\0';
    size_t a = 0;
    while (out[a] == ' ' || out[a] == '\t' || out[a] == '\n' || out[a] == '\r')
        a++;
    while (n > a && (out[n - 1] == ' ' || out[n - 1] == '\t' || out[n - 1] == '\n' || out[n - 1] == '\r'))
        n--;
    memmove(out, out + a, n - a);
    /* zero what the trimming left behind, so a parsed struct depends only on the value read */
    memset(out + (n - a), 0, cap - (n - a));
    return MCX_OK;
}

static mcx_err text_req(xmlNode *el, const char *name, char *out, size_t cap)
{
    if (!is_el(el, name))
        return MCX_ERR_XML;
    mcx_err rc = text_of(el, out, cap);
    if (rc == MCX_OK && out[0] == '\0')
        return MCX_ERR_XML;
    return rc;
}

static mcx_err parse_int(const char *s, int64_t *v)
{
    char *end = NULL;
    if (*s == '\0' || strlen(s) > 19)
        return MCX_ERR_XML;
    long long x = strtoll(s, &end, 10);
    if (end == NULL || *end != '\0')
        return MCX_ERR_XML;
    *v = x;
    return MCX_OK;
}

static int attr_is(const xmlNode *el, const char *name, const char *want)
{
    xmlChar *v = xmlGetNoNsProp(el, (const xmlChar *)name);
    int ok = v != NULL && xmlStrEqual(v, (const xmlChar *)want);
    xmlFree(v);
    return ok;
}

/* ErrorType: ErrorCode integer, ErrorMsg string */
static mcx_err parse_error(xmlNode *el, int64_t *code, char *msg, size_t cap)
{
    int bad = 0;
    char num[32];
    xmlNode *c = next_el(el->children, &bad);
    mcx_err rc = text_req(c, "ErrorCode", num, sizeof num);
    if (rc != MCX_OK || (rc = parse_int(num, code)) != MCX_OK)
        return MCX_ERR_XML;
    c = next_el(c->next, &bad);
    msg[0] = '\0';
    if (is_el(c, "ErrorMsg")) {
        if (text_of(c, msg, cap) != MCX_OK)
            return MCX_ERR_XML;
        c = next_el(c->next, &bad);
    }
    for (; c != NULL; c = next_el(c->next, &bad))
        if (is_ours(c))
            return MCX_ERR_XML;
    return bad ? MCX_ERR_XML : MCX_OK;
}

/* ---- KmsRequest --------------------------------------------------------------------------------- */

mcx_err mcx_kmsmsg_read_request(const char *xml, size_t len, struct mcx_kms_request *r)
{
    xmlDocPtr doc;
    char tbuf[64];
    int bad = 0;
    if (r == NULL)
        return MCX_ERR_ARG;
    memset(r, 0, sizeof *r);
    mcx_err rc = parse_doc(xml, len, MCX_KMSMSG_MAX_BYTES, &doc);
    if (rc != MCX_OK)
        return rc;
    xmlNode *root = xmlDocGetRootElement(doc);
    rc = MCX_ERR_XML;
    if (is_el(root, "SignedKmsRequest"))
        root = next_el(root->children, &bad);
    if (!is_el(root, "KmsRequest") || !attr_is(root, "Version", "1.1.0"))
        goto out;
    xmlNode *c = next_el(root->children, &bad);
    if (text_req(c, "UserUri", r->user_uri, sizeof r->user_uri) != MCX_OK)
        goto out;
    c = next_el(c->next, &bad);
    if (text_req(c, "KmsUri", r->kms_uri, sizeof r->kms_uri) != MCX_OK)
        goto out;
    c = next_el(c->next, &bad);
    if (text_req(c, "Time", tbuf, sizeof tbuf) != MCX_OK || mcx_time_parse(tbuf, &r->time) != MCX_OK)
        goto out;
    c = next_el(c->next, &bad);
    if (is_el(c, "ClientId")) {
        if (text_of(c, r->client_id, sizeof r->client_id) != MCX_OK)
            goto out;
        c = next_el(c->next, &bad);
    }
    if (is_el(c, "DeviceId")) {
        if (text_of(c, r->device_id, sizeof r->device_id) != MCX_OK)
            goto out;
        c = next_el(c->next, &bad);
    }
    if (text_req(c, "ClientReqUrl", r->client_req_url, sizeof r->client_req_url) != MCX_OK)
        goto out;
    c = next_el(c->next, &bad);
    if (is_el(c, "KrrList")) /* only meaningful on the redirect sub-directory, not served here */
        c = next_el(c->next, &bad);
    if (is_el(c, "ClientError")) {
        if (parse_error(c, &r->client_error_code, r->client_error_msg, sizeof r->client_error_msg) != MCX_OK)
            goto out;
        r->has_client_error = 1;
        c = next_el(c->next, &bad);
    }
    /* Rel-17 TrK-ID / Signature-ID and ##other extensions: accepted; ours understood. */
    for (; c != NULL; c = next_el(c->next, &bad)) {
        if (is_el(c, "TrK-ID") || is_el(c, "Signature-ID"))
            continue;
        if (is_ours(c))
            goto out; /* an Annex D element out of order, repeated or unknown */
        if (c->ns != NULL && xmlStrEqual(c->ns->href, (const xmlChar *)MCX_KMSMSG_EXT_NS) &&
            xmlStrEqual(c->name, (const xmlChar *)"ExternalDomainUse")) {
            if (text_of(c, r->external_domain_used, sizeof r->external_domain_used) != MCX_OK ||
                r->external_domain_used[0] == '\0')
                goto out;
        }
    }
    if (!bad)
        rc = MCX_OK;
out:
    xmlFreeDoc(doc);
    if (rc != MCX_OK)
        memset(r, 0, sizeof *r);
    return rc;
}

/* ---- writing ----------------------------------------------------------------------------------- */

static mcx_err dump(xmlDocPtr doc, char **xml, size_t *len)
{
    xmlChar *buf = NULL;
    int size = 0;
    xmlDocDumpMemoryEnc(doc, &buf, &size, "UTF-8");
    if (buf == NULL || size <= 0)
        return MCX_ERR_NOMEM;
    char *out = malloc((size_t)size + 1);
    if (out != NULL) {
        memcpy(out, buf, (size_t)size);
        out[size] = '\0';
    }
    mcx_wipe(buf, (size_t)size);
    xmlFree(buf);
    if (out == NULL)
        return MCX_ERR_NOMEM;
    *xml = out;
    *len = (size_t)size;
    return MCX_OK;
}

/* Re-point every use of `from` in the subtree to `to` (same namespace, declared on the envelope). */
static void repoint_ns(xmlNode *n, xmlNsPtr from, xmlNsPtr to)
{
    for (; n != NULL; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (n->ns == from)
            n->ns = to;
        for (xmlAttr *a = n->properties; a != NULL; a = a->next)
            if (a->ns == from)
                a->ns = to;
        repoint_ns(n->children, from, to);
    }
}

/* An embedded document re-declares the Annex D default namespace already declared on KmsResponse:
 * drop the redundant declaration so the response reads as one document. */
static void drop_redundant_ns(xmlNode *copy, xmlNsPtr env_ns)
{
    xmlNsPtr d = copy->nsDef;
    if (d == NULL || d->next != NULL || d->prefix != NULL || !xmlStrEqual(d->href, env_ns->href))
        return;
    xmlNode self = *copy;
    self.next = NULL; /* walk only this subtree */
    repoint_ns(&self, d, env_ns);
    copy->ns = self.ns;
    for (xmlAttr *a = copy->properties; a != NULL; a = a->next)
        if (a->ns == d)
            a->ns = env_ns;
    copy->nsDef = NULL;
    xmlFreeNsList(d);
}

static xmlNode *add_text(xmlNode *parent, xmlNsPtr ns, const char *name, const char *text)
{
    return xmlNewTextChild(parent, ns, (const xmlChar *)name, (const xmlChar *)text);
}

mcx_err mcx_kmsmsg_write_request(const struct mcx_kms_request *r, char **xml, size_t *len)
{
    char t[MCX_TIME_STR_BYTES];
    if (r == NULL || xml == NULL || len == NULL || r->user_uri[0] == '\0' || r->kms_uri[0] == '\0' ||
        r->client_req_url[0] == '\0' || mcx_time_format(r->time, t) != MCX_OK)
        return MCX_ERR_ARG;
    if (!msg_init())
        return MCX_ERR_INTERNAL;
    xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *root = xmlNewNode(NULL, (const xmlChar *)"KmsRequest");
    xmlNsPtr ns = xmlNewNs(root, NS, NULL);
    xmlSetNs(root, ns);
    xmlDocSetRootElement(doc, root);
    xmlNewProp(root, (const xmlChar *)"Version", (const xmlChar *)"1.1.0");
    add_text(root, ns, "UserUri", r->user_uri);
    add_text(root, ns, "KmsUri", r->kms_uri);
    add_text(root, ns, "Time", t);
    if (r->client_id[0])
        add_text(root, ns, "ClientId", r->client_id);
    if (r->device_id[0])
        add_text(root, ns, "DeviceId", r->device_id);
    add_text(root, ns, "ClientReqUrl", r->client_req_url);
    if (r->has_client_error) {
        char num[32];
        xmlNode *e = xmlNewChild(root, ns, (const xmlChar *)"ClientError", NULL);
        snprintf(num, sizeof num, "%lld", (long long)r->client_error_code);
        add_text(e, ns, "ErrorCode", num);
        add_text(e, ns, "ErrorMsg", r->client_error_msg);
    }
    if (r->external_domain_used[0]) {
        xmlNode *x = xmlNewChild(root, NULL, (const xmlChar *)"ExternalDomainUse", NULL);
        xmlNsPtr ens = xmlNewNs(x, (const xmlChar *)MCX_KMSMSG_EXT_NS, (const xmlChar *)"mcx");
        xmlSetNs(x, ens);
        xmlNodeAddContent(x, (const xmlChar *)r->external_domain_used);
    }
    mcx_err rc = dump(doc, xml, len);
    xmlFreeDoc(doc);
    return rc;
}

/* t: h->time already formatted by mcx_time_format */
static xmlNode *response_root(xmlDocPtr doc, const struct mcx_kms_response *h, const char *t,
                              xmlNsPtr *ns_out)
{
    xmlNode *root = xmlNewNode(NULL, (const xmlChar *)"KmsResponse");
    xmlNsPtr ns = xmlNewNs(root, NS, NULL);
    xmlSetNs(root, ns);
    xmlDocSetRootElement(doc, root);
    xmlNewProp(root, (const xmlChar *)"Version", (const xmlChar *)"1.0.0");
    add_text(root, ns, "UserUri", h->user_uri);
    add_text(root, ns, "KmsUri", h->kms_uri);
    add_text(root, ns, "Time", t);
    if (h->kms_id[0])
        add_text(root, ns, "KmsId", h->kms_id);
    add_text(root, ns, "ClientReqUrl", h->client_req_url);
    *ns_out = ns;
    return root;
}

mcx_err mcx_kmsmsg_write_response(const struct mcx_kms_response *h, enum mcx_kms_msg_kind kind,
                                  const char *const *docs, const size_t *doc_lens, size_t n_docs,
                                  uint64_t cache_num, char **xml, size_t *len)
{
    static const char *const msg_names[] = {NULL, "KmsInit", "KmsKeyProv", "KmsCertCache"};
    xmlNsPtr ns;
    char t[MCX_TIME_STR_BYTES];
    mcx_err rc = MCX_OK;
    if (h == NULL || xml == NULL || len == NULL || kind < MCX_KMS_MSG_INIT || kind > MCX_KMS_MSG_CERTCACHE ||
        (n_docs > 0 && (docs == NULL || doc_lens == NULL)) || (kind == MCX_KMS_MSG_INIT && n_docs != 1) ||
        mcx_time_format(h->time, t) != MCX_OK)
        return MCX_ERR_ARG;
    const char *child = kind == MCX_KMS_MSG_KEYPROV ? "KmsKeySet" : "KmsCertificate";
    if (!msg_init())
        return MCX_ERR_INTERNAL;
    xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *root = response_root(doc, h, t, &ns);
    xmlNode *m = xmlNewChild(root, ns, (const xmlChar *)"KmsMessage", NULL);
    xmlNode *body = xmlNewChild(m, ns, (const xmlChar *)msg_names[kind], NULL);
    xmlNewProp(body, (const xmlChar *)"Version", (const xmlChar *)"1.0.0");
    if (kind == MCX_KMS_MSG_CERTCACHE) {
        char num[32];
        snprintf(num, sizeof num, "%llu", (unsigned long long)cache_num);
        xmlNewProp(body, (const xmlChar *)"CacheNum", (const xmlChar *)num);
    }
    for (size_t i = 0; i < n_docs && rc == MCX_OK; i++) {
        xmlDocPtr d;
        if ((rc = parse_doc(docs[i], doc_lens[i], MCX_KMSMSG_MAX_RESPONSE_BYTES, &d)) != MCX_OK)
            break;
        xmlNode *dr = xmlDocGetRootElement(d);
        if (!is_el(dr, child)) {
            rc = MCX_ERR_XML;
        } else {
            xmlNode *copy = xmlDocCopyNode(dr, doc, 1);
            if (copy == NULL || xmlAddChild(body, copy) == NULL)
                rc = MCX_ERR_NOMEM;
            else
                drop_redundant_ns(copy, ns);
        }
        xmlFreeDoc(d);
    }
    if (rc == MCX_OK)
        rc = dump(doc, xml, len);
    xmlFreeDoc(doc);
    return rc;
}

mcx_err mcx_kmsmsg_write_error(const struct mcx_kms_response *h, int64_t code, const char *msg,
                               char **xml, size_t *len)
{
    xmlNsPtr ns;
    char num[32], t[MCX_TIME_STR_BYTES];
    if (h == NULL || xml == NULL || len == NULL || mcx_time_format(h->time, t) != MCX_OK)
        return MCX_ERR_ARG;
    if (!msg_init())
        return MCX_ERR_INTERNAL;
    xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *root = response_root(doc, h, t, &ns);
    xmlNode *e = xmlNewChild(root, ns, (const xmlChar *)"KmsError", NULL);
    snprintf(num, sizeof num, "%lld", (long long)code);
    add_text(e, ns, "ErrorCode", num);
    add_text(e, ns, "ErrorMsg", msg != NULL ? msg : "");
    mcx_err rc = dump(doc, xml, len);
    xmlFreeDoc(doc);
    return rc;
}

/* ---- KmsResponse (client side) -------------------------------------------------------------- */

mcx_err mcx_kmsmsg_read_response(const char *xml, size_t len, struct mcx_kms_response *r)
{
    xmlDocPtr doc;
    char tbuf[64];
    int bad = 0;
    if (r == NULL)
        return MCX_ERR_ARG;
    memset(r, 0, sizeof *r);
    mcx_err rc = parse_doc(xml, len, MCX_KMSMSG_MAX_RESPONSE_BYTES, &doc);
    if (rc != MCX_OK)
        return rc;
    rc = MCX_ERR_XML;
    xmlNode *root = xmlDocGetRootElement(doc);
    if (is_el(root, "SignedKmsResponse"))
        root = next_el(root->children, &bad);
    if (!is_el(root, "KmsResponse"))
        goto out;
    xmlNode *c = next_el(root->children, &bad);
    if (text_req(c, "UserUri", r->user_uri, sizeof r->user_uri) != MCX_OK)
        goto out;
    c = next_el(c->next, &bad);
    if (text_req(c, "KmsUri", r->kms_uri, sizeof r->kms_uri) != MCX_OK)
        goto out;
    c = next_el(c->next, &bad);
    if (text_req(c, "Time", tbuf, sizeof tbuf) != MCX_OK || mcx_time_parse(tbuf, &r->time) != MCX_OK)
        goto out;
    c = next_el(c->next, &bad);
    if (is_el(c, "KmsId")) {
        if (text_of(c, r->kms_id, sizeof r->kms_id) != MCX_OK)
            goto out;
        c = next_el(c->next, &bad);
    }
    if (text_req(c, "ClientReqUrl", r->client_req_url, sizeof r->client_req_url) != MCX_OK)
        goto out;
    c = next_el(c->next, &bad);
    if (is_el(c, "KmsMessage")) {
        xmlNode *b = next_el(c->children, &bad);
        const char *item;
        if (is_el(b, "KmsInit")) {
            r->kind = MCX_KMS_MSG_INIT;
            item = "KmsCertificate";
        } else if (is_el(b, "KmsKeyProv")) {
            r->kind = MCX_KMS_MSG_KEYPROV;
            item = "KmsKeySet";
        } else if (is_el(b, "KmsCertCache")) {
            r->kind = MCX_KMS_MSG_CERTCACHE;
            item = "KmsCertificate";
            xmlChar *cn = xmlGetNoNsProp(b, (const xmlChar *)"CacheNum");
            if (cn != NULL) {
                int64_t v = 0;
                mcx_err e = parse_int((const char *)cn, &v);
                xmlFree(cn);
                if (e != MCX_OK || v < 0)
                    goto out;
                r->cache_num = (uint64_t)v;
            }
        } else {
            goto out;
        }
        for (xmlNode *i = next_el(b->children, &bad); i != NULL; i = next_el(i->next, &bad)) {
            if (is_el(i, item) || (r->kind != MCX_KMS_MSG_KEYPROV && is_el(i, "SignedKmsCertificate")))
                r->n_items++;
            else if (is_ours(i) && !is_el(i, "NewTransportKey") && !is_el(i, "NewIntegrityKey"))
                goto out;
        }
        if (r->kind == MCX_KMS_MSG_INIT && r->n_items != 1)
            goto out;
        c = next_el(c->next, &bad);
    }
    if (is_el(c, "KmsError")) {
        if (parse_error(c, &r->error_code, r->error_msg, sizeof r->error_msg) != MCX_OK)
            goto out;
        r->has_error = 1;
        c = next_el(c->next, &bad);
    }
    for (; c != NULL; c = next_el(c->next, &bad))
        if (is_ours(c) && !is_el(c, "TrK-ID") && !is_el(c, "Signature-ID"))
            goto out;
    if (!bad && (r->kind != MCX_KMS_MSG_NONE || r->has_error))
        rc = MCX_OK;
out:
    xmlFreeDoc(doc);
    if (rc != MCX_OK)
        memset(r, 0, sizeof *r);
    return rc;
}

void mcx_kmsmsg_free(char *xml, size_t len)
{
    if (xml == NULL)
        return;
    mcx_wipe(xml, len);
    free(xml);
}
