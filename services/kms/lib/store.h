/*
 * services/kms/store.h — the KMS storage interface: one vtable, two backends (SQLite, PostgreSQL).
 *
 * Both backends run the SAME SQL text: statements use numbered parameters $1, $2, ... (native in
 * PostgreSQL; in SQLite a "$1" is a named parameter whose index is its order of first appearance,
 * so statements number their parameters in order of appearance). Every statement is prepared with
 * bound parameters — SQL is never built from data. Values are TEXT, BIGINT or BLOB/BYTEA only.
 *
 * A store handle is safe to use from several threads. It holds one or more connections
 * (kms_store_open_pool), each used by one thread at a time: a call takes a free connection
 * (preferring the calling thread's own, so with as many connections as worker threads each worker
 * has its own), and kms_store_tx() runs a whole transaction on one. SQLite allows one writer at a
 * time, so there writes (transactions and non-SELECT statements) are serialised in-process while
 * reads run in parallel on the other connections (WAL); PostgreSQL runs them all in parallel.
 */
#ifndef MCX_KMS_STORE_H
#define MCX_KMS_STORE_H
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "mcxsec/err.h"

enum kms_val_type { KMS_V_NULL = 0, KMS_V_TEXT, KMS_V_INT, KMS_V_BLOB };

/** A bound parameter or a result column value (borrowed pointers). */
struct kms_val {
    enum kms_val_type type;
    const char *text;      /* KMS_V_TEXT: NUL-terminated */
    int64_t i;             /* KMS_V_INT */
    const uint8_t *blob;   /* KMS_V_BLOB */
    size_t len;            /* KMS_V_BLOB length, KMS_V_TEXT length */
};

static inline struct kms_val kms_text(const char *s)
{
    struct kms_val v = {KMS_V_TEXT, s, 0, NULL, 0};
    return v;
}
static inline struct kms_val kms_int(int64_t i)
{
    struct kms_val v = {KMS_V_INT, NULL, i, NULL, 0};
    return v;
}
static inline struct kms_val kms_blob(const void *p, size_t n)
{
    struct kms_val v = {KMS_V_BLOB, NULL, 0, (const uint8_t *)p, n};
    return v;
}

/** Row callback: cols[0..ncols) valid only during the call. Return non-zero to stop (and make
 *  kms_store_exec return MCX_OK with the rows seen so far). */
typedef int (*kms_row_cb)(void *ctx, const struct kms_val *cols, size_t ncols);

struct kms_store;

struct kms_store_ops {
    const char *name;
    mcx_err (*exec)(struct kms_store *s, const char *sql, const struct kms_val *params,
                    size_t nparams, kms_row_cb cb, void *ctx, uint64_t *changes);
    mcx_err (*begin)(struct kms_store *s);   /* a write transaction (SQLite BEGIN IMMEDIATE) */
    mcx_err (*commit)(struct kms_store *s);
    mcx_err (*rollback)(struct kms_store *s);
    /* The backend's own consistency check (SQLite PRAGMA integrity_check; PostgreSQL amcheck over
     * the schema's tables and indexes); a one-line account of what was checked in report. */
    mcx_err (*integrity)(struct kms_store *s, char *report, size_t cap);
    mcx_err (*script)(struct kms_store *s, const char *sql); /* DDL, several statements, no params */
    void (*close)(struct kms_store *s);
    const char *blob_type; /* "BLOB" or "BYTEA" for the schema text */
    int one_writer;        /* the database takes one writer at a time (SQLite) */
};

/** Called with the text deferred during a transaction, after that transaction committed. */
typedef void (*kms_commit_fn)(const char *text, size_t len);

#define KMS_STORE_MAX_CONNECTIONS 64

struct kms_pool;

/** One connection (the handle callers hold is the pool's first one). */
struct kms_store {
    const struct kms_store_ops *ops;
    char errmsg[256]; /* last backend error message (never holds parameter values) */
    /* kms_store_defer: text to hand on after the running transaction commits */
    char *deferred;
    size_t deferred_len, deferred_cap;
    kms_commit_fn deferred_fn;
    pthread_mutex_t mu;    /* held by the thread using this connection */
    struct kms_pool *pool; /* the connections of this handle (set on the handle only) */
};

/**
 * Open a store from a URL: "sqlite:/path/to/file.db" (or a bare path) or "postgresql://..." /
 * "postgres://..." (a libpq connection URI). Creates / migrates the schema. MCX_ERR_DB with the
 * backend's message in errbuf on failure. One connection.
 */
mcx_err kms_store_open(const char *url, struct kms_store **out, char *errbuf, size_t errlen);
/** The same with n connections (1..KMS_STORE_MAX_CONNECTIONS), e.g. one per worker thread. */
mcx_err kms_store_open_pool(const char *url, unsigned n, struct kms_store **out, char *errbuf,
                            size_t errlen);
void kms_store_close(struct kms_store *s);

/** Run one statement (caller holds no lock: takes it). changes may be NULL. */
mcx_err kms_store_exec(struct kms_store *s, const char *sql, const struct kms_val *params,
                       size_t nparams, kms_row_cb cb, void *ctx, uint64_t *changes);

/** Run fn inside one write transaction under the store lock; commit when fn returns MCX_OK,
 *  else roll back. Inside fn use kms_store_exec_locked. */
typedef mcx_err (*kms_tx_fn)(struct kms_store *s, void *ctx);
mcx_err kms_store_tx(struct kms_store *s, kms_tx_fn fn, void *ctx);
mcx_err kms_store_exec_locked(struct kms_store *s, const char *sql, const struct kms_val *params,
                              size_t nparams, kms_row_cb cb, void *ctx, uint64_t *changes);

/** The backend's consistency check (ops->integrity) under the store lock. */
mcx_err kms_store_integrity(struct kms_store *s, char *report, size_t cap);

/**
 * Inside a kms_store_tx callback: hand `text` to fn once the transaction has committed (dropped
 * if it rolls back), e.g. a copy of an audit record that must only ever show what the database
 * holds. One fn per transaction. MCX_ERR_NOMEM, MCX_ERR_STATE (another fn already deferred).
 */
mcx_err kms_store_defer(struct kms_store *s, kms_commit_fn fn, const char *text, size_t len);

/* Backends (store_sqlite.c, store_pg.c). */
mcx_err kms_store_sqlite_open(const char *path, struct kms_store **out, char *errbuf, size_t errlen);
mcx_err kms_store_pg_open(const char *conninfo, struct kms_store **out, char *errbuf, size_t errlen);

/* Schema creation / migration (schema.c): run under a transaction at open. */
mcx_err kms_schema_migrate(struct kms_store *s);
#define KMS_SCHEMA_VERSION 2

#endif
