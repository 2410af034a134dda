/*
 * services/kms/store.c — backend-independent part of the KMS storage interface (store.h): URL
 * dispatch, the connection pool and its locking, the transaction helper, and text deferred until
 * a transaction commits.
 */
#include "store.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kms_pool {
    size_t n;
    struct kms_store *conn[KMS_STORE_MAX_CONNECTIONS];
    pthread_mutex_t write_mu; /* one_writer backends: the writer of this process */
    atomic_uint next_home;
};

static mcx_err open_one(const char *url, struct kms_store **out, char *errbuf, size_t errlen)
{
    mcx_err rc;
    *out = NULL;
    if (url == NULL || *url == '\0') {
        snprintf(errbuf, errlen, "no database URL");
        return MCX_ERR_ARG;
    }
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
        rc = kms_store_pg_open(url, out, errbuf, errlen);
    else if (strncmp(url, "sqlite:", 7) == 0)
        rc = kms_store_sqlite_open(url + 7, out, errbuf, errlen);
    else
        rc = kms_store_sqlite_open(url, out, errbuf, errlen);
    if (rc == MCX_OK)
        pthread_mutex_init(&(*out)->mu, NULL);
    return rc;
}

static void close_one(struct kms_store *s)
{
    free(s->deferred);
    s->deferred = NULL;
    pthread_mutex_destroy(&s->mu);
    s->ops->close(s);
}

mcx_err kms_store_open_pool(const char *url, unsigned n, struct kms_store **out, char *errbuf,
                            size_t errlen)
{
    struct kms_pool *pool;
    mcx_err rc;
    *out = NULL;
    if (n == 0 || n > KMS_STORE_MAX_CONNECTIONS) {
        snprintf(errbuf, errlen, "database connections: 1..%d", KMS_STORE_MAX_CONNECTIONS);
        return MCX_ERR_ARG;
    }
    if ((pool = calloc(1, sizeof *pool)) == NULL)
        return MCX_ERR_NOMEM;
    pthread_mutex_init(&pool->write_mu, NULL);
    for (unsigned i = 0; i < n; i++) {
        if ((rc = open_one(url, &pool->conn[i], errbuf, errlen)) != MCX_OK)
            goto fail;
        pool->n++;
        if (i == 0) {
            pool->conn[0]->pool = pool;
            /* Schema creation / migration once, on the first connection. */
            if ((rc = kms_schema_migrate(pool->conn[0])) != MCX_OK) {
                snprintf(errbuf, errlen, "schema migration failed: %s", pool->conn[0]->errmsg);
                goto fail;
            }
        }
    }
    *out = pool->conn[0];
    return MCX_OK;
fail:
    if (pool->n > 0)
        kms_store_close(pool->conn[0]);
    else {
        pthread_mutex_destroy(&pool->write_mu);
        free(pool);
    }
    return rc;
}

mcx_err kms_store_open(const char *url, struct kms_store **out, char *errbuf, size_t errlen)
{
    return kms_store_open_pool(url, 1, out, errbuf, errlen);
}

void kms_store_close(struct kms_store *s)
{
    if (s == NULL)
        return;
    struct kms_pool *pool = s->pool;
    if (pool == NULL) {
        close_one(s);
        return;
    }
    for (size_t i = pool->n; i-- > 0;)
        close_one(pool->conn[i]);
    pthread_mutex_destroy(&pool->write_mu);
    free(pool);
}

/* The connection this thread prefers: assigned round-robin on first use. */
static _Thread_local unsigned home_plus_one;

static struct kms_store *acquire(struct kms_store *s)
{
    struct kms_pool *pool = s->pool;
    if (pool == NULL || pool->n == 1) {
        pthread_mutex_lock(&s->mu);
        return s;
    }
    if (home_plus_one == 0)
        home_plus_one = atomic_fetch_add(&pool->next_home, 1) + 1;
    size_t home = (home_plus_one - 1) % pool->n;
    for (size_t i = 0; i < pool->n; i++) {
        struct kms_store *c = pool->conn[(home + i) % pool->n];
        if (pthread_mutex_trylock(&c->mu) == 0)
            return c;
    }
    pthread_mutex_lock(&pool->conn[home]->mu);
    return pool->conn[home];
}

/* The caller reads errors from the handle: copy them there from the connection that failed. */
static void release(struct kms_store *s, struct kms_store *c, mcx_err rc)
{
    if (rc != MCX_OK && c != s)
        memcpy(s->errmsg, c->errmsg, sizeof s->errmsg);
    pthread_mutex_unlock(&c->mu);
}

static int is_write(const char *sql)
{
    return strncmp(sql, "SELECT", 6) != 0 && strncmp(sql, "PRAGMA", 6) != 0;
}

static pthread_mutex_t *writer_lock(struct kms_store *s)
{
    return s->pool != NULL && s->ops->one_writer ? &s->pool->write_mu : NULL;
}

mcx_err kms_store_exec(struct kms_store *s, const char *sql, const struct kms_val *params,
                       size_t nparams, kms_row_cb cb, void *ctx, uint64_t *changes)
{
    pthread_mutex_t *w = is_write(sql) ? writer_lock(s) : NULL;
    if (w != NULL)
        pthread_mutex_lock(w);
    struct kms_store *c = acquire(s);
    mcx_err rc = c->ops->exec(c, sql, params, nparams, cb, ctx, changes);
    release(s, c, rc);
    if (w != NULL)
        pthread_mutex_unlock(w);
    return rc;
}

mcx_err kms_store_exec_locked(struct kms_store *s, const char *sql, const struct kms_val *params,
                              size_t nparams, kms_row_cb cb, void *ctx, uint64_t *changes)
{
    return s->ops->exec(s, sql, params, nparams, cb, ctx, changes);
}

mcx_err kms_store_integrity(struct kms_store *s, char *report, size_t cap)
{
    struct kms_store *c = acquire(s);
    mcx_err rc = c->ops->integrity(c, report, cap);
    release(s, c, rc);
    return rc;
}

mcx_err kms_store_defer(struct kms_store *s, kms_commit_fn fn, const char *text, size_t len)
{
    if (s->deferred_fn != NULL && s->deferred_fn != fn)
        return MCX_ERR_STATE;
    if (s->deferred_len + len + 1 > s->deferred_cap) {
        size_t cap = s->deferred_cap ? s->deferred_cap : 1024;
        while (cap < s->deferred_len + len + 1)
            cap *= 2;
        char *p = realloc(s->deferred, cap);
        if (p == NULL)
            return MCX_ERR_NOMEM;
        s->deferred = p;
        s->deferred_cap = cap;
    }
    memcpy(s->deferred + s->deferred_len, text, len);
    s->deferred_len += len;
    s->deferred[s->deferred_len] = '\0';
    s->deferred_fn = fn;
    return MCX_OK;
}

mcx_err kms_store_tx(struct kms_store *s, kms_tx_fn fn, void *ctx)
{
    pthread_mutex_t *w = writer_lock(s);
    if (w != NULL)
        pthread_mutex_lock(w);
    struct kms_store *c = acquire(s);
    mcx_err rc = c->ops->begin(c);
    if (rc == MCX_OK) {
        rc = fn(c, ctx);
        if (rc == MCX_OK)
            rc = c->ops->commit(c);
        if (rc != MCX_OK) {
            char keep[sizeof c->errmsg];
            memcpy(keep, c->errmsg, sizeof keep);
            (void)c->ops->rollback(c); /* the original error is what the caller needs */
            memcpy(c->errmsg, keep, sizeof keep);
        } else if (c->deferred_len > 0 && c->deferred_fn != NULL) {
            c->deferred_fn(c->deferred, c->deferred_len);
        }
    }
    c->deferred_len = 0;
    c->deferred_fn = NULL;
    release(s, c, rc);
    if (w != NULL)
        pthread_mutex_unlock(w);
    return rc;
}
