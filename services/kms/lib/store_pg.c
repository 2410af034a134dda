/*
 * services/kms/store_pg.c — the PostgreSQL backend of the KMS store (store.h), through libpq.
 * Used when several mcxsec-kmsd nodes share one database behind a load balancer. Parameters are
 * always bound (PQexecParams: text for TEXT/BIGINT, binary for BYTEA); results come back in
 * binary form and are mapped to the store's three value types by column type OID.
 */
#include "store.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* pg_type OIDs (stable catalogue constants) */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_VARCHAR 1043

struct pg_store {
    struct kms_store base;
    PGconn *conn;
};

static void set_err(struct pg_store *q, const char *what, const PGresult *res)
{
    const char *m = res ? PQresultErrorMessage(res) : PQerrorMessage(q->conn);
    snprintf(q->base.errmsg, sizeof q->base.errmsg, "postgresql: %s: %s", what, m ? m : "?");
    size_t n = strlen(q->base.errmsg);
    while (n > 0 && (q->base.errmsg[n - 1] == '\n'))
        q->base.errmsg[--n] = '\0';
}

static int64_t be_int(const uint8_t *p, size_t n)
{
    uint64_t v = (n > 0 && (p[0] & 0x80)) ? UINT64_MAX : 0;
    for (size_t i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return (int64_t)v;
}

static mcx_err reconnect_if_needed(struct pg_store *q)
{
    if (PQstatus(q->conn) == CONNECTION_OK)
        return MCX_OK;
    PQreset(q->conn);
    if (PQstatus(q->conn) != CONNECTION_OK) {
        set_err(q, "connection", NULL);
        return MCX_ERR_DB;
    }
    return MCX_OK;
}

static mcx_err pg_exec(struct kms_store *s, const char *sql, const struct kms_val *params,
                       size_t nparams, kms_row_cb cb, void *ctx, uint64_t *changes)
{
    struct pg_store *q = (struct pg_store *)s;
    const char *values[16];
    int lengths[16], formats[16];
    char ints[16][24];
    mcx_err rc = MCX_OK;
    if (nparams > 16)
        return MCX_ERR_ARG;
    if ((rc = reconnect_if_needed(q)) != MCX_OK)
        return rc;
    for (size_t i = 0; i < nparams; i++) {
        lengths[i] = 0;
        formats[i] = 0;
        switch (params[i].type) {
        case KMS_V_TEXT:
            values[i] = params[i].text;
            break;
        case KMS_V_INT:
            snprintf(ints[i], sizeof ints[i], "%lld", (long long)params[i].i);
            values[i] = ints[i];
            break;
        case KMS_V_BLOB:
            values[i] = (const char *)params[i].blob;
            lengths[i] = (int)params[i].len;
            formats[i] = 1;
            break;
        default:
            values[i] = NULL;
            break;
        }
    }
    PGresult *res = PQexecParams(q->conn, sql, (int)nparams, NULL, values, lengths, formats, 1);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        set_err(q, "exec", res);
        rc = (state != NULL && strcmp(state, "23505") == 0) ? MCX_ERR_STATE : MCX_ERR_DB;
        goto out;
    }
    if (changes != NULL) {
        const char *t = PQcmdTuples(res);
        *changes = (t != NULL && *t) ? strtoull(t, NULL, 10) : 0;
    }
    if (cb != NULL && st == PGRES_TUPLES_OK) {
        int rows = PQntuples(res), ncols = PQnfields(res);
        if (ncols > 16)
            ncols = 16;
        for (int r = 0; r < rows; r++) {
            struct kms_val cols[16];
            for (int c = 0; c < ncols; c++) {
                memset(&cols[c], 0, sizeof cols[c]);
                if (PQgetisnull(res, r, c)) {
                    cols[c].type = KMS_V_NULL;
                    continue;
                }
                const uint8_t *v = (const uint8_t *)PQgetvalue(res, r, c);
                size_t n = (size_t)PQgetlength(res, r, c);
                switch (PQftype(res, c)) {
                case OID_INT8:
                case OID_INT4:
                case OID_INT2:
                case OID_BOOL:
                    cols[c].type = KMS_V_INT;
                    cols[c].i = be_int(v, n);
                    break;
                case OID_BYTEA:
                    cols[c].type = KMS_V_BLOB;
                    cols[c].blob = v;
                    cols[c].len = n;
                    break;
                default: /* text, varchar: binary form is the raw text, NUL-terminated by libpq */
                    cols[c].type = KMS_V_TEXT;
                    cols[c].text = (const char *)v;
                    cols[c].len = n;
                    break;
                }
            }
            if (cb(ctx, cols, (size_t)ncols) != 0)
                break;
        }
    }
out:
    PQclear(res);
    return rc;
}

static mcx_err pg_script(struct kms_store *s, const char *sql)
{
    struct pg_store *q = (struct pg_store *)s;
    mcx_err rc = reconnect_if_needed(q);
    if (rc != MCX_OK)
        return rc;
    PGresult *res = PQexec(q->conn, sql);
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        set_err(q, "exec", res);
        rc = MCX_ERR_DB;
    }
    PQclear(res);
    return rc;
}

static mcx_err pg_begin(struct kms_store *s)
{
    return pg_script(s, "BEGIN");
}
static mcx_err pg_commit(struct kms_store *s)
{
    return pg_script(s, "COMMIT");
}
static mcx_err pg_rollback(struct kms_store *s)
{
    return pg_script(s, "ROLLBACK");
}

/* The schema's tables (schema.c). */
#define KMS_TABLES                                                                                 \
    "('meta', 'community', 'users', 'grants', 'domains', 'keysets', 'audit', 'audit_head')"

static int int_row(void *ctx, const struct kms_val *v, size_t n)
{
    if (n >= 1 && v[0].type == KMS_V_INT)
        *(int64_t *)ctx = v[0].i;
    return 1;
}

/* amcheck (contrib, shipped with Debian's postgresql-15): bt_index_check with heapallindexed over
 * every B-tree index of the schema's tables (index structure, and every heap tuple present in its
 * indexes), and verify_heapam over the tables themselves (heap pages, tuple headers, TOAST). */
static mcx_err pg_integrity(struct kms_store *s, char *report, size_t cap)
{
    static const char q_idx[] =
        "SELECT count(bt_index_check(i.indexrelid, true)) FROM pg_index i"
        " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid"
        " JOIN pg_am a ON a.oid = c.relam"
        " WHERE a.amname = 'btree' AND t.relnamespace = current_schema()::regnamespace"
        " AND t.relname IN " KMS_TABLES;
    static const char q_tab[] =
        "SELECT count(*) FROM pg_class t"
        " WHERE t.relkind = 'r' AND t.relnamespace = current_schema()::regnamespace"
        " AND t.relname IN " KMS_TABLES;
    static const char q_heap[] =
        "SELECT count(*) FROM pg_class t, LATERAL verify_heapam(t.oid, check_toast => true) v"
        " WHERE t.relkind = 'r' AND t.relnamespace = current_schema()::regnamespace"
        " AND t.relname IN " KMS_TABLES;
    int64_t indexes = -1, tables = -1, corrupt = -1;
    mcx_err rc = pg_script(s, "CREATE EXTENSION IF NOT EXISTS amcheck");
    if (rc != MCX_OK) {
        char why[sizeof s->errmsg];
        memcpy(why, s->errmsg, sizeof why);
        snprintf(s->errmsg, sizeof s->errmsg,
                 "postgresql: the amcheck extension is needed (CREATE EXTENSION amcheck, as a "
                 "superuser, once): %.150s", why);
        snprintf(report, cap, "postgresql amcheck: unavailable");
        return rc;
    }
    if ((rc = pg_exec(s, q_idx, NULL, 0, int_row, &indexes, NULL)) != MCX_OK ||
        (rc = pg_exec(s, q_tab, NULL, 0, int_row, &tables, NULL)) != MCX_OK ||
        (rc = pg_exec(s, q_heap, NULL, 0, int_row, &corrupt, NULL)) != MCX_OK) {
        snprintf(report, cap, "postgresql amcheck: FAILED");
        return rc; /* bt_index_check raises an error on a corrupt index */
    }
    if (corrupt != 0 || indexes < 0 || tables < 0) {
        snprintf(s->errmsg, sizeof s->errmsg, "postgresql: verify_heapam found %lld corruption(s)",
                 (long long)corrupt);
        snprintf(report, cap, "postgresql amcheck: FAILED");
        return MCX_ERR_DB;
    }
    snprintf(report, cap,
             "postgresql amcheck: %lld B-tree indexes (bt_index_check, heapallindexed) and %lld "
             "tables (verify_heapam) ok",
             (long long)indexes, (long long)tables);
    return MCX_OK;
}

static void pg_close(struct kms_store *s)
{
    struct pg_store *q = (struct pg_store *)s;
    PQfinish(q->conn);
    free(q);
}

static const struct kms_store_ops pg_ops = {
    "postgresql", pg_exec, pg_begin, pg_commit, pg_rollback, pg_integrity, pg_script, pg_close,
    "BYTEA",      0,
};

mcx_err kms_store_pg_open(const char *conninfo, struct kms_store **out, char *errbuf, size_t errlen)
{
    struct pg_store *q = calloc(1, sizeof *q);
    if (q == NULL)
        return MCX_ERR_NOMEM;
    q->base.ops = &pg_ops;
    q->conn = PQconnectdb(conninfo);
    if (PQstatus(q->conn) != CONNECTION_OK) {
        snprintf(errbuf, errlen, "postgresql: %s", PQerrorMessage(q->conn));
        pg_close(&q->base);
        return MCX_ERR_DB;
    }
    /* Quiet NOTICEs (e.g. "relation already exists, skipping") instead of printing to stderr. */
    PGresult *res = PQexec(q->conn, "SET client_min_messages TO WARNING");
    PQclear(res);
    *out = &q->base;
    return MCX_OK;
}
