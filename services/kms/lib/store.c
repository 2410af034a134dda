/*
 * services/kms/store.c — backend-independent part of the KMS storage interface (store.h):
 * URL dispatch, locking wrappers and the transaction helper.
 */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

mcx_err kms_store_open(const char *url, struct kms_store **out, char *errbuf, size_t errlen)
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
    if (rc != MCX_OK)
        return rc;
    rc = kms_schema_migrate(*out);
    if (rc != MCX_OK) {
        snprintf(errbuf, errlen, "schema migration failed: %s", (*out)->errmsg);
        kms_store_close(*out);
        *out = NULL;
    }
    return rc;
}

void kms_store_close(struct kms_store *s)
{
    if (s != NULL) {
        free(s->deferred);
        s->deferred = NULL;
        s->ops->close(s);
    }
}

mcx_err kms_store_integrity(struct kms_store *s, char *report, size_t cap)
{
    s->ops->lock(s);
    mcx_err rc = s->ops->integrity(s, report, cap);
    s->ops->unlock(s);
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

mcx_err kms_store_exec(struct kms_store *s, const char *sql, const struct kms_val *params,
                       size_t nparams, kms_row_cb cb, void *ctx, uint64_t *changes)
{
    s->ops->lock(s);
    mcx_err rc = s->ops->exec(s, sql, params, nparams, cb, ctx, changes);
    s->ops->unlock(s);
    return rc;
}

mcx_err kms_store_exec_locked(struct kms_store *s, const char *sql, const struct kms_val *params,
                              size_t nparams, kms_row_cb cb, void *ctx, uint64_t *changes)
{
    return s->ops->exec(s, sql, params, nparams, cb, ctx, changes);
}

mcx_err kms_store_tx(struct kms_store *s, kms_tx_fn fn, void *ctx)
{
    s->ops->lock(s);
    mcx_err rc = s->ops->begin(s);
    if (rc == MCX_OK) {
        rc = fn(s, ctx);
        if (rc == MCX_OK)
            rc = s->ops->commit(s);
        if (rc != MCX_OK) {
            char keep[sizeof s->errmsg];
            memcpy(keep, s->errmsg, sizeof keep);
            (void)s->ops->rollback(s); /* the original error is what the caller needs */
            memcpy(s->errmsg, keep, sizeof keep);
        } else if (s->deferred_len > 0 && s->deferred_fn != NULL) {
            s->deferred_fn(s->deferred, s->deferred_len);
        }
    }
    s->deferred_len = 0;
    s->deferred_fn = NULL;
    s->ops->unlock(s);
    return rc;
}
