/*
 * services/kms/schema.c — the KMS database schema and its migrations, one text for both backends
 * (only the binary column type differs: BLOB in SQLite, BYTEA in PostgreSQL).
 *
 * Tables: community (the KMS URI, key period/offset, public keys, master secrets sealed under the
 * KEK), users (identities the KMS may issue for; kind user | gms | server; revoked flag),
 * grants (holder may obtain keys of identity <target>, or see external domain <target>),
 * domains (external KMS certificates; revoked flag from schema 2), keysets (every issued key set:
 * PVT clear, SSK||RSK sealed),
 * audit + audit_head (the tamper-evident log: each record carries the SHA-256 of the previous one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

/* pg_advisory_xact_lock key of schema migrations: the octets of "mcxkms", big-endian. */
#define KMS_MIGRATION_LOCK "120273989496179"

#define KMS_SCHEMA_V1(B)                                                                          \
    "CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);"                      \
    "CREATE TABLE IF NOT EXISTS community (id BIGINT PRIMARY KEY, kms_uri TEXT NOT NULL,"         \
    " key_period BIGINT NOT NULL, key_offset BIGINT NOT NULL, param_set BIGINT NOT NULL,"         \
    " kpak " B " NOT NULL, z_pub " B " NOT NULL, secrets " B " NOT NULL, issuer TEXT NOT NULL,"   \
    " created BIGINT NOT NULL, cache_num BIGINT NOT NULL);"                                       \
    "CREATE TABLE IF NOT EXISTS users (uri TEXT PRIMARY KEY, kind TEXT NOT NULL,"                 \
    " revoked BIGINT NOT NULL DEFAULT 0, created BIGINT NOT NULL, revoked_at BIGINT);"            \
    "CREATE TABLE IF NOT EXISTS grants (holder TEXT NOT NULL, kind TEXT NOT NULL,"                \
    " target TEXT NOT NULL, created BIGINT NOT NULL, PRIMARY KEY (holder, kind, target));"        \
    "CREATE TABLE IF NOT EXISTS domains (kms_uri TEXT PRIMARY KEY, cert_xml TEXT NOT NULL,"       \
    " added BIGINT NOT NULL);"                                                                    \
    "CREATE TABLE IF NOT EXISTS keysets (uri TEXT NOT NULL, period_no BIGINT NOT NULL,"           \
    " issued BIGINT NOT NULL, pvt " B " NOT NULL, sealed " B " NOT NULL,"                         \
    " revoked BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (uri, period_no));"                          \
    "CREATE TABLE IF NOT EXISTS audit (seq BIGINT PRIMARY KEY, ts BIGINT NOT NULL,"               \
    " actor TEXT NOT NULL, action TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT NOT NULL,"    \
    " result TEXT NOT NULL, prev " B " NOT NULL, hash " B " NOT NULL);"                           \
    "CREATE TABLE IF NOT EXISTS audit_head (id BIGINT PRIMARY KEY, seq BIGINT NOT NULL,"          \
    " hash " B " NOT NULL);"

static const char schema_sqlite[] = KMS_SCHEMA_V1("BLOB");
static const char schema_pg[] = KMS_SCHEMA_V1("BYTEA");

static int version_row(void *ctx, const struct kms_val *cols, size_t n)
{
    long *v = ctx;
    if (n == 1 && cols[0].type == KMS_V_TEXT)
        *v = strtol(cols[0].text, NULL, 10);
    return 1;
}

static mcx_err migrate(struct kms_store *s, void *ctx)
{
    static const char q_version[] = "SELECT v FROM meta WHERE k = 'schema_version'";
    static const char q_set[] = "INSERT INTO meta (k, v) VALUES ('schema_version', $1) "
                                "ON CONFLICT (k) DO UPDATE SET v = excluded.v";
    static const char q_head[] = "INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, $1) "
                                 "ON CONFLICT (id) DO NOTHING";
    static const uint8_t zero[32];
    char buf[16];
    long version = 0;
    mcx_err rc;
    int pg = strcmp(s->ops->blob_type, "BYTEA") == 0;
    (void)ctx;
    /* Several nodes (or a node and the CLI) may open a fresh PostgreSQL database at once, and
     * concurrent CREATE TABLE IF NOT EXISTS / ALTER TABLE race in the catalogue: one migration at
     * a time, under a transaction-scoped advisory lock (released at COMMIT / ROLLBACK). SQLite's
     * BEGIN IMMEDIATE already serialises writers. */
    static const char q_lock[] = "SELECT pg_advisory_xact_lock(" KMS_MIGRATION_LOCK ")";
    if (pg && (rc = s->ops->script(s, q_lock)) != MCX_OK)
        return rc;
    rc = s->ops->script(s, pg ? schema_pg : schema_sqlite);
    if (rc != MCX_OK)
        return rc;
    rc = kms_store_exec_locked(s, q_version, NULL, 0, version_row, &version, NULL);
    if (rc != MCX_OK)
        return rc;
    if (version > KMS_SCHEMA_VERSION) {
        snprintf(s->errmsg, sizeof s->errmsg, "database schema %ld is newer than this program (%d)",
                 version, KMS_SCHEMA_VERSION);
        return MCX_ERR_UNSUPPORTED;
    }
    /* Version 2: external domains can be revoked (domain revoke), served with Revoked=true. */
    static const char q_v2[] = "ALTER TABLE domains ADD COLUMN revoked BIGINT NOT NULL DEFAULT 0";
    if (version < 2 && (rc = s->ops->script(s, q_v2)) != MCX_OK)
        return rc;
    /* Further migrations go here: if (version < 3) { ALTER ...; } */
    struct kms_val h = kms_blob(zero, sizeof zero);
    if ((rc = kms_store_exec_locked(s, q_head, &h, 1, NULL, NULL, NULL)) != MCX_OK)
        return rc;
    snprintf(buf, sizeof buf, "%d", KMS_SCHEMA_VERSION);
    struct kms_val v = kms_text(buf);
    return kms_store_exec_locked(s, q_set, &v, 1, NULL, NULL, NULL);
}

mcx_err kms_schema_migrate(struct kms_store *s)
{
    return kms_store_tx(s, migrate, NULL);
}
