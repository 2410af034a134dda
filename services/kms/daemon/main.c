/*
 * mcxsec-kmsd — the mcxsec Key Management Server: TS 33.180 Annex D over HTTPS (issue 4 item 1).
 *
 *   mcxsec-kmsd -c /etc/mcxsec/kmsd.ini [--check]
 *
 * Process hygiene: not dumpable and no core files (kms_process_protect), master secrets in a page
 * locked in memory (a failed mlock is logged, or fatal with [secrets] require_mlock = yes), signals
 * handled synchronously (SIGHUP reloads the access-token
 * settings, limits and the audit file; SIGTERM/SIGINT stop), readiness reported with sd_notify.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "kmsd.h"
#include "mcxsec/selftest.h"
#include "mcxsec/util.h"

static int read_passphrase(const struct kmsd_config *c, char **out, char *err, size_t errlen)
{
    *out = NULL;
    if (c->passphrase_env[0]) {
        const char *v = getenv(c->passphrase_env);
        if (v == NULL || *v == '\0') {
            snprintf(err, errlen, "$%s is not set", c->passphrase_env);
            return -1;
        }
        *out = strdup(v);
        /* Do not leave it in the environment of this long-lived process. */
        unsetenv(c->passphrase_env);
    } else if (c->passphrase_file[0]) {
        FILE *f = fopen(c->passphrase_file, "r");
        char buf[1024];
        if (f == NULL) {
            snprintf(err, errlen, "%.300s: %s", c->passphrase_file, strerror(errno));
            return -1;
        }
        size_t n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[n] = '\0';
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
            buf[--n] = '\0';
        *out = strdup(buf);
        mcx_wipe(buf, sizeof buf);
    }
    return 0;
}

static FILE *open_audit(const char *path)
{
    if (path[0] == '\0')
        return NULL;
    FILE *f = fopen(path, "a");
    if (f == NULL)
        kmsd_log(0, "cannot open audit file %s: %s", path, strerror(errno));
    return f;
}

/* The refusal queue's writer: one line per refusal it recorded, one per summary. */
static void log_refusal(void *ctx, const char *line)
{
    (void)ctx;
    kmsd_log(1, "%s", line);
}

static void reload(struct kmsd *d)
{
    struct kmsd_config nc;
    char err[512];
    sd_notify(0, "RELOADING=1");
    if (kmsd_config_load(d->cfg.path, &nc, err, sizeof err) != 0) {
        kmsd_log(0, "reload failed, keeping the running configuration: %s", err);
        sd_notify(0, "READY=1");
        return;
    }
    pthread_rwlock_wrlock(&d->cfg_lock);
    kms_auth_cfg_free(&d->cfg.auth);
    d->cfg.auth = nc.auth; /* takes ownership of the new key */
    d->cfg.max_inflight = nc.max_inflight;
    d->cfg.prefetch_periods = nc.prefetch_periods;
    d->cfg.past_periods = nc.past_periods;
    d->cfg.max_request_age = nc.max_request_age;
    memcpy(d->cfg.audit_jsonl, nc.audit_jsonl, sizeof nc.audit_jsonl);
    kms_token_cache_clear(d->tokens); /* verification settings may have changed */
    pthread_rwlock_unlock(&d->cfg_lock);
    kms_rl_set(&d->rl, &nc.limits);
    FILE *nf = open_audit(d->cfg.audit_jsonl);
    kms_audit_set_sink(nf);
    if (d->audit_file != NULL)
        fclose(d->audit_file);
    d->audit_file = nf;
    (void)kms_audit(d->store, "kmsd", "reload", d->cfg.path, "", "ok");
    kmsd_log(1, "configuration reloaded (listeners, database and secrets need a restart)");
    sd_notify(0, "READY=1");
}

int main(int argc, char **argv)
{
    const char *conf = "/etc/mcxsec/kmsd.ini";
    int check = 0;
    static struct kmsd d; /* large (rate-limit table): static storage */
    char err[512] = "";
    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--config") == 0) && i + 1 < argc)
            conf = argv[++i];
        else if (strcmp(argv[i], "--check") == 0)
            check = 1;
        else {
            fprintf(stderr, "usage: mcxsec-kmsd [-c CONFIG.ini] [--check]\n");
            return 2;
        }
    }
    /* Secrets never reach a core dump or a ptrace-ing peer of the same user. */
    if (kms_process_protect(err, sizeof err) != MCX_OK) {
        fprintf(stderr, "mcxsec-kmsd: %s\n", err);
        return 1;
    }

    /* Known answers of every algorithm before any key is issued: a miscompiled or broken build
     * must not serve keys (STYLE.md §1). */
    const char *failed = NULL;
    if (mcx_selftest(&failed) != MCX_OK) {
        fprintf(stderr, "mcxsec-kmsd: self-test failed: %s\n", failed != NULL ? failed : "?");
        return 1;
    }

    if (kmsd_config_load(conf, &d.cfg, err, sizeof err) != 0) {
        fprintf(stderr, "mcxsec-kmsd: %s\n", err);
        return 2;
    }
    pthread_rwlock_init(&d.cfg_lock, NULL);
    /* One database connection per worker thread (and one for the audit writer), so requests do
     * not queue behind each other's round trips to PostgreSQL or reads on SQLite. */
    unsigned conns = d.cfg.db_connections;
    if (conns == 0)
        conns = d.cfg.threads + 1 > KMS_STORE_MAX_CONNECTIONS ? KMS_STORE_MAX_CONNECTIONS
                                                              : d.cfg.threads + 1;
    if (kms_store_open_pool(d.cfg.db_url, conns, &d.store, err, sizeof err) != MCX_OK) {
        fprintf(stderr, "mcxsec-kmsd: database: %s\n", err);
        return 1;
    }
    char *pass = NULL;
    if (read_passphrase(&d.cfg, &pass, err, sizeof err) != 0) {
        fprintf(stderr, "mcxsec-kmsd: %s\n", err);
        return 1;
    }
    struct kms_kek_source src = {d.cfg.kek_file[0] ? d.cfg.kek_file : NULL, pass};
    mcx_err rc = kms_issuer_open(d.store, &src, d.cfg.require_mlock ? KMS_ISSUER_REQUIRE_MLOCK : 0,
                                 &d.issuer, err, sizeof err);
    if (pass != NULL) {
        mcx_wipe(pass, strlen(pass));
        free(pass);
    }
    if (rc != MCX_OK) {
        fprintf(stderr, "mcxsec-kmsd: %s (%s)\n", err, mcx_strerror(rc));
        return 1;
    }
    if (kms_issuer_mlock_errno(d.issuer) != 0)
        kmsd_log(0,
                 "WARNING: cannot lock the master secrets in memory (%s): they may be swapped "
                 "out; raise RLIMIT_MEMLOCK (LimitMEMLOCK=), or set [secrets] require_mlock = "
                 "yes to refuse to start",
                 strerror(kms_issuer_mlock_errno(d.issuer)));
    else
        kmsd_log(2, "master secrets locked in memory");
    if (check) {
        printf("configuration ok: community %s, database %s\n",
               kms_issuer_community(d.issuer)->kms_uri, d.store->ops->name);
        kms_issuer_free(d.issuer);
        kms_store_close(d.store);
        kmsd_config_free(&d.cfg);
        return 0;
    }
    if (!kms_issuer_available())
        kmsd_log(0, "WARNING: built without the ECCSI/SAKKE core: keyprov answers 501");
    kms_rl_init(&d.rl, &d.cfg.limits);
    d.tokens = kms_token_cache_new();
    if (d.tokens == NULL) {
        fprintf(stderr, "mcxsec-kmsd: out of memory\n");
        return 1;
    }
    d.audit_file = open_audit(d.cfg.audit_jsonl);
    kms_audit_set_sink(d.audit_file);
    struct kms_auditq_cfg aqc = {d.cfg.audit_queue, d.cfg.audit_per_source, d.cfg.audit_window_ms,
                                 log_refusal, NULL};
    if (kms_auditq_start(d.store, &aqc, &d.auditq) != MCX_OK) {
        fprintf(stderr, "mcxsec-kmsd: cannot start the audit writer\n");
        return 1;
    }
    d.started = kmsd_mono();

    /* Signals are taken synchronously by this thread; block them before any thread starts. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (kmsd_http_start(&d, err, sizeof err) != 0) {
        fprintf(stderr, "mcxsec-kmsd: %s\n", err);
        kmsd_http_stop();
        return 1;
    }
    (void)kms_audit(d.store, "kmsd", "start", kms_issuer_community(d.issuer)->kms_uri, d.cfg.listen,
                    "ok");
    kmsd_log(1, "serving %s on https://%s (admin %s, database %s, %u threads)",
             kms_issuer_community(d.issuer)->kms_uri, d.cfg.listen, d.cfg.admin_listen,
             d.store->ops->name, d.cfg.threads);
    sd_notify(0, "READY=1");
    /* Tests and supervisors without systemd wait for this line. */
    fprintf(stdout, "ready\n");
    fflush(stdout);

    for (;;) {
        int sig = 0;
        if (sigwait(&set, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            reload(&d);
            continue;
        }
        break;
    }
    sd_notify(0, "STOPPING=1");
    kmsd_log(1, "stopping");
    kmsd_http_stop();
    kms_auditq_stop(d.auditq); /* writes what is still queued */
    (void)kms_audit(d.store, "kmsd", "stop", kms_issuer_community(d.issuer)->kms_uri, "", "ok");
    kms_audit_set_sink(NULL);
    if (d.audit_file != NULL)
        fclose(d.audit_file);
    kms_issuer_free(d.issuer);
    kms_store_close(d.store);
    kms_rl_destroy(&d.rl);
    kms_token_cache_free(d.tokens);
    kmsd_config_free(&d.cfg);
    pthread_rwlock_destroy(&d.cfg_lock);
    return 0;
}
