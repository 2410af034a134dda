/*
 * services/kms/daemon/http.c — the HTTPS interface of mcxsec-kmsd (TS 33.180 Annex D, D.2 / D.3):
 *   POST /keymanagement/identity/v1/init                        -> KmsInit (Root KMS certificate)
 *   POST /keymanagement/identity/v1/keyprov                     -> KmsKeyProv, caller, current
 * period POST /keymanagement/identity/v1/keyprov/<%-URI>[/<NTP hex>] -> KmsKeyProv for that
 * identity/time POST /keymanagement/identity/v1/certcache[/<CacheNum>]      -> KmsCertCache
 * (external domains) and, on a separate loopback listener, GET /healthz and GET /metrics
 * (Prometheus text).
 *
 * Every request needs an RFC 6750 Bearer token (auth.h); the identity it names is the only one the
 * caller gets keys for, unless the administrator granted it others (group / server identities).
 * Every refusal carries a KmsError with the HTTP status as ErrorCode and is logged and audited
 * through the bounded, group-committed refusal queue (auditq.h), so a flood of refusals costs the
 * database at most one transaction per audit window.
 *
 * Abuse resistance (MCSEC-1.1-2), in the order applied: the connection caps (total, per address)
 * and the idle timeout in libmicrohttpd; then, before anything else is looked at, the per-address
 * token bucket (429) and the global bucket and in-flight cap (503); after authentication the
 * per-identity bucket (429).
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kmsd.h"
#include "mcxsec/kdf.h"
#include "mcxsec/kmsmsg.h"
#include "mcxsec/kmsxml.h"
#include "mcxsec/util.h"

#define PREFIX "/keymanagement/identity/v1/"

static struct MHD_Daemon *tls_daemon, *admin_daemon;
static char *tls_cert_pem, *tls_key_pem;
static char *root_cert_doc; /* our KmsCertificate document, built once */
static size_t root_cert_len;

double kmsd_mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int log_level = 1;

void kmsd_log(int level, const char *fmt, ...)
{
    if (level > log_level)
        return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    /* journald adds timestamps; the <n> prefix is the sd-daemon priority (3 err, 6 info, 7 debug)
     */
    fprintf(stderr, "<%d>mcxsec-kmsd: %s\n", level == 0 ? 3 : level == 1 ? 6 : 7, buf);
}

/* ---- per-request state
 * --------------------------------------------------------------------------- */

struct req {
    char *body;
    size_t len, cap;
    int too_large;
    int counted; /* holds an in-flight slot */
    double t0;   /* when the request head was complete */
    char ip[INET6_ADDRSTRLEN];
};

struct answer {
    unsigned status;
    char *xml;
    size_t len;
    const char *www_auth; /* WWW-Authenticate value, or NULL */
    int retry_after;
};

static void wipe_free(void *p)
{
    if (p != NULL) {
        mcx_wipe(p, strlen(p));
        free(p);
    }
}

static enum MHD_Result send_answer(struct MHD_Connection *c, struct answer *a)
{
    struct MHD_Response *r;
    if (a->xml != NULL)
        r = MHD_create_response_from_buffer_with_free_callback(a->len, a->xml, wipe_free);
    else
        r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (r == NULL) {
        wipe_free(a->xml);
        return MHD_NO;
    }
    a->xml = NULL;
    MHD_add_response_header(r, "Content-Type", "application/xml; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    if (a->www_auth != NULL)
        MHD_add_response_header(r, "WWW-Authenticate", a->www_auth);
    if (a->retry_after > 0) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", a->retry_after);
        MHD_add_response_header(r, "Retry-After", ra);
    }
    enum MHD_Result ret = MHD_queue_response(c, a->status, r);
    MHD_destroy_response(r);
    return ret;
}

static void fill_hdr(struct kmsd *d, struct mcx_kms_response *h, const char *user, const char *url)
{
    memset(h, 0, sizeof *h);
    snprintf(h->user_uri, sizeof h->user_uri, "%s", user && *user ? user : "unknown");
    snprintf(h->kms_uri, sizeof h->kms_uri, "%s", kms_issuer_community(d->issuer)->kms_uri);
    h->time = kms_now();
    snprintf(h->kms_id, sizeof h->kms_id, "%s", d->cfg.kms_id);
    snprintf(h->client_req_url, sizeof h->client_req_url, "%s", url);
}

/* A refusal: KmsError with ErrorCode = HTTP status; counted, then logged and audited by the refusal
 * queue's writer (one record, or a share of a per-source summary record when over budget). */
static void refuse(struct kmsd *d, struct answer *a, const struct req *rq, unsigned status,
                   const char *user, const char *url, const char *action, const char *why)
{
    struct mcx_kms_response h;
    fill_hdr(d, &h, user, url);
    a->status = status;
    if (mcx_kmsmsg_write_error(&h, status, why, &a->xml, &a->len) != MCX_OK) {
        a->xml = NULL;
        a->len = 0;
    }
    switch (status) {
    case 400:
        atomic_fetch_add(&d->m.bad_request, 1);
        break;
    case 401:
        atomic_fetch_add(&d->m.refused_auth, 1);
        break;
    case 403:
        atomic_fetch_add(&d->m.refused_forbidden, 1);
        break;
    case 404:
        atomic_fetch_add(&d->m.not_found, 1);
        break;
    case 405:
        atomic_fetch_add(&d->m.bad_method, 1);
        break;
    case 413:
        atomic_fetch_add(&d->m.too_large, 1);
        break;
    case 429:
        atomic_fetch_add(&d->m.rate_limited, 1);
        break;
    case 503:
        atomic_fetch_add(&d->m.overloaded, 1);
        break;
    default:
        atomic_fetch_add(&d->m.server_errors, 1);
        break;
    }
    const char *who = user && *user ? user : "anonymous";
    char detail[512];
    snprintf(detail, sizeof detail, "status=%u path=%.200s ip=%s reason=%s", status, url, rq->ip,
             why);
    kmsd_log(2, "refused %u %s ip=%s user=%s: %s", status, action, rq->ip, who, why);
    kms_auditq_push(d->auditq, rq->ip, who, action, user && *user ? user : "-", detail, "refused");
}

/* ---- path parsing -------------------------------------------------------------------------------
 */

static int hexv(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Strict percent-decoding of one path segment: %XX only, no NUL / control characters after
 * decoding, no raw characters outside the RFC 3986 pchar set. */
static int pct_decode(const char *s, size_t n, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '%') {
            if (i + 2 >= n)
                return -1;
            int hi = hexv((unsigned char)s[i + 1]), lo = hexv((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            ch = (unsigned char)(hi << 4 | lo);
            i += 2;
            if (ch < 0x20 || ch == 0x7f)
                return -1;
        } else if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                     (ch >= '0' && ch <= '9') || strchr("-._~!$&'()*+,;=:@", ch) != NULL)) {
            return -1;
        }
        if (o + 1 >= cap)
            return -1;
        out[o++] = (char)ch;
    }
    out[o] = '\0';
    return o > 0 ? 0 : -1;
}

enum route { R_NONE, R_INIT, R_KEYPROV, R_CERTCACHE };

struct target {
    enum route route;
    char identity[KMS_ID_MAX]; /* keyprov/<uri> */
    int has_time;
    uint64_t ntp_seconds;
    int has_cache_num;
    uint64_t cache_num;
};

/* 0 ok, 404 unknown path, 400 malformed segment */
static unsigned parse_path(const char *url, struct target *t)
{
    memset(t, 0, sizeof *t);
    if (strncmp(url, PREFIX, strlen(PREFIX)) != 0)
        return 404;
    const char *p = url + strlen(PREFIX);
    const char *seg2 = strchr(p, '/');
    size_t n1 = seg2 ? (size_t)(seg2 - p) : strlen(p);
    if (n1 == 4 && strncmp(p, "init", 4) == 0 && seg2 == NULL) {
        t->route = R_INIT;
        return 0;
    }
    if (n1 == 9 && strncmp(p, "certcache", 9) == 0) {
        t->route = R_CERTCACHE;
        if (seg2 == NULL)
            return 0;
        const char *q = seg2 + 1;
        if (*q == '\0' || strlen(q) > 19 || strspn(q, "0123456789") != strlen(q))
            return 400;
        t->has_cache_num = 1;
        t->cache_num = strtoull(q, NULL, 10);
        return 0;
    }
    if (n1 == 7 && strncmp(p, "keyprov", 7) == 0) {
        t->route = R_KEYPROV;
        if (seg2 == NULL)
            return 0;
        const char *u = seg2 + 1;
        const char *seg3 = strchr(u, '/');
        size_t nu = seg3 ? (size_t)(seg3 - u) : strlen(u);
        if (pct_decode(u, nu, t->identity, sizeof t->identity) != 0)
            return 400;
        if (seg3 == NULL)
            return 0;
        const char *h = seg3 + 1;
        /* D.2: the time is the 64-bit NTP-UTC timestamp in hex (RFC 5905); we use its seconds. */
        if (strlen(h) != 16 || strspn(h, "0123456789abcdefABCDEF") != 16)
            return 400;
        uint64_t v = 0;
        for (int i = 0; i < 16; i++)
            v = v << 4 | (uint64_t)hexv((unsigned char)h[i]);
        t->has_time = 1;
        t->ntp_seconds = v >> 32;
        return 0;
    }
    return 404;
}

/* ---- handlers
 * ------------------------------------------------------------------------------------ */

static const char *route_name(enum route r)
{
    return r == R_INIT        ? "init"
           : r == R_KEYPROV   ? "keyprov"
           : r == R_CERTCACHE ? "certcache"
                              : "unknown";
}

struct doc_list {
    char *docs[64];
    size_t lens[64];
    size_t n;
    int overflow;
};

/* A revoked domain is served too: its stored certificate carries Revoked=true (domain revoke), so
 * clients learn of the revocation at their next cert-cache fetch. */
static int collect_domain(void *ctx, const char *uri, const char *xml, int64_t added, int revoked)
{
    struct doc_list *l = ctx;
    (void)uri;
    (void)added;
    (void)revoked;
    if (l->n == 64) {
        l->overflow = 1;
        return 1;
    }
    l->docs[l->n] = strdup(xml);
    l->lens[l->n] = strlen(xml);
    if (l->docs[l->n] != NULL)
        l->n++;
    return 0;
}

static void handle(struct kmsd *d, struct MHD_Connection *c, const char *url, struct req *rq,
                   struct answer *a)
{
    struct target t;
    char identity[KMS_ID_MAX] = "", why[160] = "";
    struct mcx_kms_request kr;
    struct mcx_kms_response h;
    const struct kms_community *comm = kms_issuer_community(d->issuer);
    mcx_err rc;

    unsigned st = parse_path(url, &t);
    if (st == 404) {
        refuse(d, a, rq, 404, NULL, url, "request", "unknown resource");
        return;
    }
    /* 1. Who is asking (RFC 6750 Bearer token). */
    const char *authz = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (authz == NULL || strncmp(authz, "Bearer ", 7) != 0) {
        refuse(d, a, rq, 401, NULL, url, route_name(t.route), "no Bearer access token");
        a->www_auth = "Bearer realm=\"mcxsec-kms\"";
        return;
    }
    const char *tok = authz + 7;
    pthread_rwlock_rdlock(&d->cfg_lock);
    rc = kms_auth_verify_cached(&d->cfg.auth, d->tokens, tok, strlen(tok), kms_now(), identity, why,
                                sizeof why);
    pthread_rwlock_unlock(&d->cfg_lock);
    if (rc != MCX_OK) {
        int scope = rc == MCX_ERR_FORBIDDEN;
        refuse(d, a, rq, scope ? 403 : 401, NULL, url, route_name(t.route), why);
        a->www_auth = scope ? "Bearer realm=\"mcxsec-kms\", error=\"insufficient_scope\""
                            : "Bearer realm=\"mcxsec-kms\", error=\"invalid_token\"";
        return;
    }
    /* 2. Per-client rate limit, keyed by the authenticated identity (the per-address and global
     *    buckets were taken before authentication, once per request). */
    unsigned wait = kms_rl_take_key(&d->rl, KMS_RL_BY_IDENTITY, identity, kmsd_mono());
    if (wait > 0) {
        refuse(d, a, rq, 429, identity, url, route_name(t.route), "rate limit (identity)");
        a->retry_after = (int)wait;
        return;
    }
    if (st == 400) {
        refuse(d, a, rq, 400, identity, url, route_name(t.route),
               "malformed path (percent-encoding or time)");
        return;
    }
    /* 3. The KmsRequest body (D.2.2). */
    rc = mcx_kmsmsg_read_request(rq->body ? rq->body : "", rq->len, &kr);
    if (rc != MCX_OK) {
        refuse(d, a, rq, 400, identity, url, route_name(t.route), "malformed KmsRequest");
        return;
    }
    /* KMS Initialize is how a client learns the KMS URI: there, a different KmsUri is tolerated. */
    if (t.route != R_INIT && strcmp(kr.kms_uri, comm->kms_uri) != 0) {
        refuse(d, a, rq, 400, identity, url, route_name(t.route), "KmsUri is not this KMS");
        return;
    }
    if (strcmp(kr.user_uri, identity) != 0) {
        refuse(d, a, rq, 403, identity, url, route_name(t.route),
               "UserUri does not match the access token");
        return;
    }
    if (d->cfg.max_request_age > 0 && llabs(kms_now() - kr.time) > d->cfg.max_request_age) {
        refuse(d, a, rq, 400, identity, url, route_name(t.route), "request Time too far from now");
        return;
    }
    /* 4. The requester must be provisioned and not revoked. */
    struct kms_user u;
    rc = kmsdb_user_get(d->store, identity, &u);
    if (rc == MCX_ERR_NOT_FOUND) {
        refuse(d, a, rq, 403, identity, url, route_name(t.route),
               "identity not provisioned in this KMS");
        return;
    }
    if (rc != MCX_OK) {
        refuse(d, a, rq, 500, identity, url, route_name(t.route), "database error");
        return;
    }
    if (u.revoked) {
        atomic_fetch_add(&d->m.refused_revoked, 1);
        refuse(d, a, rq, 403, identity, url, route_name(t.route), "identity revoked");
        return;
    }
    if (kr.external_domain_used[0]) {
        /* MCSEC-1.7: the client reports use of an external domain; record it. */
        (void)kms_audit(d->store, identity, "domain.report", kr.external_domain_used,
                        "reported by client", "ok");
    }
    if (kr.has_client_error) {
        char detail[320];
        snprintf(detail, sizeof detail, "code=%lld msg=%.200s", (long long)kr.client_error_code,
                 kr.client_error_msg);
        (void)kms_audit(d->store, identity, "client.error", identity, detail, "reported");
    }
    fill_hdr(d, &h, identity, kr.client_req_url);

    if (t.route == R_INIT) {
        if (root_cert_doc == NULL) {
            refuse(d, a, rq, 501, identity, url, "init", "KMS certificate writer not built");
            return;
        }
        const char *docs[1] = {root_cert_doc};
        size_t lens[1] = {root_cert_len};
        if (mcx_kmsmsg_write_response(&h, MCX_KMS_MSG_INIT, docs, lens, 1, 0, &a->xml, &a->len) !=
            MCX_OK) {
            refuse(d, a, rq, 500, identity, url, "init", "response encoding failed");
            return;
        }
        a->status = 200;
        atomic_fetch_add(&d->m.init, 1);
        (void)kms_audit(d->store, identity, "init", identity, "", "ok");
        return;
    }

    if (t.route == R_CERTCACHE) {
        struct doc_list l;
        memset(&l, 0, sizeof l);
        struct kms_community now_comm;
        uint64_t cache_num = comm->cache_num;
        if (kmsdb_community_get(d->store, &now_comm) == MCX_OK)
            cache_num = now_comm.cache_num; /* another node or the CLI may have added a domain */
        mcx_wipe(&now_comm, sizeof now_comm);
        if (!(t.has_cache_num && t.cache_num == cache_num)) {
            if (kmsdb_domain_list_for(d->store, identity, collect_domain, &l) != MCX_OK) {
                refuse(d, a, rq, 500, identity, url, "certcache", "database error");
                goto cc_out;
            }
        }
        if (mcx_kmsmsg_write_response(&h, MCX_KMS_MSG_CERTCACHE, (const char *const *)l.docs,
                                      l.lens, l.n, cache_num, &a->xml, &a->len) != MCX_OK) {
            refuse(d, a, rq, 500, identity, url, "certcache", "response encoding failed");
            goto cc_out;
        }
        a->status = 200;
        atomic_fetch_add(&d->m.certcache, 1);
    cc_out:
        for (size_t i = 0; i < l.n; i++)
            free(l.docs[i]);
        return;
    }

    /* keyprov: whose keys, for which period */
    const char *target = t.identity[0] ? t.identity : identity;
    if (strcmp(target, identity) != 0) {
        rc = kmsdb_grant_check(d->store, identity, "identity", target);
        if (rc != MCX_OK) {
            refuse(d, a, rq, rc == MCX_ERR_FORBIDDEN ? 403 : 500, identity, url, "keyprov",
                   rc == MCX_ERR_FORBIDDEN ? "not permitted to obtain keys of that identity"
                                           : "database error");
            return;
        }
        struct kms_user tu;
        rc = kmsdb_user_get(d->store, target, &tu);
        if (rc != MCX_OK || tu.revoked) {
            if (tu.revoked)
                atomic_fetch_add(&d->m.refused_revoked, 1);
            refuse(d, a, rq, 403, identity, url, "keyprov",
                   rc == MCX_OK ? "target identity revoked" : "target identity not provisioned");
            return;
        }
    }
    uint64_t cur = 0, want = 0;
    if (kms_period_at(comm, kms_now(), &cur) != MCX_OK) {
        refuse(d, a, rq, 500, identity, url, "keyprov", "key period arithmetic failed");
        return;
    }
    want = cur;
    if (t.has_time) {
        if (t.ntp_seconds < comm->offset) {
            refuse(d, a, rq, 400, identity, url, "keyprov", "time before the first key period");
            return;
        }
        want = (t.ntp_seconds - comm->offset) / comm->period;
        if (want > cur + d->cfg.prefetch_periods || want + d->cfg.past_periods < cur) {
            refuse(d, a, rq, 403, identity, url, "keyprov",
                   "key period outside the permitted window");
            return;
        }
    }
#if MCX_HAVE_KMSXML
    struct mcx_kms_keyset ks;
    int fresh = 0;
    char detail[160];
    snprintf(detail, sizeof detail, "period=%llu issued", (unsigned long long)want);
    rc = kms_issue_audited(d->issuer, d->store, target, want, identity, detail, &ks, &fresh);
    if (rc != MCX_OK) {
        mcx_wipe(&ks, sizeof ks);
        kmsd_log(0, "issuing for %s period %llu failed: %s", target, (unsigned long long)want,
                 mcx_strerror(rc));
        refuse(d, a, rq, 500, identity, url, "keyprov", "key issuing failed");
        return;
    }
    char *doc = NULL;
    size_t dlen = 0;
    rc = mcx_kmsxml_write_keyset(&ks, &doc, &dlen);
    mcx_wipe(&ks, sizeof ks);
    if (rc == MCX_OK) {
        const char *docs[1] = {doc};
        size_t lens[1] = {dlen};
        rc = mcx_kmsmsg_write_response(&h, MCX_KMS_MSG_KEYPROV, docs, lens, 1, 0, &a->xml, &a->len);
    }
    mcx_kmsxml_free(doc, dlen);
    if (rc != MCX_OK) {
        refuse(d, a, rq, 500, identity, url, "keyprov", "response encoding failed");
        return;
    }
    a->status = 200;
    atomic_fetch_add(fresh ? &d->m.keysets_issued : &d->m.keysets_served, 1);
    if (!fresh) { /* a fresh set was audited in the transaction that stored it */
        snprintf(detail, sizeof detail, "period=%llu re-served", (unsigned long long)want);
        if (kms_audit(d->store, identity, "keyprov", target, detail, "ok") != MCX_OK)
            kmsd_log(0, "audit write failed: %s", d->store->errmsg);
    }
#else
    refuse(d, a, rq, 501, identity, url, "keyprov",
           "key issuing not built (crypto core / Annex D writer missing)");
#endif
}

/* ---- libmicrohttpd glue -----------------------------------------------------------------------
 */

static void client_ip(struct MHD_Connection *c, char *out, size_t cap)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, cap, "unknown");
    if (ci == NULL || ci->client_addr == NULL)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)cap);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)cap);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct kmsd *d = cls;
    struct req *rq = *con_cls;
    struct answer a;
    (void)version;
    memset(&a, 0, sizeof a);
    if (rq == NULL) {
        rq = calloc(1, sizeof *rq);
        if (rq == NULL)
            return MHD_NO;
        *con_cls = rq;
        rq->t0 = kmsd_mono();
        client_ip(c, rq->ip, sizeof rq->ip);
        atomic_fetch_add(&d->m.requests, 1);
        unsigned inflight = atomic_fetch_add(&d->m.inflight, 1) + 1;
        rq->counted = 1;
        /* Before anything else (no token checked, no XML parsed): the source address's bucket... */
        unsigned wait = kms_rl_take_key(&d->rl, KMS_RL_BY_IP, rq->ip, rq->t0);
        if (wait > 0) {
            refuse(d, &a, rq, 429, NULL, url, "request", "rate limit (source address)");
            a.retry_after = (int)wait;
            return send_answer(c, &a);
        }
        /* ... then the server's own capacity, counted once per request. */
        wait = inflight > d->cfg.max_inflight ? 1 : kms_rl_take_global(&d->rl, rq->t0);
        if (wait > 0) {
            refuse(d, &a, rq, 503, NULL, url, "request", "overloaded");
            a.retry_after = (int)wait;
            return send_answer(c, &a);
        }
        if (strcmp(method, "POST") != 0) {
            refuse(d, &a, rq, 405, NULL, url, "request", "only POST is defined (Annex D.2)");
            return send_answer(c, &a);
        }
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl != NULL && strtoull(cl, NULL, 10) > d->cfg.max_body) {
            refuse(d, &a, rq, 413, NULL, url, "request", "request body too large");
            return send_answer(c, &a);
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        /* A body dribbled in below the idle timeout still has to arrive within it in total. */
        if (kmsd_mono() - rq->t0 > (double)d->cfg.connection_timeout) {
            atomic_fetch_add(&d->m.slow_bodies, 1);
            return MHD_NO;
        }
        if (rq->too_large || rq->len + n > d->cfg.max_body) {
            rq->too_large = 1;
            return MHD_YES;
        }
        if (rq->len + n + 1 > rq->cap) {
            size_t cap = rq->cap ? rq->cap : 4096;
            while (cap < rq->len + n + 1)
                cap *= 2;
            char *nb = realloc(rq->body, cap);
            if (nb == NULL)
                return MHD_NO;
            rq->body = nb;
            rq->cap = cap;
        }
        memcpy(rq->body + rq->len, upload_data, n);
        rq->len += n;
        rq->body[rq->len] = '\0';
        return MHD_YES;
    }
    if (rq->too_large) {
        refuse(d, &a, rq, 413, NULL, url, "request", "request body too large");
        return send_answer(c, &a);
    }
    handle(d, c, url, rq, &a);
    if (a.status == 200)
        atomic_fetch_add(&d->m.ok, 1);
    return send_answer(c, &a);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct kmsd *d = cls;
    struct req *rq = *con_cls;
    (void)c;
    (void)toe;
    if (rq == NULL)
        return;
    if (rq->counted)
        atomic_fetch_sub(&d->m.inflight, 1);
    if (rq->body != NULL) {
        mcx_wipe(rq->body, rq->cap);
        free(rq->body);
    }
    free(rq);
    *con_cls = NULL;
}

/* The total connection cap: refuse (close at once) beyond max_connections instead of letting
 * libmicrohttpd stop accepting, which leaves new clients hanging in the listen backlog. The count
 * goes up when a connection starts and down when it closes; concurrent accepts on several worker
 * threads may overshoot the cap by at most threads - 1. The per-address cap is libmicrohttpd's own
 * (exact). */
static atomic_uint open_connections;

static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    struct kmsd *d = cls;
    (void)addr;
    (void)addrlen;
    if (atomic_load(&open_connections) >= d->cfg.max_connections) {
        atomic_fetch_add(&d->m.connections_refused, 1);
        return MHD_NO;
    }
    return MHD_YES;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    (void)cls;
    (void)c;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        atomic_fetch_add(&open_connections, 1);
        *socket_context = &open_connections; /* this connection is counted */
    } else if (toe == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context == &open_connections) {
        atomic_fetch_sub(&open_connections, 1);
        *socket_context = NULL;
    }
}

/* Leave the URL as received: our own strict decoder handles each path segment. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

/* ---- admin listener -------------------------------------------------------------------------- */

static long rss_kib(void)
{
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL)
        return -1;
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
        rss = -1;
    fclose(f);
    return rss < 0 ? -1 : rss * (sysconf(_SC_PAGESIZE) / 1024);
}

struct text {
    char *p;
    size_t cap, len;
};

static void __attribute__((format(printf, 2, 3))) add(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->p + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->len = t->len + (size_t)n < t->cap ? t->len + (size_t)n : t->cap - 1;
}

static void counter(struct text *t, const char *name, const char *help, unsigned long long v)
{
    add(t, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help, name, name, v);
}

static void metrics_text(struct kmsd *d, char *buf, size_t cap)
{
    struct kmsd_metrics *m = &d->m;
    struct text t = {buf, cap, 0};
    struct kms_auditq_stats aq;
    static const struct {
        const char *status;
        size_t off;
    } by_status[] = {
        {"200", offsetof(struct kmsd_metrics, ok)},
        {"400", offsetof(struct kmsd_metrics, bad_request)},
        {"401", offsetof(struct kmsd_metrics, refused_auth)},
        {"403", offsetof(struct kmsd_metrics, refused_forbidden)},
        {"404", offsetof(struct kmsd_metrics, not_found)},
        {"405", offsetof(struct kmsd_metrics, bad_method)},
        {"413", offsetof(struct kmsd_metrics, too_large)},
        {"429", offsetof(struct kmsd_metrics, rate_limited)},
        {"503", offsetof(struct kmsd_metrics, overloaded)},
        {"5xx", offsetof(struct kmsd_metrics, server_errors)},
    };
    buf[0] = '\0';
    counter(&t, "mcxkms_requests_total", "KMS HTTPS requests received.", m->requests);
    add(&t, "# HELP mcxkms_responses_total Answers by HTTP status.\n"
            "# TYPE mcxkms_responses_total counter\n");
    for (size_t i = 0; i < sizeof by_status / sizeof by_status[0]; i++)
        add(&t, "mcxkms_responses_total{status=\"%s\"} %llu\n", by_status[i].status,
            (unsigned long long)atomic_load((atomic_ullong *)((char *)m + by_status[i].off)));
    counter(&t, "mcxkms_refused_revoked_total", "Requests refused for a revoked identity.",
            m->refused_revoked);
    counter(&t, "mcxkms_connections_refused_total",
            "Connections closed at once: total cap reached.", m->connections_refused);
    add(&t, "# TYPE mcxkms_connections gauge\nmcxkms_connections %u\n",
        (unsigned)atomic_load(&open_connections));
    counter(&t, "mcxkms_slow_bodies_total", "Connections closed: body not complete in time.",
            m->slow_bodies);
    counter(&t, "mcxkms_keysets_issued_total", "Key sets generated and stored.", m->keysets_issued);
    counter(&t, "mcxkms_keysets_served_total", "Stored key sets served again.", m->keysets_served);
    counter(&t, "mcxkms_keysets_validated_total", "Stored key sets self-checked before serving.",
            kms_issuer_validations(d->issuer));
    counter(&t, "mcxkms_init_total", "KmsInit answers.", m->init);
    counter(&t, "mcxkms_certcache_total", "KmsCertCache answers.", m->certcache);
    kms_auditq_get_stats(d->auditq, &aq);
    counter(&t, "mcxkms_audit_refusals_recorded_total", "Refusals audited one by one.",
            aq.recorded);
    counter(&t, "mcxkms_audit_refusals_summarised_total", "Refusals counted in summary records.",
            aq.summarised);
    counter(&t, "mcxkms_audit_summaries_total", "Summary records written.", aq.summaries);
    counter(&t, "mcxkms_audit_batches_total", "Refusal audit transactions committed.", aq.batches);
    counter(&t, "mcxkms_audit_lost_total", "Refusals in failed audit transactions.", aq.lost);
    add(&t, "# TYPE mcxkms_inflight gauge\nmcxkms_inflight %u\n", (unsigned)m->inflight);
    add(&t, "# TYPE mcxkms_resident_memory_kib gauge\nmcxkms_resident_memory_kib %ld\n", rss_kib());
    add(&t, "# TYPE mcxkms_uptime_seconds gauge\nmcxkms_uptime_seconds %.0f\n",
        kmsd_mono() - d->started);
}

static enum MHD_Result on_admin(void *cls, struct MHD_Connection *c, const char *url,
                                const char *method, const char *version, const char *upload_data,
                                size_t *upload_data_size, void **con_cls)
{
    struct kmsd *d = cls;
    char *buf = malloc(8192);
    unsigned status = 200;
    (void)version;
    (void)upload_data;
    (void)upload_data_size;
    (void)con_cls;
    if (buf == NULL)
        return MHD_NO;
    if (strcmp(method, "GET") != 0) {
        status = 405;
        snprintf(buf, 8192, "method not allowed\n");
    } else if (strcmp(url, "/healthz") == 0) {
        struct kms_community cm;
        mcx_err rc = kmsdb_community_get(d->store, &cm);
        mcx_wipe(&cm, sizeof cm);
        status = rc == MCX_OK ? 200 : 503;
        snprintf(buf, 8192, rc == MCX_OK ? "ok\n" : "database unavailable\n");
    } else if (strcmp(url, "/metrics") == 0) {
        metrics_text(d, buf, 8192);
    } else {
        status = 404;
        snprintf(buf, 8192, "not found\n");
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(buf), buf, MHD_RESPMEM_MUST_FREE);
    if (r == NULL) {
        free(buf);
        return MHD_NO;
    }
    MHD_add_response_header(
        r, "Content-Type",
        status == 200 && strcmp(url, "/metrics") == 0 ? "text/plain; version=0.0.4" : "text/plain");
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* ---- start / stop
 * -------------------------------------------------------------------------------- */

static int parse_addr(const char *s, struct sockaddr_in *sa)
{
    char host[64];
    const char *colon = strrchr(s, ':');
    if (colon == NULL || (size_t)(colon - s) >= sizeof host)
        return -1;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    char *end = NULL;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (*end != '\0' || port > 65535)
        return -1;
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = malloc(65537);
    size_t n = buf ? fread(buf, 1, 65536, f) : 0;
    fclose(f);
    if (buf == NULL || n == 0 || n == 65536) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

int kmsd_http_start(struct kmsd *d, char *err, size_t errlen)
{
    struct sockaddr_in sa, aa;
    log_level = d->cfg.verbose + 1;
    if (parse_addr(d->cfg.listen, &sa) != 0) {
        snprintf(err, errlen, "[server] listen: expected IPv4:port, got %s", d->cfg.listen);
        return -1;
    }
    tls_cert_pem = slurp(d->cfg.cert);
    tls_key_pem = slurp(d->cfg.key);
    if (tls_cert_pem == NULL || tls_key_pem == NULL) {
        snprintf(err, errlen, "cannot read the TLS certificate or key (%s, %s)", d->cfg.cert,
                 d->cfg.key);
        return -1;
    }
#if MCX_HAVE_KMSXML
    {
        struct mcx_kms_cert cert;
        kms_issuer_cert(d->issuer, &cert);
        if (mcx_kmsxml_write_cert(&cert, &root_cert_doc, &root_cert_len) != MCX_OK) {
            snprintf(err, errlen, "cannot write the KMS certificate");
            return -1;
        }
    }
#endif
    /* libmicrohttpd's own total limit is only a backstop above ours (on_accept). */
    unsigned backstop = d->cfg.max_connections + d->cfg.threads + 16;
    tls_daemon = MHD_start_daemon(
        MHD_USE_TLS | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0,
        on_accept, d, on_request, d, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
        MHD_OPTION_HTTPS_MEM_CERT, tls_cert_pem, MHD_OPTION_HTTPS_MEM_KEY, tls_key_pem,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(d->cfg.threads > 1 ? d->cfg.threads : 0),
        MHD_OPTION_CONNECTION_LIMIT, backstop, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned int)d->cfg.per_ip_connections, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned int)d->cfg.connection_timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)(64 * 1024), MHD_OPTION_NOTIFY_COMPLETED, on_completed, d,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, d, MHD_OPTION_UNESCAPE_CALLBACK, no_unescape,
        NULL, MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1, MHD_OPTION_LISTEN_BACKLOG_SIZE,
        (unsigned int)1024, MHD_OPTION_END);
    if (tls_daemon == NULL) {
        snprintf(err, errlen, "cannot start the HTTPS listener on %s", d->cfg.listen);
        return -1;
    }
    if (strcmp(d->cfg.admin_listen, "off") != 0) {
        if (parse_addr(d->cfg.admin_listen, &aa) != 0 || (ntohl(aa.sin_addr.s_addr) >> 24) != 127) {
            snprintf(err, errlen, "[admin] listen must be 127.x.x.x:port");
            return -1;
        }
        admin_daemon = MHD_start_daemon(
            MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_admin, d,
            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&aa, MHD_OPTION_CONNECTION_LIMIT,
            (unsigned int)64, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
            MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1, MHD_OPTION_END);
        if (admin_daemon == NULL) {
            snprintf(err, errlen, "cannot start the admin listener on %s", d->cfg.admin_listen);
            return -1;
        }
    }
    return 0;
}

void kmsd_http_stop(void)
{
    if (tls_daemon != NULL)
        MHD_stop_daemon(tls_daemon);
    if (admin_daemon != NULL)
        MHD_stop_daemon(admin_daemon);
    tls_daemon = admin_daemon = NULL;
    if (tls_key_pem != NULL) {
        mcx_wipe(tls_key_pem, strlen(tls_key_pem));
        free(tls_key_pem);
    }
    free(tls_cert_pem);
    tls_key_pem = tls_cert_pem = NULL;
#if MCX_HAVE_KMSXML
    mcx_kmsxml_free(root_cert_doc, root_cert_len);
#endif
    root_cert_doc = NULL;
}
