/*
 * `mcxsec mikey gmk-bulk`: the group-rekey hot path — one GMK I_MESSAGE (TS 33.180 E.2) per member
 * of a member list, on every core. Each thread owns its MIKEY context (its own RSK lines, signer and
 * verifier caches); members are streamed from the list file one line at a time and each message is
 * written to OUT/<n>.mikey as soon as it exists, so memory does not grow with the group size.
 * An index line "n uri guk_id" per member goes to OUT/index.txt. A progress bar is drawn on a
 * terminal; otherwise one summary line is printed.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mcxsec/util.h"
#include "mikey_cli.h"

struct bulk {
    const struct cli_keys *keys;
    struct mcx_mikey_create_args base;
    const char *outdir;
    FILE *members, *index;
    pthread_mutex_t lock;
    size_t next_no, done, failed;
    mcx_err first_err;
    int tty;
    size_t total_hint;
    struct timespec start;
};

static double elapsed(const struct timespec *s)
{
    struct timespec n;
    clock_gettime(CLOCK_MONOTONIC, &n);
    return (double)(n.tv_sec - s->tv_sec) + (double)(n.tv_nsec - s->tv_nsec) / 1e9;
}

/* Next member URI (under the lock); 0 at end of list. Blank lines and '#' comments are skipped. */
static int next_member(struct bulk *b, char *uri, size_t cap, size_t *no)
{
    char line[MCX_URI_MAX + 2];
    while (fgets(line, sizeof line, b->members) != NULL) {
        size_t l = strcspn(line, "\r\n");
        if (line[l] == '\0' && !feof(b->members)) {
            /* overlong line: skip the rest of it and count a failure */
            int c;
            while ((c = fgetc(b->members)) != EOF && c != '\n')
                ;
            b->failed++;
            continue;
        }
        line[l] = '\0';
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0' || *p == '#')
            continue;
        size_t pl = strlen(p);
        if (pl >= cap) {
            b->failed++;
            continue;
        }
        memcpy(uri, p, pl + 1);
        *no = ++b->next_no;
        return 1;
    }
    return 0;
}

static void progress(struct bulk *b)
{
    if (!b->tty)
        return;
    double t = elapsed(&b->start);
    size_t n = b->done + b->failed;
    if (b->total_hint > 0) {
        int w = 40, f = (int)((double)w * (double)n / (double)b->total_hint);
        if (f > w)
            f = w;
        fprintf(stderr, "\r[%.*s%*s] %zu/%zu  %.0f msg/s ", f, "########################################",
                w - f, "", n, b->total_hint, t > 0 ? (double)n / t : 0.0);
    } else {
        fprintf(stderr, "\r%zu messages  %.0f msg/s ", n, t > 0 ? (double)n / t : 0.0);
    }
    fflush(stderr);
}

static void *worker(void *arg)
{
    struct bulk *b = arg;
    mcx_mikey_ctx *ctx = NULL;
    uint8_t msg[MCX_MIKEY_MAX_MSG];
    char uri[MCX_URI_MAX], path[4096];
    if (cli_keys_ctx("mikey gmk-bulk", b->keys, &ctx) != CLI_OK) {
        pthread_mutex_lock(&b->lock);
        b->first_err = b->first_err ? b->first_err : MCX_ERR_INTERNAL;
        pthread_mutex_unlock(&b->lock);
        return NULL;
    }
    for (;;) {
        size_t no;
        pthread_mutex_lock(&b->lock);
        int more = b->first_err == MCX_OK && next_member(b, uri, sizeof uri, &no);
        pthread_mutex_unlock(&b->lock);
        if (!more)
            break;
        struct mcx_mikey_create_args ca = b->base;
        struct mcx_mikey_result r;
        ca.responder_uri = uri;
        size_t ml = sizeof msg;
        mcx_err e = mcx_mikey_create(ctx, &ca, msg, &ml, &r);
        int ok = e == MCX_OK;
        if (ok) {
            snprintf(path, sizeof path, "%s/%06zu.mikey", b->outdir, no);
            FILE *f = fopen(path, "wb");
            ok = f != NULL && fwrite(msg, 1, ml, f) == ml;
            if (f != NULL && fclose(f) != 0)
                ok = 0;
            if (!ok)
                e = MCX_ERR_IO;
        }
        pthread_mutex_lock(&b->lock);
        if (ok) {
            b->done++;
            fprintf(b->index, "%zu %s %08x\n", no, uri, r.csb_id);
        } else {
            b->failed++;
            if (b->first_err == MCX_OK && e != MCX_ERR_MIKEY_IDENTITY && e != MCX_ERR_EMPTY_ID)
                b->first_err = e;
        }
        if ((b->done + b->failed) % 64 == 0)
            progress(b);
        pthread_mutex_unlock(&b->lock);
        mcx_wipe(&r, sizeof r);
    }
    mcx_mikey_ctx_free(ctx);
    return NULL;
}

int mikey_cmd_bulk(int argc, char **argv)
{
    static const struct cli_optspec spec[] = {CLI_KEYS_OPTS, {"members", 1, 0}, {"out", 1, 0},
                                              {"key", 1, 0}, {"key-id", 1, 0}, {"threads", 1, 0},
                                              {"at", 1, 0}, {"params", 0, 0}, {"group-id", 1, 0},
                                              {"print-key", 0, 0}, {NULL, 0, 0}};
    const char *cmd = "mikey gmk-bulk";
    struct cli_args a;
    int rc = cli_parse(&a, cmd, spec, argc, argv);
    if (rc != CLI_OK)
        return rc;
    const char *members = cli_require(&a, cmd, "members"), *outdir = cli_require(&a, cmd, "out"), *s;
    if (members == NULL || outdir == NULL)
        return CLI_USAGE;
    struct bulk b;
    memset(&b, 0, sizeof b);
    uint8_t key[16];
    b.base.purpose = MCX_PURPOSE_GMK;
    b.base.cs_id = MCX_CS_GROUP;
    if ((s = cli_get(&a, "key")) != NULL) {
        if ((rc = cli_hex_exact(cmd, "--key", s, key, 16)) != CLI_OK)
            return rc;
    } else if (mcx_random(key, 16) != MCX_OK) {
        return CLI_FAILURE;
    }
    b.base.key = key; /* one GMK for the whole group: every member gets the same key */
    if ((s = cli_get(&a, "key-id")) != NULL) {
        if ((rc = cli_key_id(cmd, "--key-id", s, &b.base.key_id)) != CLI_OK)
            return rc;
    } else {
        uint8_t r4[4];
        if (mcx_random(r4, 4) != MCX_OK)
            return CLI_FAILURE;
        b.base.key_id = (((uint32_t)r4[0] << 24) | ((uint32_t)r4[1] << 16) | ((uint32_t)r4[2] << 8) | r4[3]) & 0x0FFFFFFFu;
    }
    if (MCX_KEY_ID_PURPOSE(b.base.key_id) != MCX_PURPOSE_GMK) {
        fprintf(stderr, "mcxsec %s: --key-id must carry the GMK purpose tag 0\n", cmd);
        return CLI_USAGE;
    }
    if ((rc = cli_time_or_now(cmd, &a, &b.base.now)) != CLI_OK)
        return rc;
    if (cli_flag(&a, "params") || cli_get(&a, "group-id")) {
        b.base.include_params = 1;
        b.base.params.status = MCX_KEY_STATUS_NOT_REVOKED;
        b.base.params.has_groups = 1;
        if ((s = cli_get(&a, "group-id")) != NULL) {
            snprintf(b.base.params.groups[0], sizeof b.base.params.groups[0], "%s", s);
            b.base.params.n_groups = 1;
        }
    }
    long threads = sysconf(_SC_NPROCESSORS_ONLN);
    if ((s = cli_get(&a, "threads")) != NULL) {
        uint64_t v;
        if ((rc = cli_u64(cmd, "--threads", s, &v)) != CLI_OK || v == 0 || v > 256) {
            fprintf(stderr, "mcxsec %s: --threads must be 1..256\n", cmd);
            return CLI_USAGE;
        }
        threads = (long)v;
    }
    if (threads < 1)
        threads = 1;
    struct cli_keys k;
    if ((rc = cli_keys_load(cmd, &a, 2, &k)) != CLI_OK)
        return rc;
    b.keys = &k;
    b.outdir = outdir;
    if (mkdir(outdir, 0755) != 0 && access(outdir, W_OK) != 0) {
        fprintf(stderr, "mcxsec %s: cannot create %s\n", cmd, outdir);
        cli_keys_wipe(&k);
        return CLI_FAILURE;
    }
    b.members = strcmp(members, "-") == 0 ? stdin : fopen(members, "r");
    char ipath[4096];
    snprintf(ipath, sizeof ipath, "%s/index.txt", outdir);
    b.index = fopen(ipath, "w");
    if (b.members == NULL || b.index == NULL) {
        fprintf(stderr, "mcxsec %s: cannot open %s\n", cmd, b.members == NULL ? members : ipath);
        if (b.members != NULL && b.members != stdin)
            fclose(b.members);
        if (b.index != NULL)
            fclose(b.index);
        cli_keys_wipe(&k);
        return CLI_FAILURE;
    }
    b.tty = isatty(STDERR_FILENO);
    if (b.tty && b.members != stdin) {
        /* a cheap first pass to size the progress bar (counts lines only) */
        int c, last = '\n';
        while ((c = fgetc(b.members)) != EOF) {
            if (c == '\n' && last != '\n')
                b.total_hint++;
            last = c;
        }
        if (last != '\n')
            b.total_hint++;
        rewind(b.members);
    }
    pthread_mutex_init(&b.lock, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b.start);
    pthread_t tids[256];
    long started = 0;
    for (long i = 0; i < threads; i++) {
        if (pthread_create(&tids[i], NULL, worker, &b) != 0)
            break;
        started++;
    }
    for (long i = 0; i < started; i++)
        pthread_join(tids[i], NULL);
    double t = elapsed(&b.start);
    pthread_mutex_destroy(&b.lock);
    if (b.members != stdin)
        fclose(b.members);
    int ierr = fclose(b.index) != 0;
    cli_keys_wipe(&k);
    if (b.tty) {
        progress(&b);
        fputc('\n', stderr);
    }
    struct cli_out o;
    char id[16];
    cli_out_init(&o, a.json);
    cli_out_u64(&o, "messages", b.done);
    cli_out_u64(&o, "failed", b.failed);
    cli_out_u64(&o, "threads", (uint64_t)started);
    char sec[32], rate[32];
    snprintf(sec, sizeof sec, "%.3f", t);
    snprintf(rate, sizeof rate, "%.0f", t > 0 ? (double)b.done / t : 0.0);
    cli_out_str(&o, "seconds", sec);
    cli_out_str(&o, "per_second", rate);
    snprintf(id, sizeof id, "%08x", b.base.key_id);
    cli_out_str(&o, "gmk_id", id);
    if (cli_flag(&a, "print-key"))
        cli_out_hex(&o, "gmk", key, 16);
    cli_out_str(&o, "out", outdir);
    cli_out_flush(&o);
    mcx_wipe(key, sizeof key);
    if (b.first_err != MCX_OK)
        return cli_fail(cmd, "create", b.first_err);
    if (started == 0 || ierr)
        return CLI_FAILURE;
    return b.failed ? CLI_USAGE : CLI_OK;
}
