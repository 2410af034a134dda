/*
 * services/kms/kmsdb.c — the KMS data model (kmsdb.h): every statement is a static SQL text with
 * bound parameters, identical for SQLite and PostgreSQL. Administrative changes and their audit
 * record are written in one transaction, so the log cannot miss an action that took effect.
 */
#include "kmsdb.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mcxsec/util.h"

int64_t kms_now(void)
{
    return (int64_t)time(NULL);
}

const char *kms_kind_name(enum kms_user_kind k)
{
    switch (k) {
    case KMS_GMS:
        return "gms";
    case KMS_SERVER:
        return "server";
    default:
        return "user";
    }
}

int kms_kind_parse(const char *s, enum kms_user_kind *k)
{
    if (strcmp(s, "user") == 0)
        *k = KMS_USER;
    else if (strcmp(s, "gms") == 0)
        *k = KMS_GMS;
    else if (strcmp(s, "server") == 0)
        *k = KMS_SERVER;
    else
        return -1;
    return 0;
}

static void copy_text(char *dst, size_t cap, const struct kms_val *v)
{
    if (v->type == KMS_V_TEXT)
        snprintf(dst, cap, "%s", v->text);
    else
        dst[0] = '\0';
}

static int copy_blob(uint8_t *dst, size_t want, const struct kms_val *v)
{
    if (v->type != KMS_V_BLOB || v->len != want)
        return -1;
    memcpy(dst, v->blob, want);
    return 0;
}

/* ---- community ---------------------------------------------------------------------------------- */

struct comm_ctx {
    struct kms_community *c;
    int found, bad;
};

static int comm_row(void *ctx, const struct kms_val *v, size_t n)
{
    struct comm_ctx *x = ctx;
    struct kms_community *c = x->c;
    x->found = 1;
    if (n != 10 || v[7].type != KMS_V_BLOB || v[7].len > sizeof c->secrets) {
        x->bad = 1;
        return 1;
    }
    copy_text(c->kms_uri, sizeof c->kms_uri, &v[0]);
    c->period = (uint64_t)v[1].i;
    c->offset = (uint64_t)v[2].i;
    c->param_set = (unsigned)v[3].i;
    if (copy_blob(c->kpak, sizeof c->kpak, &v[4]) || copy_blob(c->z_pub, sizeof c->z_pub, &v[5]))
        x->bad = 1;
    memcpy(c->secrets, v[7].blob, v[7].len);
    c->secrets_len = v[7].len;
    copy_text(c->issuer, sizeof c->issuer, &v[6]);
    c->created = v[8].i;
    c->cache_num = (uint64_t)v[9].i;
    return 1;
}

mcx_err kmsdb_community_get(struct kms_store *s, struct kms_community *c)
{
    static const char sql[] = "SELECT kms_uri, key_period, key_offset, param_set, kpak, z_pub, issuer,"
                              " secrets, created, cache_num FROM community WHERE id = 1";
    struct comm_ctx x = {c, 0, 0};
    memset(c, 0, sizeof *c);
    mcx_err rc = kms_store_exec(s, sql, NULL, 0, comm_row, &x, NULL);
    if (rc != MCX_OK)
        return rc;
    if (!x.found)
        return MCX_ERR_NOT_FOUND;
    return x.bad ? MCX_ERR_DB : MCX_OK;
}

struct create_ctx {
    const struct kms_community *c;
    const char *actor;
};

static mcx_err community_create_tx(struct kms_store *s, void *ctx)
{
    static const char sql[] =
        "INSERT INTO community (id, kms_uri, key_period, key_offset, param_set, kpak, z_pub, secrets,"
        " issuer, created, cache_num) VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, 1)";
    struct create_ctx *x = ctx;
    const struct kms_community *c = x->c;
    struct kms_val p[9] = {kms_text(c->kms_uri), kms_int((int64_t)c->period),
                           kms_int((int64_t)c->offset), kms_int(c->param_set),
                           kms_blob(c->kpak, sizeof c->kpak), kms_blob(c->z_pub, sizeof c->z_pub),
                           kms_blob(c->secrets, c->secrets_len), kms_text(c->issuer),
                           kms_int(kms_now())};
    mcx_err rc = kms_store_exec_locked(s, sql, p, 9, NULL, NULL, NULL);
    if (rc != MCX_OK)
        return rc;
    char detail[128];
    snprintf(detail, sizeof detail, "period=%llu offset=%llu param_set=%u",
             (unsigned long long)c->period, (unsigned long long)c->offset, c->param_set);
    return kms_audit_locked(s, x->actor, "community.init", c->kms_uri, detail, "ok");
}

mcx_err kmsdb_community_create(struct kms_store *s, const struct kms_community *c, const char *actor)
{
    struct create_ctx x = {c, actor};
    return kms_store_tx(s, community_create_tx, &x);
}

/* ---- users and grants --------------------------------------------------------------------------- */

struct user_op {
    const char *uri, *actor, *kind, *target;
    enum kms_user_kind ukind;
};

static mcx_err user_add_tx(struct kms_store *s, void *ctx)
{
    static const char sql[] = "INSERT INTO users (uri, kind, revoked, created) VALUES ($1, $2, 0, $3)";
    struct user_op *o = ctx;
    struct kms_val p[3] = {kms_text(o->uri), kms_text(kms_kind_name(o->ukind)), kms_int(kms_now())};
    mcx_err rc = kms_store_exec_locked(s, sql, p, 3, NULL, NULL, NULL);
    if (rc != MCX_OK)
        return rc;
    return kms_audit_locked(s, o->actor, "user.add", o->uri, kms_kind_name(o->ukind), "ok");
}

mcx_err kmsdb_user_add(struct kms_store *s, const char *uri, enum kms_user_kind kind, const char *actor)
{
    struct user_op o = {uri, actor, NULL, NULL, kind};
    if (uri == NULL || *uri == '\0' || strlen(uri) >= KMS_URI_MAX)
        return MCX_ERR_ARG;
    return kms_store_tx(s, user_add_tx, &o);
}

struct bulk_op {
    const char *const *uris;
    size_t n;
    enum kms_user_kind kind;
    const char *actor;
    uint64_t added;
};

static mcx_err user_bulk_tx(struct kms_store *s, void *ctx)
{
    static const char sql[] = "INSERT INTO users (uri, kind, revoked, created) VALUES ($1, $2, 0, $3)"
                              " ON CONFLICT (uri) DO NOTHING";
    struct bulk_op *o = ctx;
    int64_t now = kms_now();
    o->added = 0;
    for (size_t i = 0; i < o->n; i++) {
        uint64_t ch = 0;
        if (o->uris[i][0] == '\0' || strlen(o->uris[i]) >= KMS_URI_MAX)
            return MCX_ERR_ARG;
        struct kms_val p[3] = {kms_text(o->uris[i]), kms_text(kms_kind_name(o->kind)), kms_int(now)};
        mcx_err rc = kms_store_exec_locked(s, sql, p, 3, NULL, NULL, &ch);
        if (rc != MCX_OK)
            return rc;
        o->added += ch;
    }
    char detail[96];
    snprintf(detail, sizeof detail, "%s count=%llu", kms_kind_name(o->kind), (unsigned long long)o->added);
    return kms_audit_locked(s, o->actor, "user.add-bulk", "*", detail, "ok");
}

mcx_err kmsdb_user_add_bulk(struct kms_store *s, const char *const *uris, size_t n, enum kms_user_kind kind,
                            const char *actor, uint64_t *added)
{
    struct bulk_op o = {uris, n, kind, actor, 0};
    mcx_err rc = kms_store_tx(s, user_bulk_tx, &o);
    *added = rc == MCX_OK ? o.added : 0;
    return rc;
}

static int user_row(void *ctx, const struct kms_val *v, size_t n)
{
    struct kms_user *u = ctx;
    if (n != 4)
        return 1;
    copy_text(u->uri, sizeof u->uri, &v[0]);
    if (v[1].type != KMS_V_TEXT || kms_kind_parse(v[1].text, &u->kind) != 0)
        u->kind = KMS_USER;
    u->revoked = v[2].i != 0;
    u->created = v[3].i;
    return 0;
}

struct user_get_ctx {
    struct kms_user *u;
    int found;
};

static int user_get_row(void *ctx, const struct kms_val *v, size_t n)
{
    struct user_get_ctx *x = ctx;
    x->found = 1;
    user_row(x->u, v, n);
    return 1;
}

mcx_err kmsdb_user_get(struct kms_store *s, const char *uri, struct kms_user *u)
{
    static const char sql[] = "SELECT uri, kind, revoked, created FROM users WHERE uri = $1";
    struct user_get_ctx x = {u, 0};
    struct kms_val p = kms_text(uri);
    memset(u, 0, sizeof *u);
    mcx_err rc = kms_store_exec(s, sql, &p, 1, user_get_row, &x, NULL);
    if (rc != MCX_OK)
        return rc;
    return x.found ? MCX_OK : MCX_ERR_NOT_FOUND;
}

struct user_list_ctx {
    kmsdb_user_cb cb;
    void *ctx;
};

static int user_list_row(void *ctx, const struct kms_val *v, size_t n)
{
    struct user_list_ctx *x = ctx;
    struct kms_user u;
    memset(&u, 0, sizeof u);
    user_row(&u, v, n);
    return x->cb(x->ctx, &u);
}

mcx_err kmsdb_user_list(struct kms_store *s, kmsdb_user_cb cb, void *ctx)
{
    static const char sql[] = "SELECT uri, kind, revoked, created FROM users ORDER BY uri";
    struct user_list_ctx x = {cb, ctx};
    return kms_store_exec(s, sql, NULL, 0, user_list_row, &x, NULL);
}

static mcx_err user_revoke_tx(struct kms_store *s, void *ctx)
{
    static const char q_user[] = "UPDATE users SET revoked = 1, revoked_at = $1 WHERE uri = $2";
    static const char q_keys[] = "UPDATE keysets SET revoked = 1 WHERE uri = $1";
    struct user_op *o = ctx;
    uint64_t changed = 0, keys = 0;
    struct kms_val p[2] = {kms_int(kms_now()), kms_text(o->uri)};
    mcx_err rc = kms_store_exec_locked(s, q_user, p, 2, NULL, NULL, &changed);
    if (rc != MCX_OK)
        return rc;
    if (changed == 0)
        return MCX_ERR_NOT_FOUND;
    if ((rc = kms_store_exec_locked(s, q_keys, &p[1], 1, NULL, NULL, &keys)) != MCX_OK)
        return rc;
    char detail[64];
    snprintf(detail, sizeof detail, "key_sets_revoked=%llu", (unsigned long long)keys);
    return kms_audit_locked(s, o->actor, "user.revoke", o->uri, detail, "ok");
}

mcx_err kmsdb_user_revoke(struct kms_store *s, const char *uri, const char *actor)
{
    struct user_op o = {uri, actor, NULL, NULL, KMS_USER};
    return kms_store_tx(s, user_revoke_tx, &o);
}

static mcx_err grant_tx(struct kms_store *s, void *ctx)
{
    static const char sql[] = "INSERT INTO grants (holder, kind, target, created) VALUES ($1, $2, $3, $4)"
                              " ON CONFLICT (holder, kind, target) DO NOTHING";
    struct user_op *o = ctx;
    struct kms_val p[4] = {kms_text(o->uri), kms_text(o->kind), kms_text(o->target), kms_int(kms_now())};
    mcx_err rc = kms_store_exec_locked(s, sql, p, 4, NULL, NULL, NULL);
    if (rc != MCX_OK)
        return rc;
    char detail[KMS_URI_MAX + 32];
    snprintf(detail, sizeof detail, "%s=%s", o->kind, o->target);
    return kms_audit_locked(s, o->actor, "grant", o->uri, detail, "ok");
}

mcx_err kmsdb_grant(struct kms_store *s, const char *holder, const char *kind, const char *target,
                    const char *actor)
{
    struct user_op o = {holder, actor, kind, target, KMS_USER};
    if (strcmp(kind, "identity") != 0 && strcmp(kind, "domain") != 0)
        return MCX_ERR_ARG;
    if (strlen(target) >= KMS_URI_MAX || *target == '\0')
        return MCX_ERR_ARG;
    return kms_store_tx(s, grant_tx, &o);
}

static int found_row(void *ctx, const struct kms_val *v, size_t n)
{
    (void)v;
    (void)n;
    *(int *)ctx = 1;
    return 1;
}

mcx_err kmsdb_grant_check(struct kms_store *s, const char *holder, const char *kind, const char *target)
{
    static const char sql[] = "SELECT 1 FROM grants WHERE holder = $1 AND kind = $2 AND target = $3";
    struct kms_val p[3] = {kms_text(holder), kms_text(kind), kms_text(target)};
    int found = 0;
    mcx_err rc = kms_store_exec(s, sql, p, 3, found_row, &found, NULL);
    if (rc != MCX_OK)
        return rc;
    return found ? MCX_OK : MCX_ERR_FORBIDDEN;
}

/* ---- external domains ------------------------------------------------------------------------- */

struct domain_op {
    const char *uri, *xml, *actor;
};

/* Clients learn from a new CacheNum that the cert cache changed. */
static mcx_err bump_cache(struct kms_store *s)
{
    static const char q_bump[] = "UPDATE community SET cache_num = cache_num + 1 WHERE id = 1";
    return kms_store_exec_locked(s, q_bump, NULL, 0, NULL, NULL, NULL);
}

static mcx_err domain_add_tx(struct kms_store *s, void *ctx)
{
    static const char q_add[] = "INSERT INTO domains (kms_uri, cert_xml, added) VALUES ($1, $2, $3)"
                                " ON CONFLICT (kms_uri) DO UPDATE SET cert_xml = excluded.cert_xml,"
                                " added = excluded.added WHERE domains.revoked = 0";
    struct domain_op *o = ctx;
    struct kms_val p[3] = {kms_text(o->uri), kms_text(o->xml), kms_int(kms_now())};
    uint64_t changes = 0;
    mcx_err rc = kms_store_exec_locked(s, q_add, p, 3, NULL, NULL, &changes);
    if (rc == MCX_OK && changes == 0)
        return MCX_ERR_REVOKED; /* the row exists and is revoked */
    if (rc == MCX_OK)
        rc = bump_cache(s);
    if (rc == MCX_OK)
        rc = kms_audit_locked(s, o->actor, "domain.add-external", o->uri, "", "ok");
    return rc;
}

static mcx_err domain_revoke_tx(struct kms_store *s, void *ctx)
{
    static const char q_rev[] = "UPDATE domains SET revoked = 1, cert_xml = $1 WHERE kms_uri = $2";
    struct domain_op *o = ctx;
    struct kms_val p[2] = {kms_text(o->xml), kms_text(o->uri)};
    uint64_t changes = 0;
    mcx_err rc = kms_store_exec_locked(s, q_rev, p, 2, NULL, NULL, &changes);
    if (rc == MCX_OK && changes == 0)
        return MCX_ERR_NOT_FOUND;
    if (rc == MCX_OK)
        rc = bump_cache(s);
    if (rc == MCX_OK)
        rc = kms_audit_locked(s, o->actor, "domain.revoke", o->uri, "served with Revoked=true",
                              "ok");
    return rc;
}

mcx_err kmsdb_domain_add(struct kms_store *s, const char *kms_uri, const char *cert_xml,
                         const char *actor)
{
    struct domain_op o = {kms_uri, cert_xml, actor};
    return kms_store_tx(s, domain_add_tx, &o);
}

mcx_err kmsdb_domain_revoke(struct kms_store *s, const char *kms_uri, const char *revoked_xml,
                            const char *actor)
{
    struct domain_op o = {kms_uri, revoked_xml, actor};
    return kms_store_tx(s, domain_revoke_tx, &o);
}

struct domain_list_ctx {
    kmsdb_domain_cb cb;
    void *ctx;
};

static int domain_row(void *ctx, const struct kms_val *v, size_t n)
{
    struct domain_list_ctx *x = ctx;
    if (n != 4 || v[0].type != KMS_V_TEXT || v[1].type != KMS_V_TEXT)
        return 0;
    return x->cb(x->ctx, v[0].text, v[1].text, v[2].i, v[3].i != 0);
}

mcx_err kmsdb_domain_list(struct kms_store *s, kmsdb_domain_cb cb, void *ctx)
{
    static const char sql[] =
        "SELECT kms_uri, cert_xml, added, revoked FROM domains ORDER BY kms_uri";
    struct domain_list_ctx x = {cb, ctx};
    return kms_store_exec(s, sql, NULL, 0, domain_row, &x, NULL);
}

mcx_err kmsdb_domain_list_for(struct kms_store *s, const char *user, kmsdb_domain_cb cb, void *ctx)
{
    static const char sql[] =
        "SELECT d.kms_uri, d.cert_xml, d.added, d.revoked FROM domains d"
        " WHERE EXISTS (SELECT 1 FROM grants g"
        " WHERE g.holder = $1 AND g.kind = 'domain' AND (g.target = d.kms_uri OR g.target = '*'))"
        " ORDER BY d.kms_uri";
    struct domain_list_ctx x = {cb, ctx};
    struct kms_val p = kms_text(user);
    return kms_store_exec(s, sql, &p, 1, domain_row, &x, NULL);
}

/* ---- key sets ------------------------------------------------------------------------------------ */

struct keyset_ctx {
    struct kms_stored_keyset *k;
    int found, bad;
};

static int keyset_row(void *ctx, const struct kms_val *v, size_t n)
{
    struct keyset_ctx *x = ctx;
    x->found = 1;
    if (n != 4 || copy_blob(x->k->pvt, sizeof x->k->pvt, &v[1]) ||
        copy_blob(x->k->sealed, sizeof x->k->sealed, &v[2])) {
        x->bad = 1;
        return 1;
    }
    x->k->issued = v[0].i;
    x->k->revoked = v[3].i != 0;
    return 1;
}

mcx_err kmsdb_keyset_get(struct kms_store *s, const char *uri, uint64_t period_no,
                         struct kms_stored_keyset *k)
{
    static const char sql[] =
        "SELECT issued, pvt, sealed, revoked FROM keysets WHERE uri = $1 AND period_no = $2";
    struct kms_val p[2] = {kms_text(uri), kms_int((int64_t)period_no)};
    struct keyset_ctx x = {k, 0, 0};
    k->period_no = period_no;
    mcx_err rc = kms_store_exec(s, sql, p, 2, keyset_row, &x, NULL);
    if (rc != MCX_OK)
        return rc;
    if (!x.found)
        return MCX_ERR_NOT_FOUND;
    return x.bad ? MCX_ERR_DB : MCX_OK;
}

struct page_ctx {
    kmsdb_keyset_cb cb;
    void *ctx;
    int bad;
};

static int page_row(void *ctx, const struct kms_val *v, size_t n)
{
    struct page_ctx *x = ctx;
    struct kms_stored_keyset k;
    memset(&k, 0, sizeof k);
    if (n != 6 || v[0].type != KMS_V_TEXT || v[1].type != KMS_V_INT) {
        x->bad = 1;
        return 1;
    }
    k.period_no = (uint64_t)v[1].i;
    k.issued = v[2].i;
    k.revoked = v[5].i != 0;
    int malformed = copy_blob(k.pvt, sizeof k.pvt, &v[3]) != 0 ||
                    copy_blob(k.sealed, sizeof k.sealed, &v[4]) != 0;
    int r = x->cb(x->ctx, v[0].text, &k, malformed);
    mcx_wipe(&k, sizeof k);
    return r;
}

mcx_err kmsdb_keyset_page(struct kms_store *s, const char *after_uri, int64_t after_period,
                          unsigned limit, kmsdb_keyset_cb cb, void *ctx)
{
    static const char sql[] = "SELECT uri, period_no, issued, pvt, sealed, revoked FROM keysets"
                              " WHERE uri > $1 OR (uri = $1 AND period_no > $2)"
                              " ORDER BY uri, period_no LIMIT $3";
    struct kms_val p[3] = {kms_text(after_uri), kms_int(after_period), kms_int(limit)};
    struct page_ctx x = {cb, ctx, 0};
    mcx_err rc = kms_store_exec(s, sql, p, 3, page_row, &x, NULL);
    return rc == MCX_OK && x.bad ? MCX_ERR_DB : rc;
}

mcx_err kmsdb_keyset_put(struct kms_store *s, const char *uri, struct kms_stored_keyset *k)
{
    static const char sql[] =
        "INSERT INTO keysets (uri, period_no, issued, pvt, sealed, revoked) VALUES ($1, $2, $3, $4, $5, 0)"
        " ON CONFLICT (uri, period_no) DO NOTHING";
    struct kms_val p[5] = {kms_text(uri), kms_int((int64_t)k->period_no), kms_int(k->issued),
                           kms_blob(k->pvt, sizeof k->pvt), kms_blob(k->sealed, sizeof k->sealed)};
    uint64_t changes = 0;
    mcx_err rc = kms_store_exec(s, sql, p, 5, NULL, NULL, &changes);
    if (rc != MCX_OK)
        return rc;
    if (changes == 0) /* another request or node was first: serve the stored set */
        return kmsdb_keyset_get(s, uri, k->period_no, k);
    return MCX_OK;
}

struct put_audit {
    const char *uri, *actor, *detail;
    struct kms_stored_keyset *k;
    int stored;
};

static mcx_err put_audit_tx(struct kms_store *s, void *ctx)
{
    static const char sql[] =
        "INSERT INTO keysets (uri, period_no, issued, pvt, sealed, revoked) VALUES ($1, $2, $3, $4, $5, 0)"
        " ON CONFLICT (uri, period_no) DO NOTHING";
    struct put_audit *x = ctx;
    struct kms_stored_keyset *k = x->k;
    struct kms_val p[5] = {kms_text(x->uri), kms_int((int64_t)k->period_no), kms_int(k->issued),
                           kms_blob(k->pvt, sizeof k->pvt), kms_blob(k->sealed, sizeof k->sealed)};
    uint64_t changes = 0;
    mcx_err rc = kms_store_exec_locked(s, sql, p, 5, NULL, NULL, &changes);
    if (rc != MCX_OK)
        return rc;
    x->stored = changes != 0;
    if (!x->stored)
        return MCX_OK;
    return kms_audit_locked(s, x->actor, "keyprov", x->uri, x->detail, "ok");
}

mcx_err kmsdb_keyset_put_audited(struct kms_store *s, const char *uri, struct kms_stored_keyset *k,
                                 const char *actor, const char *detail, int *stored)
{
    struct put_audit x = {uri, actor, detail, k, 0};
    mcx_err rc = kms_store_tx(s, put_audit_tx, &x);
    *stored = x.stored;
    if (rc == MCX_OK && !x.stored) /* another request or node was first: serve the stored set */
        rc = kmsdb_keyset_get(s, uri, k->period_no, k);
    return rc;
}

struct put_batch {
    struct kmsdb_batch_item *items;
    size_t n;
    const char *actor, *how;
    uint64_t stored;
};

static mcx_err put_batch_tx(struct kms_store *s, void *ctx)
{
    struct put_batch *x = ctx;
    x->stored = 0;
    for (size_t i = 0; i < x->n; i++) {
        struct kmsdb_batch_item *it = &x->items[i];
        struct put_audit one = {it->uri, x->actor, NULL, &it->k, 0};
        char detail[96];
        snprintf(detail, sizeof detail, "period=%llu %s", (unsigned long long)it->k.period_no,
                 x->how);
        one.detail = detail;
        mcx_err rc = put_audit_tx(s, &one);
        if (rc != MCX_OK)
            return rc;
        it->stored = one.stored;
        x->stored += (uint64_t)one.stored;
    }
    return MCX_OK;
}

mcx_err kmsdb_keyset_put_batch(struct kms_store *s, struct kmsdb_batch_item *items, size_t n,
                               const char *actor, const char *how, uint64_t *stored)
{
    struct put_batch x = {items, n, actor, how, 0};
    mcx_err rc = kms_store_tx(s, put_batch_tx, &x);
    *stored = rc == MCX_OK ? x.stored : 0;
    if (rc != MCX_OK)
        for (size_t i = 0; i < n; i++)
            items[i].stored = 0;
    return rc;
}

static int count_row(void *ctx, const struct kms_val *v, size_t n)
{
    if (n == 1)
        *(uint64_t *)ctx = (uint64_t)v[0].i;
    return 1;
}

mcx_err kmsdb_keyset_count(struct kms_store *s, uint64_t *n)
{
    static const char sql[] = "SELECT count(*) FROM keysets";
    *n = 0;
    return kms_store_exec(s, sql, NULL, 0, count_row, n, NULL);
}

/* ---- audit log --------------------------------------------------------------------------------- */

static pthread_mutex_t sink_mu = PTHREAD_MUTEX_INITIALIZER;
static FILE *sink;

void kms_audit_set_sink(FILE *f)
{
    pthread_mutex_lock(&sink_mu);
    sink = f;
    pthread_mutex_unlock(&sink_mu);
}

/* After a commit: the JSON lines of the records it holds, to the sink. */
static void emit_lines(const char *text, size_t len)
{
    pthread_mutex_lock(&sink_mu);
    if (sink != NULL) {
        fwrite(text, 1, len, sink);
        fflush(sink);
    }
    pthread_mutex_unlock(&sink_mu);
}

static void put_be64(EVP_MD_CTX *md, uint64_t v)
{
    uint8_t b[8];
    for (int i = 7; i >= 0; i--) {
        b[i] = (uint8_t)v;
        v >>= 8;
    }
    EVP_DigestUpdate(md, b, 8);
}

static void put_str(EVP_MD_CTX *md, const char *s)
{
    size_t n = strlen(s);
    uint8_t b[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
    EVP_DigestUpdate(md, b, 4);
    EVP_DigestUpdate(md, s, n);
}

/* hash = SHA-256("mcxsec-kms-audit-v1" || prev || seq || ts || each field as len32 || bytes) */
static int audit_hash(const struct kms_audit_rec *r, uint8_t out[32])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned len = 0;
    int ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;
    if (ok) {
        EVP_DigestUpdate(md, "mcxsec-kms-audit-v1", 19);
        EVP_DigestUpdate(md, r->prev, 32);
        put_be64(md, (uint64_t)r->seq);
        put_be64(md, (uint64_t)r->ts);
        put_str(md, r->actor);
        put_str(md, r->action);
        put_str(md, r->subject);
        put_str(md, r->detail);
        put_str(md, r->result);
        ok = EVP_DigestFinal_ex(md, out, &len) == 1 && len == 32;
    }
    EVP_MD_CTX_free(md);
    return ok ? 0 : -1;
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p == 0x7f)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void json_hex(FILE *f, const uint8_t *p, size_t n)
{
    fputc('"', f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02x", p[i]);
    fputc('"', f);
}

void kms_audit_print_json(FILE *f, const struct kms_audit_rec *r)
{
    fprintf(f, "{\"seq\":%lld,\"ts\":%lld,\"actor\":", (long long)r->seq, (long long)r->ts);
    json_str(f, r->actor);
    fputs(",\"action\":", f);
    json_str(f, r->action);
    fputs(",\"subject\":", f);
    json_str(f, r->subject);
    fputs(",\"detail\":", f);
    json_str(f, r->detail);
    fputs(",\"result\":", f);
    json_str(f, r->result);
    fputs(",\"prev\":", f);
    json_hex(f, r->prev, 32);
    fputs(",\"hash\":", f);
    json_hex(f, r->hash, 32);
    fputs("}\n", f);
}

struct head_ctx {
    int64_t seq;
    uint8_t hash[32];
    int ok;
};

static int head_row(void *ctx, const struct kms_val *v, size_t n)
{
    struct head_ctx *h = ctx;
    if (n == 2 && v[0].type == KMS_V_INT && copy_blob(h->hash, 32, &v[1]) == 0) {
        h->seq = v[0].i;
        h->ok = 1;
    }
    return 1;
}

mcx_err kms_audit_locked(struct kms_store *s, const char *actor, const char *action,
                         const char *subject, const char *detail, const char *result)
{
    /* Taking the head row with an UPDATE serialises appenders across processes and nodes
     * (a row lock in PostgreSQL, the write lock in SQLite) until the transaction ends. */
    static const char q_bump[] = "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash";
    static const char q_ins[] = "INSERT INTO audit (seq, ts, actor, action, subject, detail, result,"
                                " prev, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    static const char q_head[] = "UPDATE audit_head SET hash = $1 WHERE id = 1";
    struct head_ctx h;
    struct kms_audit_rec r;
    mcx_err rc;
    memset(&h, 0, sizeof h);
    if ((rc = kms_store_exec_locked(s, q_bump, NULL, 0, head_row, &h, NULL)) != MCX_OK)
        return rc;
    if (!h.ok)
        return MCX_ERR_DB;
    memset(&r, 0, sizeof r);
    r.seq = h.seq;
    r.ts = kms_now();
    r.actor = actor ? actor : "";
    r.action = action ? action : "";
    r.subject = subject ? subject : "";
    r.detail = detail ? detail : "";
    r.result = result ? result : "";
    memcpy(r.prev, h.hash, 32);
    if (audit_hash(&r, r.hash) != 0)
        return MCX_ERR_INTERNAL;
    struct kms_val p[9] = {kms_int(r.seq), kms_int(r.ts), kms_text(r.actor), kms_text(r.action),
                           kms_text(r.subject), kms_text(r.detail), kms_text(r.result),
                           kms_blob(r.prev, 32), kms_blob(r.hash, 32)};
    if ((rc = kms_store_exec_locked(s, q_ins, p, 9, NULL, NULL, NULL)) != MCX_OK)
        return rc;
    struct kms_val ph = kms_blob(r.hash, 32);
    if ((rc = kms_store_exec_locked(s, q_head, &ph, 1, NULL, NULL, NULL)) != MCX_OK)
        return rc;
    /* The JSON-lines copy is written only once the record is committed (kms_store_defer), so the
     * file never shows a record the database does not hold. */
    pthread_mutex_lock(&sink_mu);
    int want_line = sink != NULL;
    pthread_mutex_unlock(&sink_mu);
    if (want_line) {
        char *line = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&line, &len);
        if (m == NULL)
            return MCX_ERR_NOMEM;
        kms_audit_print_json(m, &r);
        if (fclose(m) != 0) {
            free(line);
            return MCX_ERR_NOMEM;
        }
        rc = kms_store_defer(s, emit_lines, line, len);
        free(line);
    }
    return rc;
}

struct audit_args {
    const char *actor, *action, *subject, *detail, *result;
};

static mcx_err audit_tx(struct kms_store *s, void *ctx)
{
    struct audit_args *a = ctx;
    return kms_audit_locked(s, a->actor, a->action, a->subject, a->detail, a->result);
}

mcx_err kms_audit(struct kms_store *s, const char *actor, const char *action, const char *subject,
                  const char *detail, const char *result)
{
    struct audit_args a = {actor, action, subject, detail, result};
    return kms_store_tx(s, audit_tx, &a);
}

struct audit_list_ctx {
    kms_audit_cb cb;
    void *ctx;
    int bad;
};

static int audit_row(void *ctx, const struct kms_val *v, size_t n)
{
    struct audit_list_ctx *x = ctx;
    struct kms_audit_rec r;
    memset(&r, 0, sizeof r);
    if (n != 9 || v[2].type != KMS_V_TEXT || v[3].type != KMS_V_TEXT || v[4].type != KMS_V_TEXT ||
        v[5].type != KMS_V_TEXT || v[6].type != KMS_V_TEXT || copy_blob(r.prev, 32, &v[7]) ||
        copy_blob(r.hash, 32, &v[8])) {
        x->bad = 1;
        return 1;
    }
    r.seq = v[0].i;
    r.ts = v[1].i;
    r.actor = v[2].text;
    r.action = v[3].text;
    r.subject = v[4].text;
    r.detail = v[5].text;
    r.result = v[6].text;
    return x->cb(x->ctx, &r);
}

mcx_err kms_audit_list(struct kms_store *s, int64_t from_seq, kms_audit_cb cb, void *ctx)
{
    static const char sql[] = "SELECT seq, ts, actor, action, subject, detail, result, prev, hash"
                              " FROM audit WHERE seq >= $1 ORDER BY seq";
    struct audit_list_ctx x = {cb, ctx, 0};
    struct kms_val p = kms_int(from_seq);
    mcx_err rc = kms_store_exec(s, sql, &p, 1, audit_row, &x, NULL);
    if (rc == MCX_OK && x.bad)
        rc = MCX_ERR_DB;
    return rc;
}

struct verify_ctx {
    int64_t expect_seq;
    uint8_t prev[32];
    uint64_t count;
    int64_t bad_seq;
};

static int verify_row(void *ctx, const struct kms_audit_rec *r)
{
    struct verify_ctx *x = ctx;
    uint8_t h[32];
    if (r->seq != x->expect_seq || !mcx_ct_eq(r->prev, x->prev, 32) || audit_hash(r, h) != 0 ||
        !mcx_ct_eq(h, r->hash, 32)) {
        x->bad_seq = r->seq;
        return 1;
    }
    memcpy(x->prev, r->hash, 32);
    x->expect_seq++;
    x->count++;
    return 0;
}

mcx_err kms_audit_verify(struct kms_store *s, uint64_t *count, int64_t *bad_seq, uint8_t head[32])
{
    static const char q_head[] = "SELECT seq, hash FROM audit_head WHERE id = 1";
    struct verify_ctx x;
    struct head_ctx h;
    memset(&x, 0, sizeof x);
    memset(&h, 0, sizeof h);
    x.expect_seq = 1;
    x.bad_seq = -1;
    mcx_err rc = kms_audit_list(s, 0, verify_row, &x);
    if (rc != MCX_OK)
        return rc;
    if ((rc = kms_store_exec(s, q_head, NULL, 0, head_row, &h, NULL)) != MCX_OK)
        return rc;
    *count = x.count;
    *bad_seq = x.bad_seq;
    if (head != NULL)
        memcpy(head, h.hash, 32);
    if (x.bad_seq >= 0)
        return MCX_ERR_VERIFY;
    /* A deleted tail shows as a head that is ahead of the last record. */
    if (!h.ok || h.seq != x.expect_seq - 1 || !mcx_ct_eq(h.hash, x.prev, 32)) {
        *bad_seq = h.seq;
        return MCX_ERR_VERIFY;
    }
    return MCX_OK;
}
