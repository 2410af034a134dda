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

#include "auth.h"
#include "https_client.h"
#include "mcxsec/kmsmsg.h"
#include "mcxsec/util.h"

struct opts {
    const char *kms, *ca, *idms_key, *iss, *aud, *kms_uri, *prefix, *suffix, *mode, *save;
    unsigned count, users, conc, keepalive, allow_errors, start;
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
        else if (!strcmp(a, "--allow-errors")) o.allow_errors = 1;
        else {
            fprintf(stderr, "kms-bench: unknown option %s (see the comment at the top of bench/kms-bench.c)\n", a);
            return 2;
        }
    }
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
