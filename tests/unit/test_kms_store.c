/*
 * Unit tests of the KMS storage core (services/kms/lib): schema, users/grants/domains, key-set
 * storage first-writer-wins, the audit hash chain (edit, delete and truncate are detected), the
 * refusal audit queue, the backend integrity check (SQLite integrity_check, PostgreSQL amcheck),
 * and the sealing of master secrets and key sets (wrong KEK / passphrase / AAD rejected). Runs on
 * SQLite, and on PostgreSQL too when $MCXSEC_TEST_PG_URL names a scratch database
 * (tests/integration/kms_store_pg.sh).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers/tmpdir.h"
#include "auditq.h"
#include "kmsdb.h"
#include "secrets.h"

static struct kms_store *open_fresh(const char *name)
{
    char url[512], err[256];
    struct kms_store *s = NULL;
    const char *pg = getenv("MCXSEC_TEST_PG_URL");
    if (pg != NULL && *pg && strcmp(name, "pg") == 0) {
        assert_int_equal(kms_store_open(pg, &s, err, sizeof err), MCX_OK);
        assert_int_equal(
            s->ops->script(s, "DROP TABLE IF EXISTS meta, community, users, grants, domains,"
                              " keysets, audit, audit_head"),
            MCX_OK);
        kms_store_close(s);
        assert_int_equal(kms_store_open(pg, &s, err, sizeof err), MCX_OK);
        return s;
    }
    snprintf(url, sizeof url, "sqlite:%s/%s.db", mcxt_tmpdir, name);
    mcx_err rc = kms_store_open(url, &s, err, sizeof err);
    if (rc != MCX_OK)
        fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, MCX_OK);
    return s;
}

static void run_model(struct kms_store *s)
{
    struct kms_user u;
    assert_int_equal(kmsdb_user_add(s, "sip:alice@example.org", KMS_USER, "t"), MCX_OK);
    assert_int_equal(kmsdb_user_add(s, "sip:alice@example.org", KMS_USER, "t"), MCX_ERR_STATE);
    assert_int_equal(kmsdb_user_add(s, "sip:gms@example.org", KMS_GMS, "t"), MCX_OK);
    assert_int_equal(kmsdb_user_get(s, "sip:alice@example.org", &u), MCX_OK);
    assert_int_equal(u.revoked, 0);
    assert_int_equal(kmsdb_user_get(s, "sip:nobody@example.org", &u), MCX_ERR_NOT_FOUND);
    /* grants */
    assert_int_equal(kmsdb_grant(s, "sip:gms@example.org", "identity", "sip:g1@example.org", "t"),
                     MCX_OK);
    assert_int_equal(kmsdb_grant_check(s, "sip:gms@example.org", "identity", "sip:g1@example.org"),
                     MCX_OK);
    assert_int_equal(kmsdb_grant_check(s, "sip:gms@example.org", "identity", "sip:g2@example.org"),
                     MCX_ERR_FORBIDDEN);
    assert_int_equal(
        kmsdb_grant_check(s, "sip:alice@example.org", "identity", "sip:g1@example.org"),
        MCX_ERR_FORBIDDEN);
    assert_int_equal(kmsdb_grant(s, "sip:gms@example.org", "bogus", "x", "t"), MCX_ERR_ARG);
    /* key sets: the first stored wins */
    struct kms_stored_keyset a, b, got;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    a.period_no = b.period_no = 7;
    a.pvt[0] = 0x04;
    a.pvt[1] = 0xAA;
    b.pvt[0] = 0x04;
    b.pvt[1] = 0xBB;
    a.sealed[0] = 1;
    b.sealed[0] = 2;
    assert_int_equal(kmsdb_keyset_put(s, "sip:alice@example.org", &a), MCX_OK);
    assert_int_equal(kmsdb_keyset_put(s, "sip:alice@example.org", &b), MCX_OK);
    assert_int_equal(b.pvt[1], 0xAA); /* b was replaced by the stored a */
    assert_int_equal(b.sealed[0], 1);
    assert_int_equal(kmsdb_keyset_get(s, "sip:alice@example.org", 7, &got), MCX_OK);
    assert_int_equal(got.revoked, 0);
    assert_int_equal(kmsdb_keyset_get(s, "sip:alice@example.org", 8, &got), MCX_ERR_NOT_FOUND);
    /* revocation marks the user and its key sets */
    assert_int_equal(kmsdb_user_revoke(s, "sip:alice@example.org", "t"), MCX_OK);
    assert_int_equal(kmsdb_user_revoke(s, "sip:nobody@example.org", "t"), MCX_ERR_NOT_FOUND);
    assert_int_equal(kmsdb_user_get(s, "sip:alice@example.org", &u), MCX_OK);
    assert_int_equal(u.revoked, 1);
    assert_int_equal(kmsdb_keyset_get(s, "sip:alice@example.org", 7, &got), MCX_OK);
    assert_int_equal(got.revoked, 1);
    /* audit chain */
    uint64_t n = 0;
    int64_t bad = 0;
    uint8_t head[32];
    assert_int_equal(kms_audit(s, "t", "report", "sip:x", "detail", "ok"), MCX_OK);
    assert_int_equal(kms_audit_verify(s, &n, &bad, head), MCX_OK);
    assert_int_equal(
        n, 5); /* 2 adds, 1 grant, 1 revoke, 1 report (refused changes are not logged here) */
}

static void tamper(struct kms_store *s, const char *sql, int64_t expect_bad)
{
    uint64_t n = 0;
    int64_t bad = 0;
    assert_int_equal(kms_store_exec(s, sql, NULL, 0, NULL, NULL, NULL), MCX_OK);
    assert_int_equal(kms_audit_verify(s, &n, &bad, NULL), MCX_ERR_VERIFY);
    assert_int_equal(bad, expect_bad);
}

struct audit_count {
    uint64_t refused, summarised, summaries;
};

static int count_audit(void *ctx, const struct kms_audit_rec *r)
{
    struct audit_count *c = ctx;
    unsigned long long n = 0;
    if (strcmp(r->result, "refused") == 0)
        c->refused++;
    if (strcmp(r->action, "refusals.summary") == 0 &&
        sscanf(r->detail, "%llu refusals from", &n) == 1) {
        c->summarised += n;
        c->summaries++;
    }
    return 0;
}

/* The refusal queue: per-source and per-window budgets, honest summaries, one transaction. */
static void run_auditq(struct kms_store *s)
{
    struct kms_auditq *q = NULL;
    struct kms_auditq_cfg cfg = {8, 3, 60000, NULL, NULL}; /* one window for the whole test */
    struct kms_auditq_stats st;
    struct audit_count c = {0, 0, 0};
    uint64_t n = 0;
    int64_t bad = 0;
    assert_int_equal(kms_auditq_start(s, &cfg, &q), MCX_OK);
    for (int i = 0; i < 50; i++)
        kms_auditq_push(q, "10.0.0.1", "anonymous", "keyprov", "-", "status=401", "refused");
    for (int i = 0; i < 5; i++)
        kms_auditq_push(q, "10.0.0.2", "anonymous", "init", "-", "status=404", "refused");
    kms_auditq_stop(q); /* writes what is queued */
    assert_int_equal(kms_audit_verify(s, &n, &bad, NULL), MCX_OK);
    assert_int_equal(kms_audit_list(s, 0, count_audit, &c), MCX_OK);
    /* Every push is accounted for. The writer commits what it finds when the first record arrives
     * and the rest when stopped: two batches at most, each holding at most 3 records a source. */
    assert_int_equal(c.refused + c.summarised, 55);
    assert_true(c.refused <= 2 * (3 + 3));
    assert_true(c.summaries >= 1 && c.summaries <= 4);
    cfg.window_ms = 1;
    cfg.per_source = 1000;
    assert_int_equal(kms_auditq_start(s, &cfg, &q), MCX_OK);
    for (int i = 0; i < 20; i++)
        kms_auditq_push(q, "10.0.0.3", "anonymous", "keyprov", "-", "status=400", "refused");
    kms_auditq_get_stats(q, &st);
    assert_int_equal(st.pushed, 20);
    kms_auditq_stop(q);
    assert_int_equal(kms_audit_verify(s, &n, &bad, NULL), MCX_OK);
    memset(&c, 0, sizeof c);
    assert_int_equal(kms_audit_list(s, 0, count_audit, &c), MCX_OK);
    assert_int_equal(c.refused + c.summarised, 75);
    assert_int_equal(kms_auditq_start(s, &(struct kms_auditq_cfg){0, 1, 1, NULL, NULL}, &q),
                     MCX_ERR_ARG);
}

static mcx_err audit_then_fail(struct kms_store *s, void *ctx)
{
    (void)ctx;
    assert_int_equal(kms_audit_locked(s, "t", "never", "x", "rolled back", "ok"), MCX_OK);
    return MCX_ERR_STATE;
}

/* The JSON-lines copy only shows committed records. */
static void run_jsonl(struct kms_store *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    kms_audit_set_sink(f);
    assert_int_equal(kms_store_tx(s, audit_then_fail, NULL), MCX_ERR_STATE);
    fflush(f);
    assert_int_equal(len, 0);
    assert_int_equal(kms_audit(s, "t", "kept", "x", "committed", "ok"), MCX_OK);
    kms_audit_set_sink(NULL);
    fclose(f);
    assert_non_null(strstr(buf, "\"action\":\"kept\""));
    assert_null(strstr(buf, "never"));
    free(buf);
}

static void test_auditq_sqlite(void **state)
{
    (void)state;
    struct kms_store *s = open_fresh("auditq");
    run_auditq(s);
    run_jsonl(s);
    kms_store_close(s);
}

struct dom_seen {
    int n, revoked;
    char xml[64];
};

static int dom_row(void *ctx, const char *uri, const char *xml, int64_t added, int revoked)
{
    struct dom_seen *d = ctx;
    (void)uri;
    (void)added;
    d->n++;
    d->revoked = revoked;
    snprintf(d->xml, sizeof d->xml, "%s", xml);
    return 0;
}

/* External domains: revoke keeps serving the (revoked) certificate and blocks re-adding. */
static void run_domains(struct kms_store *s)
{
    struct dom_seen d = {0, 0, ""};
    assert_int_equal(kmsdb_user_add(s, "sip:u@example.org", KMS_USER, "t"), MCX_OK);
    assert_int_equal(kmsdb_grant(s, "sip:u@example.org", "domain", "*", "t"), MCX_OK);
    assert_int_equal(kmsdb_domain_add(s, "kms.p.org", "<cert/>", "t"), MCX_OK);
    assert_int_equal(kmsdb_domain_revoke(s, "kms.nope.org", "<x/>", "t"), MCX_ERR_NOT_FOUND);
    assert_int_equal(kmsdb_domain_revoke(s, "kms.p.org", "<cert revoked/>", "t"), MCX_OK);
    assert_int_equal(kmsdb_domain_list_for(s, "sip:u@example.org", dom_row, &d), MCX_OK);
    assert_int_equal(d.n, 1);
    assert_int_equal(d.revoked, 1);
    assert_string_equal(d.xml, "<cert revoked/>");
    assert_int_equal(kmsdb_domain_add(s, "kms.p.org", "<cert/>", "t"), MCX_ERR_REVOKED);
}

/* A store of several connections used by several threads: every write lands, the audit chain
 * stays linear, reads see committed data. */
#define POOL_THREADS 4
#define POOL_WRITES 40

static void *pool_worker(void *arg)
{
    struct kms_store *s = arg;
    char uri[64];
    struct kms_user u;
    for (int i = 0; i < POOL_WRITES; i++) {
        snprintf(uri, sizeof uri, "sip:p%p-%d@example.org", (void *)&uri, i);
        if (kmsdb_user_add(s, uri, KMS_USER, "pool") != MCX_OK ||
            kmsdb_user_get(s, uri, &u) != MCX_OK ||
            kms_audit(s, "pool", "report", uri, "", "ok") != MCX_OK)
            return (void *)1;
    }
    return NULL;
}

static void run_pool(const char *url)
{
    struct kms_store *s = NULL;
    char err[256] = "";
    pthread_t th[POOL_THREADS];
    uint64_t n = 0, before = 0;
    int64_t bad = 0;
    assert_int_equal(kms_store_open_pool(url, 3, &s, err, sizeof err), MCX_OK);
    assert_int_equal(kms_audit_verify(s, &before, &bad, NULL), MCX_OK);
    for (int i = 0; i < POOL_THREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, pool_worker, s), 0);
    for (int i = 0; i < POOL_THREADS; i++) {
        void *r = NULL;
        pthread_join(th[i], &r);
        assert_null(r);
    }
    assert_int_equal(kms_audit_verify(s, &n, &bad, NULL), MCX_OK);
    assert_int_equal(n - before, 2 * POOL_THREADS * POOL_WRITES); /* user.add + report each */
    kms_store_close(s);
    assert_int_equal(kms_store_open_pool(url, 0, &s, err, sizeof err), MCX_ERR_ARG);
    assert_null(s);
}

/* An edited, a deleted and a truncated audit record are each detected, on a fresh store each. */
static void run_tampering(const char *edit_name, const char *del_name, const char *trunc_name)
{
    char report[256];
    struct kms_store *s = open_fresh(edit_name);
    run_model(s);
    assert_int_equal(kms_store_integrity(s, report, sizeof report), MCX_OK);
    tamper(s, "UPDATE audit SET detail = 'edited' WHERE seq = 3", 3);
    kms_store_close(s);
    s = open_fresh(del_name);
    run_model(s);
    tamper(s, "DELETE FROM audit WHERE seq = 2", 3);
    kms_store_close(s);
    s = open_fresh(trunc_name);
    run_model(s);
    tamper(s, "DELETE FROM audit WHERE seq = 5", 5);
    kms_store_close(s);
}

static void test_model_sqlite(void **state)
{
    (void)state;
    char report[256];
    struct kms_store *s = open_fresh("integrity");
    assert_int_equal(kms_store_integrity(s, report, sizeof report), MCX_OK);
    assert_string_equal(report, "sqlite PRAGMA integrity_check: ok");
    run_domains(s);
    kms_store_close(s);
    char url[512];
    snprintf(url, sizeof url, "sqlite:%s/integrity.db", mcxt_tmpdir);
    run_pool(url);
    /* a schema-1 database (no domains.revoked) is migrated when opened */
    s = open_fresh("v1");
    assert_int_equal(s->ops->script(s, "ALTER TABLE domains DROP COLUMN revoked;"
                                       " UPDATE meta SET v = '1' WHERE k = 'schema_version'"),
                     MCX_OK);
    kms_store_close(s);
    s = open_fresh("v1");
    run_domains(s);
    kms_store_close(s);
    run_tampering("model", "del", "trunc");
}

/* Several nodes start against a fresh PostgreSQL database at once: every one migrates (or finds
 * the schema migrated) without a catalogue race, thanks to the advisory lock. */
#define RACERS 6
static pthread_barrier_t race_start;

static void *race_open(void *arg)
{
    mcx_err *rc = arg;
    struct kms_store *s = NULL;
    char err[256] = "";
    pthread_barrier_wait(&race_start);
    *rc = kms_store_open(getenv("MCXSEC_TEST_PG_URL"), &s, err, sizeof err);
    if (*rc != MCX_OK)
        fprintf(stderr, "concurrent open: %s\n", err);
    kms_store_close(s);
    return NULL;
}

static void run_concurrent_migration(void)
{
    pthread_t th[RACERS];
    mcx_err rc[RACERS];
    struct kms_store *s = open_fresh("pg");
    assert_int_equal(s->ops->script(s,
                                    "DROP TABLE IF EXISTS meta, community, users, grants, domains,"
                                    " keysets, audit, audit_head"),
                     MCX_OK);
    kms_store_close(s);
    assert_int_equal(pthread_barrier_init(&race_start, NULL, RACERS), 0);
    for (int i = 0; i < RACERS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, race_open, &rc[i]), 0);
    for (int i = 0; i < RACERS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(rc[i], MCX_OK);
    }
    pthread_barrier_destroy(&race_start);
}

static void test_model_pg(void **state)
{
    (void)state;
    const char *pg = getenv("MCXSEC_TEST_PG_URL");
    if (pg == NULL || *pg == '\0') {
        fprintf(stderr, "skipping PostgreSQL half: MCXSEC_TEST_PG_URL not set "
                        "(tests/integration/kms_store_pg.sh runs it against a real server)\n");
        skip();
    }
    char report[256];
    struct kms_store *s = open_fresh("pg");
    run_model(s);
    /* amcheck over the 8 tables and their 8 primary-key indexes */
    assert_int_equal(kms_store_integrity(s, report, sizeof report), MCX_OK);
    assert_non_null(strstr(report, "8 B-tree indexes"));
    assert_non_null(strstr(report, "8 tables (verify_heapam) ok"));
    kms_store_close(s);
    s = open_fresh("pg");
    run_domains(s);
    kms_store_close(s);
    run_tampering("pg", "pg", "pg");
    for (int round = 0; round < 3; round++)
        run_concurrent_migration();
    run_pool(pg);
    s = open_fresh("pg");
    run_auditq(s);
    run_jsonl(s);
    kms_store_close(s);
}

static void test_seal(void **state)
{
    (void)state;
    uint8_t master[KMS_MASTER_BYTES], back[KMS_MASTER_BYTES], blob[KMS_SEALED_SECRETS_MAX];
    size_t len = sizeof blob;
    char err[256], kekpath[300];
    for (size_t i = 0; i < sizeof master; i++)
        master[i] = (uint8_t)i;
    struct kms_kek_source pw = {NULL, "correct horse battery"};
    assert_int_equal(kms_master_seal(&pw, "kms.example.org", master, blob, &len, err, sizeof err),
                     MCX_OK);
    assert_int_equal(kms_master_open(&pw, "kms.example.org", blob, len, back, err, sizeof err),
                     MCX_OK);
    assert_memory_equal(master, back, sizeof master);
    struct kms_kek_source wrong = {NULL, "wrong horse battery"};
    assert_int_equal(kms_master_open(&wrong, "kms.example.org", blob, len, back, err, sizeof err),
                     MCX_ERR_VERIFY);
    assert_int_equal(kms_master_open(&pw, "kms.other.org", blob, len, back, err, sizeof err),
                     MCX_ERR_VERIFY);
    blob[len - 1] ^= 1;
    assert_int_equal(kms_master_open(&pw, "kms.example.org", blob, len, back, err, sizeof err),
                     MCX_ERR_VERIFY);
    /* KEK file: must be 0600 */
    snprintf(kekpath, sizeof kekpath, "%s/kek", mcxt_tmpdir);
    FILE *f = fopen(kekpath, "w");
    assert_non_null(f);
    fprintf(f, "%s\n", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    fclose(f);
    chmod(kekpath, 0644);
    struct kms_kek_source file = {kekpath, NULL};
    len = sizeof blob;
    assert_int_equal(kms_master_seal(&file, "kms.example.org", master, blob, &len, err, sizeof err),
                     MCX_ERR_FORBIDDEN);
    chmod(kekpath, 0600);
    len = sizeof blob;
    assert_int_equal(kms_master_seal(&file, "kms.example.org", master, blob, &len, err, sizeof err),
                     MCX_OK);
    assert_int_equal(kms_master_open(&file, "kms.example.org", blob, len, back, err, sizeof err),
                     MCX_OK);
    assert_memory_equal(master, back, sizeof master);
    /* key sets */
    uint8_t key[32], ssk[32], rsk[257], ssk2[32], rsk2[257], sealed[KMS_SEALED_KEYSET_BYTES];
    assert_int_equal(kms_storage_key(master, key), MCX_OK);
    memset(ssk, 0x11, sizeof ssk);
    memset(rsk, 0x22, sizeof rsk);
    assert_int_equal(kms_keyset_seal(key, "sip:a@x", 5, ssk, rsk, sealed), MCX_OK);
    assert_int_equal(kms_keyset_open(key, "sip:a@x", 5, sealed, ssk2, rsk2), MCX_OK);
    assert_memory_equal(ssk, ssk2, 32);
    assert_memory_equal(rsk, rsk2, 257);
    assert_int_equal(kms_keyset_open(key, "sip:b@x", 5, sealed, ssk2, rsk2), MCX_ERR_VERIFY);
    assert_int_equal(kms_keyset_open(key, "sip:a@x", 6, sealed, ssk2, rsk2), MCX_ERR_VERIFY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_sqlite),
        cmocka_unit_test(test_model_pg),
        cmocka_unit_test(test_auditq_sqlite),
        cmocka_unit_test(test_seal),
    };
    return cmocka_run_group_tests(tests, mcxt_tmpdir_setup, mcxt_tmpdir_teardown);
}
