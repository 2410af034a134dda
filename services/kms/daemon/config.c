/*
 * services/kms/daemon/config.c — the mcxsec-kmsd INI configuration (inih). Every key, its default
 * and meaning are documented in docs/mcxsec-kmsd.ini.
 */
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmsd.h"

struct load_ctx {
    struct kmsd_config *c;
    char *err;
    size_t errlen;
    int failed;
};

static int set_str(char *dst, size_t cap, const char *v)
{
    if (strlen(v) >= cap)
        return -1;
    memcpy(dst, v, strlen(v) + 1);
    return 0;
}

static int set_uint(unsigned *dst, const char *v, unsigned lo, unsigned hi)
{
    char *end = NULL;
    if (*v < '0' || *v > '9')
        return -1;
    unsigned long x = strtoul(v, &end, 10);
    if (*end != '\0' || x < lo || x > hi)
        return -1;
    *dst = (unsigned)x;
    return 0;
}

static int set_double(double *dst, const char *v, double lo, double hi)
{
    char *end = NULL;
    double x = strtod(v, &end);
    if (end == v || *end != '\0' || !(x >= lo && x <= hi))
        return -1;
    *dst = x;
    return 0;
}

static int set_bool(int *dst, const char *v)
{
    if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
        *dst = 1;
    else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "0") == 0)
        *dst = 0;
    else
        return -1;
    return 0;
}

#define IS(s, n) (strcmp(section, s) == 0 && strcmp(name, n) == 0)

static int handler(void *user, const char *section, const char *name, const char *value)
{
    struct load_ctx *x = user;
    struct kmsd_config *c = x->c;
    unsigned u = 0;
    int r = 0;
    if (IS("server", "listen"))
        r = set_str(c->listen, sizeof c->listen, value);
    else if (IS("server", "cert"))
        r = set_str(c->cert, sizeof c->cert, value);
    else if (IS("server", "key"))
        r = set_str(c->key, sizeof c->key, value);
    else if (IS("server", "threads"))
        r = set_uint(&c->threads, value, 1, 256);
    else if (IS("server", "max_connections"))
        r = set_uint(&c->max_connections, value, 1, 100000);
    else if (IS("server", "per_ip_connections"))
        r = set_uint(&c->per_ip_connections, value, 0, 100000);
    else if (IS("server", "connection_timeout"))
        r = set_uint(&c->connection_timeout, value, 1, 3600);
    else if (IS("server", "max_body")) {
        r = set_uint(&u, value, 256, 1024 * 1024);
        c->max_body = u;
    } else if (IS("server", "kms_id"))
        r = set_str(c->kms_id, sizeof c->kms_id, value);
    else if (IS("admin", "listen"))
        r = set_str(c->admin_listen, sizeof c->admin_listen, value);
    else if (IS("database", "url"))
        r = set_str(c->db_url, sizeof c->db_url, value);
    else if (IS("database", "connections"))
        r = set_uint(&c->db_connections, value, 0, KMS_STORE_MAX_CONNECTIONS);
    else if (IS("secrets", "kek_file"))
        r = set_str(c->kek_file, sizeof c->kek_file, value);
    else if (IS("secrets", "passphrase_file"))
        r = set_str(c->passphrase_file, sizeof c->passphrase_file, value);
    else if (IS("secrets", "passphrase_env"))
        r = set_str(c->passphrase_env, sizeof c->passphrase_env, value);
    else if (IS("secrets", "require_mlock"))
        r = set_bool(&c->require_mlock, value);
    else if (IS("auth", "issuer"))
        r = set_str(c->auth.issuer, sizeof c->auth.issuer, value);
    else if (IS("auth", "audience"))
        r = set_str(c->auth.audience, sizeof c->auth.audience, value);
    else if (IS("auth", "scope"))
        r = set_str(c->auth.scope, sizeof c->auth.scope, value);
    else if (IS("auth", "service_id_claim"))
        r = set_str(c->auth.id_claim, sizeof c->auth.id_claim, value);
    else if (IS("auth", "algorithm")) {
        r = (strcmp(value, "ES256") == 0 || strcmp(value, "RS256") == 0)
                ? set_str(c->auth.alg, sizeof c->auth.alg, value)
                : -1;
    } else if (strcmp(section, "auth") == 0 &&
               (strcmp(name, "public_key") == 0 || strncmp(name, "public_key.", 11) == 0)) {
        /* public_key = FILE: tokens without kid; public_key.<kid> = FILE: tokens with that kid */
        char why[400];
        if (kms_auth_load_key(&c->auth, name[10] == '.' ? name + 11 : NULL, value, why,
                              sizeof why) != MCX_OK) {
            snprintf(x->err, x->errlen, "[auth] %s: %s", name, why);
            x->failed = 1;
            return 0;
        }
    }
    else if (IS("auth", "max_skew")) {
        r = set_uint(&u, value, 0, 300);
        c->auth.max_skew = u;
    } else if (IS("limits", "ip_rate"))
        r = set_double(&c->limits.ip_rate, value, 0, 1e6);
    else if (IS("limits", "ip_burst"))
        r = set_double(&c->limits.ip_burst, value, 1, 1e6);
    else if (IS("limits", "client_rate"))
        r = set_double(&c->limits.client_rate, value, 0, 1e6);
    else if (IS("limits", "client_burst"))
        r = set_double(&c->limits.client_burst, value, 1, 1e6);
    else if (IS("limits", "global_rate"))
        r = set_double(&c->limits.global_rate, value, 0, 1e7);
    else if (IS("limits", "global_burst"))
        r = set_double(&c->limits.global_burst, value, 1, 1e7);
    else if (IS("limits", "max_inflight"))
        r = set_uint(&c->max_inflight, value, 1, 100000);
    else if (IS("policy", "prefetch_periods"))
        r = set_uint(&c->prefetch_periods, value, 0, 12);
    else if (IS("policy", "past_periods"))
        r = set_uint(&c->past_periods, value, 0, 12);
    else if (IS("policy", "max_request_age")) {
        r = set_uint(&u, value, 0, 86400);
        c->max_request_age = (int)u;
    } else if (IS("log", "audit_queue"))
        r = set_uint(&c->audit_queue, value, 1, 1000000);
    else if (IS("log", "audit_per_source"))
        r = set_uint(&c->audit_per_source, value, 1, 1000000);
    else if (IS("log", "audit_window_ms"))
        r = set_uint(&c->audit_window_ms, value, 1, 60000);
    else if (IS("log", "audit_jsonl"))
        r = set_str(c->audit_jsonl, sizeof c->audit_jsonl, value);
    else if (IS("log", "verbose")) {
        r = set_uint(&u, value, 0, 2);
        c->verbose = (int)u;
    } else {
        snprintf(x->err, x->errlen, "unknown key [%s] %s", section, name);
        x->failed = 1;
        return 0;
    }
    if (r != 0) {
        snprintf(x->err, x->errlen, "bad value for [%s] %s", section, name);
        x->failed = 1;
        return 0;
    }
    return 1;
}

static void defaults(struct kmsd_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->listen, sizeof c->listen, "127.0.0.1:8443");
    snprintf(c->admin_listen, sizeof c->admin_listen, "127.0.0.1:9443");
    c->threads = 4;
    c->max_connections = 1024;
    c->per_ip_connections = 64;
    c->connection_timeout = 15;
    c->max_body = 16 * 1024;
    snprintf(c->auth.alg, sizeof c->auth.alg, "ES256");
    snprintf(c->auth.scope, sizeof c->auth.scope, "3gpp:mc:ptt_key_management_service");
    snprintf(c->auth.id_claim, sizeof c->auth.id_claim, "mcptt_id");
    c->auth.max_skew = 30;
    /* Defaults sized for one node on two cores: a source address (one UE, or a NAT of many) gets
     * 50 requests/s, an identity 20/s, and the node as a whole 20,000/s (far above what key
     * generation sustains, still a bound on what refusals may cost). */
    c->limits.ip_rate = 50;
    c->limits.ip_burst = 100;
    c->limits.client_rate = 20;
    c->limits.client_burst = 40;
    c->limits.global_rate = 20000;
    c->limits.global_burst = 40000;
    c->max_inflight = 512;
    c->prefetch_periods = 1;
    c->past_periods = 1;
    c->max_request_age = 0;
    c->audit_queue = 512;
    c->audit_per_source = 16;
    c->audit_window_ms = 250;
}

static int load(const char *path, struct kmsd_config *c, char *err, size_t errlen)
{
    struct load_ctx x = {c, err, errlen, 0};
    defaults(c);
    snprintf(c->path, sizeof c->path, "%s", path);
    int r = ini_parse(path, handler, &x);
    if (r < 0) {
        snprintf(err, errlen, "%s: cannot read", path);
        return -1;
    }
    if (x.failed || r > 0) {
        if (!x.failed)
            snprintf(err, errlen, "%s: syntax error on line %d", path, r);
        return -1;
    }
    if (!c->cert[0] || !c->key[0]) {
        snprintf(err, errlen, "[server] cert and key are required (the KMS serves HTTPS only)");
        return -1;
    }
    if (!c->db_url[0]) {
        snprintf(err, errlen, "[database] url is required");
        return -1;
    }
    if ((c->kek_file[0] != 0) + (c->passphrase_file[0] != 0) + (c->passphrase_env[0] != 0) != 1) {
        snprintf(err, errlen,
                 "[secrets]: set exactly one of kek_file, passphrase_file, passphrase_env");
        return -1;
    }
    if (!c->auth.issuer[0] || !c->auth.audience[0] || c->auth.nkeys == 0) {
        snprintf(err, errlen,
                 "[auth] issuer, audience and public_key (or public_key.<kid>) are required");
        return -1;
    }
    if (strncmp(c->admin_listen, "127.", 4) != 0 && strncmp(c->admin_listen, "[::1]", 5) != 0 &&
        strcmp(c->admin_listen, "off") != 0) {
        snprintf(err, errlen, "[admin] listen must be a loopback address (or off)");
        return -1;
    }
    return 0;
}

int kmsd_config_load(const char *path, struct kmsd_config *c, char *err, size_t errlen)
{
    int r = load(path, c, err, errlen);
    if (r != 0)
        kms_auth_cfg_free(&c->auth); /* keys loaded before the error */
    return r;
}

void kmsd_config_free(struct kmsd_config *c)
{
    kms_auth_cfg_free(&c->auth);
}
