/*
 * kms-bench — load generator for mcxsec-kmsd over real HTTPS (issue 4 item 12; figures in
 * docs/PERFORMANCE.md). Each worker thread mints its users' access tokens with the IdMS key and
 * POSTs Annex D requests:
 *   --mode keyprov    first-time provisioning: user <prefix><i><suffix>, i = start..start+count-1,
 *                     fetches its own key set once
 *   --mode certcache  --count cert-cache requests, round-robin over --users identities
 *   --mode init       --count KmsInit requests
 * Connections are kept alive per worker unless --no-keepalive. With --save DIR the body of every
 * 200 answer is written to DIR/<i>.xml (the crash test compares them after a kill -9 + restart).
 *
 *   kms-bench --mode ceiling [--seconds S] [--db URL]
 *                     the baseline of bench/kms-bench.sh, in-process and single-threaded, per
 *                     second of this thread's CPU time: what one first-time provision costs in
 *                     crypto (ECCSI SSK issue + validation, SAKKE RSK issue + validation), and,
 *                     for explaining where the time goes, access-token verification, key-set
 *                     sealing, and (with --db, a scratch database; wall time) one key set stored
 *                     with its audit record per transaction.
 *
 *   kms-bench --kms https://127.0.0.1:8443 --ca ca.pem --idms-key idms.key --iss URL --aud AUD
 *             --kms-uri URI [--user-prefix sip:user] [--user-suffix @example.org] [--count N]
 *             [--users N] [--start FIRST-INDEX]
 *             [--concurrency C] [--mode keyprov|certcache|init] [--save DIR] [--allow-errors]
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "auth.h"
#include "https_client.h"
#include "kmsdb.h"
#include "mcxsec/eccsi.h"
#include "mcxsec/sakke.h"
#include "secrets.h"
#include "mcxsec/kmsmsg.h"
#include "mcxsec/util.h"

struct opts {
    const char *kms, *ca, *idms_key, *iss, *aud, *kms_uri, *prefix, *suffix, *mode, *save, *db;
    unsigned count, users, conc, keepalive, allow_errors, start;
    double seconds;
};

static struct opts o;
static struct kms_url url;
static SSL_CTX *ctx;
static unsigned char *idms_pem;
static size_t idms_len;
static atomic_uint next_job;
static atomic_ullong st_ok, st_fail, st_codes[6];
static atomic_uint printed; /* error lines printed (capped) */
static double *lat;
static char **tokens; /* one access token per user, minted before the clock starts */
static unsigned n_users;
static atomic_uint next_mint;
static pthread_barrier_t start_line;

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void *worker(void *arg)
{
    struct kms_https_conn conn;
    struct kms_https_conn *cp = o.keepalive ? &conn : NULL;
    char user[256], path[1024], err[256];
    (void)arg;
    memset(&conn, 0, sizeof conn);
    /* Each client holds its own token (as a UE does for its session): mint them all first. */
    for (;;) {
        unsigned u = atomic_fetch_add(&next_mint, 1);
        if (u >= n_users)
            break;
        snprintf(user, sizeof user, "%s%u%s", o.prefix, o.start + u, o.suffix);
        if (kms_auth_mint("ES256", idms_pem, idms_len, NULL, o.iss, o.aud, user, "mcptt_id", user,
                          "3gpp:mc:ptt_key_management_service", (int64_t)time(NULL), 3600, &tokens[u]) != MCX_OK) {
            fprintf(stderr, "kms-bench: minting a token failed\n");
            exit(3);
        }
    }
    pthread_barrier_wait(&start_line);
    pthread_barrier_wait(&start_line);
    for (;;) {
        unsigned j = atomic_fetch_add(&next_job, 1);
        if (j >= o.count)
            break;
        unsigned u = strcmp(o.mode, "keyprov") == 0 ? j : j % n_users;
        unsigned ui = o.start + u;
        const char *tok = tokens[u];
        snprintf(user, sizeof user, "%s%u%s", o.prefix, ui, o.suffix);
        snprintf(path, sizeof path, "/keymanagement/identity/v1/%s", o.mode);
        struct mcx_kms_request rq;
        memset(&rq, 0, sizeof rq);
        snprintf(rq.user_uri, sizeof rq.user_uri, "%s", user);
        snprintf(rq.kms_uri, sizeof rq.kms_uri, "%s", o.kms_uri);
        rq.time = (int64_t)time(NULL);
        snprintf(rq.client_req_url, sizeof rq.client_req_url, "%s%s", o.kms, path);
        char *body = NULL, *resp = NULL;
        size_t blen = 0, rlen = 0;
        unsigned status = 0;
        if (mcx_kmsmsg_write_request(&rq, &body, &blen) != MCX_OK)
            exit(3);
        double t0 = now_s();
        mcx_err rc = kms_https_post(ctx, &url, cp, path, tok, body, blen, &status, &resp, &rlen, err, sizeof err);
        lat[j] = now_s() - t0;
        mcx_kmsmsg_free(body, blen);
        if (rc != MCX_OK) {
            atomic_fetch_add(&st_fail, 1);
            if (!o.allow_errors && atomic_fetch_add(&printed, 1) < 10)
                fprintf(stderr, "kms-bench: request %u: %s\n", j, err);
            continue;
        }
        unsigned cls = status / 100;
        atomic_fetch_add(&st_codes[cls < 6 ? cls : 0], 1);
        if (status == 200) {
            atomic_fetch_add(&st_ok, 1);
            if (o.save != NULL) {
                char fn[512];
                snprintf(fn, sizeof fn, "%s/%u.xml", o.save, ui);
                FILE *f = fopen(fn, "w");
                if (f != NULL) {
                    fwrite(resp, 1, rlen, f);
                    fclose(f);
                }
            }
        } else if (!o.allow_errors && atomic_fetch_add(&printed, 1) < 10) {
            fprintf(stderr, "kms-bench: request %u: HTTP %u\n", j, status);
        }
        mcx_wipe(resp, rlen);
        free(resp);
    }
    kms_https_close(&conn);
    return NULL;
}

/* ---- --mode ceiling ---------------------------------------------------------------------- */

struct ceiling {
    uint8_t ksak[MCX_ECCSI_SCALAR_BYTES], kpak[MCX_ECCSI_POINT_BYTES];
    uint8_t z[MCX_SAKKE_SCALAR_BYTES], Z[MCX_SAKKE_POINT_BYTES];
    mcx_sakke_pub *pub;
    uint8_t id[32], ssk[MCX_ECCSI_SCALAR_BYTES], pvt[MCX_ECCSI_POINT_BYTES],
        rsk[MCX_SAKKE_POINT_BYTES];
    /* the keys of identity 0, for the validations */
    uint8_t id0[32], ssk0[MCX_ECCSI_SCALAR_BYTES], pvt0[MCX_ECCSI_POINT_BYTES],
        rsk0[MCX_SAKKE_POINT_BYTES];
    uint8_t storage_key[32], sealed[KMS_SEALED_KEYSET_BYTES];
    struct kms_auth_cfg auth;
    char *token;
    struct kms_store *db;
    unsigned counter;
};

enum op { OP_ECCSI_ISSUE, OP_ECCSI_VALIDATE, OP_SAKKE_ISSUE, OP_SAKKE_VALIDATE, OP_TOKEN, OP_SEAL,
          OP_DB };

static int run_op(struct ceiling *c, enum op op)
{
    char who[KMS_ID_MAX], why[160];
    c->counter++;
    c->id[0] = (uint8_t)c->counter; /* a new identity each time: nothing is cached */
    c->id[1] = (uint8_t)(c->counter >> 8);
    c->id[2] = (uint8_t)(c->counter >> 16);
    switch (op) {
    case OP_ECCSI_ISSUE:
        return mcx_eccsi_kms_issue(c->ksak, c->id, sizeof c->id, c->ssk, c->pvt) == MCX_OK;
    case OP_ECCSI_VALIDATE:
        return mcx_eccsi_validate(c->kpak, c->id0, sizeof c->id0, c->ssk0, c->pvt0, NULL) == MCX_OK;
    case OP_SAKKE_ISSUE:
        return mcx_sakke_kms_issue(c->z, c->id, sizeof c->id, c->rsk) == MCX_OK;
    case OP_SAKKE_VALIDATE:
        return mcx_sakke_validate_rsk(c->pub, c->id0, sizeof c->id0, c->rsk0) == MCX_OK;
    case OP_TOKEN:
        return kms_auth_verify(&c->auth, c->token, strlen(c->token), (int64_t)time(NULL), who, why,
                               sizeof why) == MCX_OK;
    case OP_SEAL:
        return kms_keyset_seal(c->storage_key, "sip:user@example.org", c->counter, c->ssk, c->rsk,
                               c->sealed) == MCX_OK;
    case OP_DB: {
        struct kms_stored_keyset k;
        char uri[64];
        int stored = 0;
        memset(&k, 0, sizeof k);
        k.period_no = 1;
        snprintf(uri, sizeof uri, "sip:ceiling%u@example.org", c->counter);
        return kmsdb_keyset_put_audited(c->db, uri, &k, "bench", "period=1", &stored) == MCX_OK;
    }
    }
    return 0;
}

/* This thread's CPU time: the ceiling is per CPU-second, so other load on the machine does not
 * lower it (it lowers what the server reaches, which the ratio then shows). */
static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double rate_of(struct ceiling *c, enum op op, double seconds)
{
    unsigned n = 0;
    double t0 = op == OP_DB ? now_s() : cpu_s(), el = 0;
    do {
        if (!run_op(c, op)) {
            fprintf(stderr, "kms-bench: ceiling: operation %d failed\n", (int)op);
            exit(3);
        }
        n++;
        el = (op == OP_DB ? now_s() : cpu_s()) - t0; /* a commit waits for the disk: wall time */
    } while (el < seconds);
    return n / el;
}

static int ceiling_mode(double seconds, const char *db_url)
{
    static struct ceiling c;
    char err[256] = "";
    EVP_PKEY *k = EVP_EC_gen("P-256");
    char *priv = NULL, *pub = NULL;
    long plen = 0, qlen = 0;
    BIO *b1 = BIO_new(BIO_s_mem()), *b2 = BIO_new(BIO_s_mem());
    if (k == NULL || b1 == NULL || b2 == NULL ||
        PEM_write_bio_PrivateKey(b1, k, NULL, NULL, 0, NULL, NULL) != 1 ||
        PEM_write_bio_PUBKEY(b2, k) != 1 || (plen = BIO_get_mem_data(b1, &priv)) <= 0 ||
        (qlen = BIO_get_mem_data(b2, &pub)) <= 0)
        return 3;
    snprintf(c.auth.issuer, sizeof c.auth.issuer, "https://idms.example.org");
    snprintf(c.auth.audience, sizeof c.auth.audience, "kms.example.org");
    snprintf(c.auth.scope, sizeof c.auth.scope, "3gpp:mc:ptt_key_management_service");
    snprintf(c.auth.id_claim, sizeof c.auth.id_claim, "mcptt_id");
    snprintf(c.auth.alg, sizeof c.auth.alg, "ES256");
    c.auth.max_skew = 30;
    if (kms_auth_add_key(&c.auth, NULL, pub, (size_t)qlen, err, sizeof err) != MCX_OK ||
        kms_auth_mint("ES256", (const unsigned char *)priv, (size_t)plen, NULL, c.auth.issuer,
                      c.auth.audience, "sub", "mcptt_id", "sip:user@example.org", c.auth.scope,
                      (int64_t)time(NULL), 3600, &c.token) != MCX_OK)
        return 3;
    BIO_free(b1);
    BIO_free(b2);
    EVP_PKEY_free(k);
    if (mcx_eccsi_kms_keygen(c.ksak, c.kpak) != MCX_OK ||
        mcx_sakke_kms_keygen(c.z, c.Z) != MCX_OK || mcx_sakke_pub_new(&c.pub, c.Z) != MCX_OK ||
        mcx_eccsi_kms_issue(c.ksak, c.id0, sizeof c.id0, c.ssk0, c.pvt0) != MCX_OK ||
        mcx_sakke_kms_issue(c.z, c.id0, sizeof c.id0, c.rsk0) != MCX_OK)
        return 3;
    if (db_url != NULL && kms_store_open(db_url, &c.db, err, sizeof err) != MCX_OK) {
        fprintf(stderr, "kms-bench: %s\n", err);
        return 2;
    }
    double ei = rate_of(&c, OP_ECCSI_ISSUE, seconds / 4);
    double ev = rate_of(&c, OP_ECCSI_VALIDATE, seconds / 4);
    double si = rate_of(&c, OP_SAKKE_ISSUE, seconds), sv = rate_of(&c, OP_SAKKE_VALIDATE, seconds);
    double tv = rate_of(&c, OP_TOKEN, seconds / 4), se = rate_of(&c, OP_SEAL, seconds / 4);
    double dbr = c.db != NULL ? rate_of(&c, OP_DB, seconds) : 0;
    /* one first-time provision = all four crypto operations, one after another */
    double set = 1.0 / (1.0 / ei + 1.0 / ev + 1.0 / si + 1.0 / sv);
    printf("mode=ceiling eccsi_issue=%.1f eccsi_validate=%.1f sakke_issue=%.1f sakke_validate=%.1f "
           "keyset=%.2f token_verify=%.1f seal=%.1f db_commit=%.1f\n",
           ei, ev, si, sv, set, tv, se, dbr);
    mcx_sakke_pub_free(c.pub);
    kms_store_close(c.db);
    kms_auth_cfg_free(&c.auth);
    free(c.token);
    mcx_wipe(&c, sizeof c);
    return 0;
}

static const char *arg(int *i, int argc, char **argv)
{
    if (*i + 1 >= argc) {
        fprintf(stderr, "kms-bench: %s needs a value\n", argv[*i]);
        exit(2);
    }
    return argv[++*i];
}

int main(int argc, char **argv)
{
    o.prefix = "sip:user";
    o.suffix = "@example.org";
    o.mode = "keyprov";
    o.count = 1000;
    o.users = 1;
    o.conc = 16;
    o.keepalive = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--kms")) o.kms = arg(&i, argc, argv);
        else if (!strcmp(a, "--ca")) o.ca = arg(&i, argc, argv);
        else if (!strcmp(a, "--idms-key")) o.idms_key = arg(&i, argc, argv);
        else if (!strcmp(a, "--iss")) o.iss = arg(&i, argc, argv);
        else if (!strcmp(a, "--aud")) o.aud = arg(&i, argc, argv);
        else if (!strcmp(a, "--kms-uri")) o.kms_uri = arg(&i, argc, argv);
        else if (!strcmp(a, "--user-prefix")) o.prefix = arg(&i, argc, argv);
        else if (!strcmp(a, "--user-suffix")) o.suffix = arg(&i, argc, argv);
        else if (!strcmp(a, "--mode")) o.mode = arg(&i, argc, argv);
        else if (!strcmp(a, "--save")) o.save = arg(&i, argc, argv);
        else if (!strcmp(a, "--count")) o.count = (unsigned)strtoul(arg(&i, argc, argv), NULL, 10);
        else if (!strcmp(a, "--start")) o.start = (unsigned)strtoul(arg(&i, argc, argv), NULL, 10);
        else if (!strcmp(a, "--users")) o.users = (unsigned)strtoul(arg(&i, argc, argv), NULL, 10);
        else if (!strcmp(a, "--concurrency")) o.conc = (unsigned)strtoul(arg(&i, argc, argv), NULL, 10);
        else if (!strcmp(a, "--no-keepalive")) o.keepalive = 0;
        else if (!strcmp(a, "--seconds")) o.seconds = strtod(arg(&i, argc, argv), NULL);
        else if (!strcmp(a, "--db")) o.db = arg(&i, argc, argv);
        else if (!strcmp(a, "--allow-errors")) o.allow_errors = 1;
        else {
            fprintf(stderr, "kms-bench: unknown option %s (see the comment at the top of bench/kms-bench.c)\n", a);
            return 2;
        }
    }
    if (strcmp(o.mode, "ceiling") == 0)
        return ceiling_mode(o.seconds > 0 ? o.seconds : 2.0, o.db);
    if (!o.kms || !o.ca || !o.idms_key || !o.iss || !o.aud || !o.kms_uri || o.count == 0 || o.conc == 0 ||
        o.conc > 4096 || (strcmp(o.mode, "keyprov") && strcmp(o.mode, "certcache") && strcmp(o.mode, "init"))) {
        fprintf(stderr, "kms-bench: --kms --ca --idms-key --iss --aud --kms-uri are required\n");
        return 2;
    }
    char err[256];
    if (kms_url_parse(o.kms, &url) != 0 || kms_https_ctx(o.ca, &ctx, err, sizeof err) != MCX_OK) {
        fprintf(stderr, "kms-bench: bad --kms or --ca\n");
        return 2;
    }
    FILE *f = fopen(o.idms_key, "rb");
    idms_pem = malloc(16384);
    if (f == NULL || idms_pem == NULL) {
        fprintf(stderr, "kms-bench: cannot read %s\n", o.idms_key);
        return 2;
    }
    idms_len = fread(idms_pem, 1, 16383, f);
    fclose(f);
    lat = calloc(o.count, sizeof *lat);
    pthread_t *th = calloc(o.conc, sizeof *th);
    if (lat == NULL || th == NULL)
        return 3;
    n_users = strcmp(o.mode, "keyprov") == 0 ? o.count : (o.users ? o.users : 1);
    tokens = calloc(n_users, sizeof *tokens);
    if (tokens == NULL || pthread_barrier_init(&start_line, NULL, o.conc + 1) != 0)
        return 3;
    for (unsigned i = 0; i < o.conc; i++)
        if (pthread_create(&th[i], NULL, worker, NULL) != 0) {
            fprintf(stderr, "kms-bench: cannot start %u threads\n", o.conc);
            return 3;
        }
    pthread_barrier_wait(&start_line); /* every token minted */
    double t0 = now_s();
    pthread_barrier_wait(&start_line); /* go */
    for (unsigned i = 0; i < o.conc; i++)
        pthread_join(th[i], NULL);
    double el = now_s() - t0;
    for (unsigned i = 0; i < n_users; i++)
        free(tokens[i]);
    free(tokens);
    pthread_barrier_destroy(&start_line);
    qsort(lat, o.count, sizeof *lat, cmp_d);
    unsigned long long ok = st_ok;
    printf("mode=%s requests=%u concurrency=%u keepalive=%u ok=%llu 4xx=%llu 5xx=%llu transport_errors=%llu "
           "seconds=%.3f rate=%.1f/s p50_ms=%.2f p99_ms=%.2f\n",
           o.mode, o.count, o.conc, o.keepalive, ok, (unsigned long long)st_codes[4],
           (unsigned long long)st_codes[5], (unsigned long long)st_fail, el, (double)ok / el,
           lat[o.count / 2] * 1e3, lat[(size_t)((double)o.count * 0.99)] * 1e3);
    mcx_wipe(idms_pem, 16384);
    free(idms_pem);
    free(lat);
    free(th);
    SSL_CTX_free(ctx);
    return (ok == o.count || o.allow_errors) ? 0 : 1;
}
