/*
 * services/kms/store_sqlite.c — the SQLite backend of the KMS store (store.h): a connection in
 * WAL mode (readers never block the writer) with synchronous=FULL (an answered key set survives a
 * crash or power loss), a busy timeout so the admin CLI and the daemon can share the file,
 * prepared statements only, and a small statement cache keyed by SQL text so hot statements are
 * prepared once.
 */
#include "store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SQLITE_STMT_CACHE 48

struct sqlite_store {
    struct kms_store base;
    sqlite3 *db;
    struct {
        const char *sql; /* static SQL text: pointer identity is the key */
        sqlite3_stmt *st;
    } cache[SQLITE_STMT_CACHE];
};

static void set_err(struct sqlite_store *q, const char *what)
{
    snprintf(q->base.errmsg, sizeof q->base.errmsg, "sqlite: %s: %s", what, sqlite3_errmsg(q->db));
}

static sqlite3_stmt *get_stmt(struct sqlite_store *q, const char *sql)
{
    size_t i;
    for (i = 0; i < SQLITE_STMT_CACHE && q->cache[i].sql != NULL; i++)
        if (q->cache[i].sql == sql)
            return q->cache[i].st;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK) {
        set_err(q, "prepare");
        return NULL;
    }
    if (i < SQLITE_STMT_CACHE) {
        q->cache[i].sql = sql;
        q->cache[i].st = st;
    }
    return st;
}

static int is_cached(struct sqlite_store *q, sqlite3_stmt *st)
{
    for (size_t i = 0; i < SQLITE_STMT_CACHE && q->cache[i].sql != NULL; i++)
        if (q->cache[i].st == st)
            return 1;
    return 0;
}

static mcx_err sq_exec(struct kms_store *s, const char *sql, const struct kms_val *params,
                       size_t nparams, kms_row_cb cb, void *ctx, uint64_t *changes)
{
    struct sqlite_store *q = (struct sqlite_store *)s;
    mcx_err rc = MCX_OK;
    sqlite3_stmt *st = get_stmt(q, sql);
    if (st == NULL)
        return MCX_ERR_DB;
    if ((size_t)sqlite3_bind_parameter_count(st) != nparams) {
        snprintf(s->errmsg, sizeof s->errmsg, "sqlite: parameter count mismatch");
        rc = MCX_ERR_INTERNAL;
        goto out;
    }
    for (size_t i = 0; i < nparams; i++) {
        int r, idx = (int)i + 1;
        switch (params[i].type) {
        case KMS_V_TEXT:
            r = sqlite3_bind_text(st, idx, params[i].text, -1, SQLITE_STATIC);
            break;
        case KMS_V_INT:
            r = sqlite3_bind_int64(st, idx, params[i].i);
            break;
        case KMS_V_BLOB:
            r = sqlite3_bind_blob(st, idx, params[i].blob, (int)params[i].len, SQLITE_STATIC);
            break;
        default:
            r = sqlite3_bind_null(st, idx);
            break;
        }
        if (r != SQLITE_OK) {
            set_err(q, "bind");
            rc = MCX_ERR_DB;
            goto out;
        }
    }
    for (;;) {
        int r = sqlite3_step(st);
        if (r == SQLITE_DONE)
            break;
        if (r != SQLITE_ROW) {
            set_err(q, "step");
            rc = r == SQLITE_CONSTRAINT ? MCX_ERR_STATE : MCX_ERR_DB;
            goto out;
        }
        if (cb == NULL)
            continue;
        struct kms_val cols[16];
        int n = sqlite3_column_count(st);
        if (n > 16)
            n = 16;
        for (int c = 0; c < n; c++) {
            memset(&cols[c], 0, sizeof cols[c]);
            switch (sqlite3_column_type(st, c)) {
            case SQLITE_INTEGER:
                cols[c].type = KMS_V_INT;
                cols[c].i = sqlite3_column_int64(st, c);
                break;
            case SQLITE_TEXT:
                cols[c].type = KMS_V_TEXT;
                cols[c].text = (const char *)sqlite3_column_text(st, c);
                cols[c].len = (size_t)sqlite3_column_bytes(st, c);
                break;
            case SQLITE_BLOB:
                cols[c].type = KMS_V_BLOB;
                cols[c].blob = sqlite3_column_blob(st, c);
                cols[c].len = (size_t)sqlite3_column_bytes(st, c);
                break;
            default:
                cols[c].type = KMS_V_NULL;
                break;
            }
        }
        if (cb(ctx, cols, (size_t)n) != 0)
            break;
    }
    if (changes != NULL)
        *changes = (uint64_t)sqlite3_changes(q->db);
out:
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (!is_cached(q, st))
        sqlite3_finalize(st);
    return rc;
}

static mcx_err simple(struct sqlite_store *q, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(q->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(q->base.errmsg, sizeof q->base.errmsg, "sqlite: %s: %s", sql, msg ? msg : "?");
        sqlite3_free(msg);
        return MCX_ERR_DB;
    }
    return MCX_OK;
}

static mcx_err sq_begin(struct kms_store *s)
{
    return simple((struct sqlite_store *)s, "BEGIN IMMEDIATE");
}
static mcx_err sq_commit(struct kms_store *s)
{
    return simple((struct sqlite_store *)s, "COMMIT");
}
static mcx_err sq_rollback(struct kms_store *s)
{
    return simple((struct sqlite_store *)s, "ROLLBACK");
}

static int integrity_row(void *ctx, const struct kms_val *cols, size_t n)
{
    int *ok = ctx;
    if (n < 1 || cols[0].type != KMS_V_TEXT || strcmp(cols[0].text, "ok") != 0)
        *ok = 0;
    return 0;
}

static mcx_err sq_integrity(struct kms_store *s, char *report, size_t cap)
{
    static const char sql[] = "PRAGMA integrity_check";
    int ok = 1;
    mcx_err rc = sq_exec(s, sql, NULL, 0, integrity_row, &ok, NULL);
    if (rc == MCX_OK && !ok) {
        snprintf(s->errmsg, sizeof s->errmsg, "sqlite: integrity_check failed");
        rc = MCX_ERR_DB;
    }
    snprintf(report, cap, "sqlite PRAGMA integrity_check: %s", rc == MCX_OK ? "ok" : "FAILED");
    return rc;
}

static void sq_close(struct kms_store *s)
{
    struct sqlite_store *q = (struct sqlite_store *)s;
    for (size_t i = 0; i < SQLITE_STMT_CACHE && q->cache[i].sql != NULL; i++)
        sqlite3_finalize(q->cache[i].st);
    sqlite3_close(q->db);
    free(q);
}

static mcx_err sq_script(struct kms_store *s, const char *sql)
{
    return simple((struct sqlite_store *)s, sql);
}

static const struct kms_store_ops sqlite_ops = {
    "sqlite", sq_exec, sq_begin, sq_commit, sq_rollback, sq_integrity, sq_script, sq_close,
    "BLOB",   1, /* one writer at a time: serialise in-process rather than poll the file lock */
};

mcx_err kms_store_sqlite_open(const char *path, struct kms_store **out, char *errbuf, size_t errlen)
{
    struct sqlite_store *q = calloc(1, sizeof *q);
    if (q == NULL)
        return MCX_ERR_NOMEM;
    q->base.ops = &sqlite_ops;
    int r = sqlite3_open_v2(path, &q->db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL);
    if (r != SQLITE_OK) {
        snprintf(errbuf, errlen, "sqlite: %s: %s", path, q->db ? sqlite3_errmsg(q->db) : "open failed");
        sqlite3_close(q->db);
            free(q);
        return MCX_ERR_DB;
    }
    sqlite3_busy_timeout(q->db, 10000);
    if (simple(q, "PRAGMA journal_mode=WAL") != MCX_OK || simple(q, "PRAGMA synchronous=FULL") != MCX_OK ||
        simple(q, "PRAGMA foreign_keys=ON") != MCX_OK) {
        snprintf(errbuf, errlen, "%s", q->base.errmsg);
        sq_close(&q->base);
        return MCX_ERR_DB;
    }
    *out = &q->base;
    return MCX_OK;
}
