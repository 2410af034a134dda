/*
 * services/kms/daemon/kmsd.h — shared state of mcxsec-kmsd (the TS 33.180 Annex D KMS daemon).
 */
#ifndef MCX_KMSD_H
#define MCX_KMSD_H
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "auditq.h"
#include "auth.h"
#include "issuer.h"
#include "kmsdb.h"
#include "ratelimit.h"

struct kmsd_config {
    char path[512];
    /* [server] */
    char listen[128];
    char cert[512], key[512];
    unsigned threads, max_connections, per_ip_connections, connection_timeout;
    size_t max_body;
    char kms_id[128];
    /* [admin] */
    char admin_listen[128];
    /* [database] */
    char db_url[512];
    unsigned db_connections; /* 0 = one per worker thread, plus one */
    /* [secrets] */
    char kek_file[512], passphrase_file[512], passphrase_env[64];
    int require_mlock; /* refuse to start when the master secrets cannot be locked in memory */
    /* [auth] (public_key / public_key.<kid>: loaded into auth.keys) */
    struct kms_auth_cfg auth;
    /* [limits] */
    struct kms_rl_limits limits;
    unsigned max_inflight;
    /* [policy] */
    unsigned prefetch_periods, past_periods;
    int max_request_age; /* seconds; 0 = do not check KmsRequest Time */
    /* [log] */
    char audit_jsonl[512];
    int verbose;
    unsigned audit_queue, audit_per_source, audit_window_ms; /* refusal audit budget (auditq.h) */
};

/** Load and check the INI file. On error writes a one-line reason to err. */
int kmsd_config_load(const char *path, struct kmsd_config *cfg, char *err, size_t errlen);
void kmsd_config_free(struct kmsd_config *cfg);

struct kmsd_metrics {
    atomic_ullong requests, ok, refused_auth, refused_forbidden, refused_revoked, bad_request,
        not_found, bad_method, too_large, rate_limited, overloaded, server_errors, slow_bodies,
        connections_refused, keysets_issued, keysets_served, certcache, init;
    atomic_uint inflight;
};

struct kmsd {
    struct kmsd_config cfg;
    pthread_rwlock_t cfg_lock; /* guards cfg.auth and limits across SIGHUP reloads */
    struct kms_store *store;
    struct kms_issuer *issuer;
    struct kms_ratelimit rl;
    struct kms_token_cache *tokens;
    struct kms_auditq *auditq; /* refusals: bounded, group-committed */
    struct kmsd_metrics m;
    FILE *audit_file;
    double started;
};

/* http.c */
int kmsd_http_start(struct kmsd *d, char *err, size_t errlen);
void kmsd_http_stop(void);
void kmsd_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
double kmsd_mono(void);

#endif
