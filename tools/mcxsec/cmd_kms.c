/*
 * mcxsec kms — administration of the KMS database (issue 4 item 5): init | user add | user list |
 * user revoke | grant | domain add-external | domain revoke | domain list | issue-all | check |
 * audit verify | audit show, and the key-file commands keygen / issue (cmd_kmsfiles.h).
 *
 * Every command works on the database named by --db (or $MCXSEC_KMS_DB): "sqlite:/path" or a
 * PostgreSQL URI. Every change is written with its audit record in one transaction.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "issuer.h"
#include "kmsdb.h"
#include "mcxsec/util.h"
#include "cmd_kmsfiles.h"

#define CMD "kms"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: mcxsec kms <command> --db URL [options]   (URL: sqlite:/path | postgresql://...)\n"
            "  init --kms-uri URI [--period SECONDS] [--offset SECONDS] [--issuer TEXT]\n"
            "       (--kek-file FILE | --passphrase-env VAR | --passphrase-file FILE) [--cert-out FILE]\n"
            "  cert [--cert-out FILE]               this KMS's KmsCertificate (Role Root)\n"
            "  user add URI [--kind user|gms|server]   | user add --from FILE (one URI per line)\n"
            "  user list\n"
            "  user revoke URI\n"
            "  grant --to HOLDER (--identity URI | --domain KMS-URI|*)\n"
            "  domain add-external --cert FILE      (a KmsCertificate document of the partner KMS)\n"
            "  domain revoke KMS-URI                 (served from then on with Revoked=true)\n"
            "  domain list\n"
            "  issue-all --period current|next|N [--threads N] (--kek-file FILE | --passphrase-env VAR | ...)\n"
            "  check [--validate] (--kek-file FILE | --passphrase-env VAR | ...)\n"
            "       database consistency (SQLite integrity_check / PostgreSQL amcheck), every\n"
            "       stored key set opens (--validate: and passes its self-check), audit chain\n"
            "       verifies\n"
            "  audit verify\n"
            "  audit show [--from SEQ]\n"
            "  keygen | issue    key files without a database (see mcxsec kms keygen --help)\n"
    );
}

static const struct cli_optspec opts[] = {
    {"db", 1, 0},          {"kms-uri", 1, 0},        {"period", 1, 0},  {"offset", 1, 0},
    {"issuer", 1, 0},      {"kek-file", 1, 0},       {"passphrase-env", 1, 0},
    {"passphrase-file", 1, 0}, {"cert-out", 1, 0},   {"kind", 1, 0},    {"to", 1, 0},
    {"identity", 1, 1},    {"domain", 1, 1},         {"cert", 1, 0},    {"from", 1, 0},
    {"actor", 1, 0},       {"help", 0, 0},           {"quiet", 0, 0},   {"threads", 1, 0},
    {"validate", 0, 0},
    {NULL, 0, 0},
};

static const char *actor_name(const struct cli_args *a)
{
    static char buf[96];
    const char *v = cli_get(a, "actor");
    if (v != NULL)
        return v;
    const char *u = getenv("USER");
    snprintf(buf, sizeof buf, "cli:%s", u != NULL ? u : "unknown");
    return buf;
}

static int open_db(const struct cli_args *a, struct kms_store **s)
{
    char err[320];
    const char *url = cli_get(a, "db");
    if (url == NULL)
        url = getenv("MCXSEC_KMS_DB");
    if (url == NULL) {
        fprintf(stderr, "mcxsec kms: --db URL (or $MCXSEC_KMS_DB) is required\n");
        return CLI_USAGE;
    }
    mcx_err rc = kms_store_open(url, s, err, sizeof err);
    if (rc != MCX_OK) {
        fprintf(stderr, "mcxsec kms: %s\n", err);
        return CLI_FAILURE;
    }
    return CLI_OK;
}

/* The passphrase, if any, is copied into *pass (caller wipes and frees). */
static int kek_source(const struct cli_args *a, struct kms_kek_source *src, char **pass)
{
    const char *file = cli_get(a, "kek-file"), *env = cli_get(a, "passphrase-env"),
               *pfile = cli_get(a, "passphrase-file");
    memset(src, 0, sizeof *src);
    *pass = NULL;
    if ((file != NULL) + (env != NULL) + (pfile != NULL) != 1) {
        fprintf(stderr, "mcxsec kms: give exactly one of --kek-file, --passphrase-env, --passphrase-file\n");
        return CLI_USAGE;
    }
    if (file != NULL) {
        src->file = file;
        return CLI_OK;
    }
    if (env != NULL) {
        const char *v = getenv(env);
        if (v == NULL || *v == '\0') {
            fprintf(stderr, "mcxsec kms: $%s is not set\n", env);
            return CLI_USAGE;
        }
        *pass = strdup(v);
    } else {
        uint8_t *buf;
        size_t n;
        int rc = cli_read_file("kms", pfile, 4096, &buf, &n);
        if (rc != CLI_OK)
            return rc;
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
            buf[--n] = '\0';
        *pass = (char *)buf;
    }
    if (*pass == NULL)
        return CLI_FAILURE;
    if (strlen(*pass) < 8) {
        fprintf(stderr, "mcxsec kms: the passphrase must have at least 8 characters\n");
        mcx_wipe(*pass, strlen(*pass));
        free(*pass);
        *pass = NULL;
        return CLI_USAGE;
    }
    src->passphrase = *pass;
    return CLI_OK;
}

/* Before a master secret, or the passphrase / KEK that unseals one, is read: no core file, not
 * dumpable (the daemon does the same at start). */
static int protect_process(void)
{
    char err[160];
    if (kms_process_protect(err, sizeof err) != MCX_OK) {
        fprintf(stderr, "mcxsec kms: %s\n", err);
        return CLI_FAILURE;
    }
    return CLI_OK;
}

static void drop_pass(char *pass)
{
    if (pass != NULL) {
        mcx_wipe(pass, strlen(pass));
        free(pass);
    }
}

static int db_fail(struct kms_store *s, const char *what, mcx_err rc)
{
    if (rc == MCX_ERR_DB)
        fprintf(stderr, "mcxsec kms: %s: %s\n", what, s->errmsg);
    return cli_fail(CMD, what, rc);
}

/* The community's master secrets, unsealed with the KEK the options name, in a protected
 * process. */
static int open_issuer(const struct cli_args *a, struct kms_store *s, const char *what,
                       struct kms_issuer **iss)
{
    struct kms_kek_source src;
    char *pass = NULL, err[256] = "";
    int rc;
    if ((rc = protect_process()) != CLI_OK)
        return rc;
    if ((rc = kek_source(a, &src, &pass)) != CLI_OK)
        return rc;
    mcx_err e = kms_issuer_open(s, &src, 0, iss, err, sizeof err);
    drop_pass(pass);
    if (e != MCX_OK) {
        fprintf(stderr, "mcxsec kms: %s\n", err);
        return cli_fail(CMD, what, e);
    }
    if (kms_issuer_mlock_errno(*iss) != 0)
        fprintf(stderr, "mcxsec kms: warning: cannot lock the master secrets in memory (%s)\n",
                strerror(kms_issuer_mlock_errno(*iss)));
    return CLI_OK;
}

/* ---- init -------------------------------------------------------------------------------------- */

static int do_init(const struct cli_args *a, struct kms_store *s)
{
    struct kms_community c;
    struct kms_kek_source src;
    char *pass = NULL, err[256] = "";
    uint64_t period = 2592000, offset = 0;
    const char *uri = cli_require(a, CMD, "kms-uri");
    int rc;
    if (uri == NULL)
        return CLI_USAGE;
    if (cli_get(a, "period") && cli_u64(CMD, "--period", cli_get(a, "period"), &period) != CLI_OK)
        return CLI_USAGE;
    if (cli_get(a, "offset") && cli_u64(CMD, "--offset", cli_get(a, "offset"), &offset) != CLI_OK)
        return CLI_USAGE;
    if (period == 0 || period > 0xFFFFFFFFu || offset >= period) {
        fprintf(stderr, "mcxsec kms: --period must be 1..2^32-1 seconds and --offset < --period\n");
        return CLI_USAGE;
    }
    if (strlen(uri) >= KMS_URI_MAX || *uri == '\0') {
        fprintf(stderr, "mcxsec kms: --kms-uri must be 1..255 characters\n");
        return CLI_USAGE;
    }
    if ((rc = protect_process()) != CLI_OK)
        return rc;
    if ((rc = kek_source(a, &src, &pass)) != CLI_OK)
        return rc;
    memset(&c, 0, sizeof c);
    snprintf(c.kms_uri, sizeof c.kms_uri, "%s", uri);
    snprintf(c.issuer, sizeof c.issuer, "%s", cli_get(a, "issuer") ? cli_get(a, "issuer") : uri);
    c.period = period;
    c.offset = offset;
    c.param_set = 1;
    struct kms_community existing;
    if (kmsdb_community_get(s, &existing) == MCX_OK) {
        fprintf(stderr, "mcxsec kms: the database already holds community %s\n", existing.kms_uri);
        drop_pass(pass);
        return CLI_USAGE;
    }
    mcx_err e = kms_community_generate(&c, &src, err, sizeof err);
    drop_pass(pass);
    if (e != MCX_OK) {
        fprintf(stderr, "mcxsec kms: init: %s\n", err);
        return cli_fail(CMD, "init", e);
    }
    if ((e = kmsdb_community_create(s, &c, actor_name(a))) != MCX_OK)
        return db_fail(s, "init", e);
    struct cli_out o;
    cli_out_init(&o, a->json);
    cli_out_str(&o, "kms_uri", c.kms_uri);
    cli_out_u64(&o, "user_key_period", c.period);
    cli_out_u64(&o, "user_key_offset", c.offset);
    cli_out_hex(&o, "kpak", c.kpak, sizeof c.kpak);
    cli_out_hex(&o, "Z", c.z_pub, sizeof c.z_pub); /* the public key (z is the secret) */
    cli_out_flush(&o);
    return CLI_OK;
}

/* ---- cert: this KMS's own certificate (public; for partners' `domain add-external`) ---------- */

static int do_cert(const struct cli_args *a, struct kms_store *s)
{
#if MCX_HAVE_KMSXML
    struct kms_community c;
    mcx_err e = kmsdb_community_get(s, &c);
    if (e == MCX_ERR_NOT_FOUND) {
        fprintf(stderr, "mcxsec kms: no community: run mcxsec kms init first\n");
        return CLI_USAGE;
    }
    if (e != MCX_OK)
        return db_fail(s, "cert", e);
    struct mcx_kms_cert cert;
    mcx_kms_cert_init(&cert);
    snprintf(cert.cert_uri, sizeof cert.cert_uri, "%s", c.kms_uri);
    snprintf(cert.kms_uri, sizeof cert.kms_uri, "%s", c.kms_uri);
    snprintf(cert.issuer, sizeof cert.issuer, "%s", c.issuer);
    cert.valid_from = c.created;
    cert.user_key_period = c.period;
    cert.user_key_offset = c.offset;
    memcpy(cert.pub_enc_key, c.z_pub, sizeof cert.pub_enc_key);
    memcpy(cert.pub_auth_key, c.kpak, sizeof cert.pub_auth_key);
    cert.parameter_set = c.param_set;
    char *xml = NULL;
    size_t n = 0;
    if ((e = mcx_kmsxml_write_cert(&cert, &xml, &n)) != MCX_OK)
        return cli_fail(CMD, "cert", e);
    const char *out = cli_get(a, "cert-out");
    FILE *f = out ? fopen(out, "w") : stdout;
    int rc = CLI_OK;
    if (f == NULL || fwrite(xml, 1, n, f) != n) {
        fprintf(stderr, "mcxsec kms: cannot write %s\n", out ? out : "stdout");
        rc = CLI_FAILURE;
    }
    if (f != NULL && f != stdout)
        fclose(f);
    mcx_kmsxml_free(xml, n);
    return rc;
#else
    (void)a;
    (void)s;
    fprintf(stderr, "mcxsec kms: cert needs the Annex D document writer, not in this build\n");
    return CLI_FAILURE;
#endif
}

/* ---- users ------------------------------------------------------------------------------------- */

static int print_user(void *ctx, const struct kms_user *u)
{
    const struct cli_args *a = ctx;
    if (a->json) {
        printf("{\"uri\": ");
        cli_json_string(stdout, u->uri);
        printf(", \"kind\": \"%s\", \"revoked\": %s, \"created\": %lld}\n", kms_kind_name(u->kind),
               u->revoked ? "true" : "false", (long long)u->created);
    } else {
        printf("%s\t%s\t%s\n", u->uri, kms_kind_name(u->kind), u->revoked ? "revoked" : "active");
    }
    return 0;
}

static int do_user(const struct cli_args *a, struct kms_store *s)
{
    const char *sub = a->npos > 1 ? a->pos[1] : "";
    mcx_err e;
    if (strcmp(sub, "add") == 0 && cli_get(a, "from") != NULL && a->npos == 2) {
        /* bulk: one URI per line */
        uint8_t *buf;
        size_t n;
        int rc = cli_read_file(CMD, cli_get(a, "from"), 256u * 1024 * 1024, &buf, &n);
        if (rc != CLI_OK)
            return rc;
        size_t cnt = 0, cap = 1024;
        const char **uris = malloc(cap * sizeof *uris);
        for (char *line = (char *)buf; uris != NULL && line < (char *)buf + n;) {
            char *nl = strchr(line, '\n');
            if (nl != NULL)
                *nl = '\0';
            size_t l = strlen(line);
            if (l > 0 && line[l - 1] == '\r')
                line[--l] = '\0';
            if (l > 0) {
                if (cnt == cap) {
                    const char **nu = realloc(uris, 2 * cap * sizeof *uris);
                    if (nu == NULL) {
                        free(uris);
                        uris = NULL;
                        break;
                    }
                    uris = nu;
                    cap *= 2;
                }
                uris[cnt++] = line;
            }
            if (nl == NULL)
                break;
            line = nl + 1;
        }
        if (uris == NULL) {
            free(buf);
            return CLI_FAILURE;
        }
        enum kms_user_kind kind = KMS_USER;
        if (cli_get(a, "kind") && kms_kind_parse(cli_get(a, "kind"), &kind) != 0) {
            free(uris);
            free(buf);
            fprintf(stderr, "mcxsec kms: --kind must be user, gms or server\n");
            return CLI_USAGE;
        }
        uint64_t added = 0;
        e = kmsdb_user_add_bulk(s, uris, cnt, kind, actor_name(a), &added);
        free(uris);
        free(buf);
        if (e != MCX_OK)
            return db_fail(s, "user add --from", e);
        if (!cli_flag(a, "quiet"))
            printf("added %llu of %zu\n", (unsigned long long)added, cnt);
        return CLI_OK;
    }
    if (strcmp(sub, "add") == 0 || strcmp(sub, "revoke") == 0) {
        if (a->npos != 3) {
            fprintf(stderr, "mcxsec kms: user %s needs one URI\n", sub);
            return CLI_USAGE;
        }
        if (strcmp(sub, "revoke") == 0) {
            e = kmsdb_user_revoke(s, a->pos[2], actor_name(a));
            if (e == MCX_ERR_NOT_FOUND) {
                fprintf(stderr, "mcxsec kms: no such user: %s\n", a->pos[2]);
                return CLI_USAGE;
            }
        } else {
            enum kms_user_kind kind = KMS_USER;
            const char *k = cli_get(a, "kind");
            if (k != NULL && kms_kind_parse(k, &kind) != 0) {
                fprintf(stderr, "mcxsec kms: --kind must be user, gms or server\n");
                return CLI_USAGE;
            }
            e = kmsdb_user_add(s, a->pos[2], kind, actor_name(a));
            if (e == MCX_ERR_STATE) {
                fprintf(stderr, "mcxsec kms: user exists: %s\n", a->pos[2]);
                return CLI_USAGE;
            }
        }
        if (e != MCX_OK)
            return db_fail(s, sub, e);
        if (!cli_flag(a, "quiet"))
            printf("%s %s\n", strcmp(sub, "add") == 0 ? "added" : "revoked", a->pos[2]);
        return CLI_OK;
    }
    if (strcmp(sub, "list") == 0) {
        e = kmsdb_user_list(s, print_user, (void *)a);
        return e == MCX_OK ? CLI_OK : db_fail(s, "user list", e);
    }
    fprintf(stderr, "mcxsec kms: user add | list | revoke\n");
    return CLI_USAGE;
}

static int do_grant(const struct cli_args *a, struct kms_store *s)
{
    const char *to = cli_require(a, CMD, "to");
    const char *id = cli_get(a, "identity"), *dom = cli_get(a, "domain");
    if (to == NULL)
        return CLI_USAGE;
    if ((id == NULL) == (dom == NULL)) {
        fprintf(stderr, "mcxsec kms: grant needs --identity URI or --domain KMS-URI\n");
        return CLI_USAGE;
    }
    struct kms_user u;
    mcx_err e = kmsdb_user_get(s, to, &u);
    if (e == MCX_ERR_NOT_FOUND) {
        fprintf(stderr, "mcxsec kms: no such user: %s (add it first)\n", to);
        return CLI_USAGE;
    }
    if (e != MCX_OK)
        return db_fail(s, "grant", e);
    const char *kind = id != NULL ? "identity" : "domain";
    for (size_t i = 0;; i++) {
        const char *t = cli_get_nth(a, kind, i);
        if (t == NULL)
            break;
        if ((e = kmsdb_grant(s, to, kind, t, actor_name(a))) != MCX_OK)
            return db_fail(s, "grant", e);
        if (!cli_flag(a, "quiet"))
            printf("granted %s %s=%s\n", to, kind, t);
    }
    return CLI_OK;
}

/* ---- domains ----------------------------------------------------------------------------------- */

static int print_domain(void *ctx, const char *uri, const char *xml, int64_t added, int revoked)
{
    const struct cli_args *a = ctx;
    (void)xml;
    if (a->json) {
        printf("{\"kms_uri\": ");
        cli_json_string(stdout, uri);
        printf(", \"added\": %lld, \"revoked\": %s}\n", (long long)added,
               revoked ? "true" : "false");
    } else {
        printf("%s%s\n", uri, revoked ? "\trevoked" : "");
    }
    return 0;
}

#if MCX_HAVE_KMSXML
struct find_domain {
    const char *uri;
    char *xml; /* malloc'd copy */
    int revoked;
};

static int find_domain_row(void *ctx, const char *uri, const char *xml, int64_t added, int revoked)
{
    struct find_domain *f = ctx;
    (void)added;
    if (strcmp(uri, f->uri) != 0)
        return 0;
    f->xml = strdup(xml);
    f->revoked = revoked;
    return 1;
}

/* domain revoke KMS-URI: the partner's certificate is kept, marked Revoked, and served so. */
static int domain_revoke(const struct cli_args *a, struct kms_store *s)
{
    if (a->npos != 3) {
        fprintf(stderr, "mcxsec kms: domain revoke needs one KMS URI\n");
        return CLI_USAGE;
    }
    struct find_domain f = {a->pos[2], NULL, 0};
    mcx_err e = kmsdb_domain_list(s, find_domain_row, &f);
    if (e != MCX_OK)
        return db_fail(s, "domain revoke", e);
    if (f.xml == NULL) {
        fprintf(stderr, "mcxsec kms: no such external domain: %s\n", f.uri);
        return CLI_USAGE;
    }
    struct mcx_kms_cert cert;
    e = mcx_kmsxml_read_cert(f.xml, strlen(f.xml), &cert);
    free(f.xml);
    if (e != MCX_OK)
        return cli_fail(CMD, "the stored certificate", e);
    cert.revoked = 1;
    char *xml = NULL;
    size_t xlen = 0;
    if ((e = mcx_kmsxml_write_cert(&cert, &xml, &xlen)) != MCX_OK)
        return cli_fail(CMD, "domain revoke", e);
    e = kmsdb_domain_revoke(s, f.uri, xml, actor_name(a));
    mcx_kmsxml_free(xml, xlen);
    if (e != MCX_OK)
        return db_fail(s, "domain revoke", e);
    if (!cli_flag(a, "quiet"))
        printf("revoked external domain %s%s\n", f.uri, f.revoked ? " (again)" : "");
    return CLI_OK;
}
#endif

static int do_domain(const struct cli_args *a, struct kms_store *s)
{
    const char *sub = a->npos > 1 ? a->pos[1] : "";
    mcx_err e;
    if (strcmp(sub, "list") == 0) {
        e = kmsdb_domain_list(s, print_domain, (void *)a);
        return e == MCX_OK ? CLI_OK : db_fail(s, "domain list", e);
    }
    if (strcmp(sub, "add-external") != 0 && strcmp(sub, "revoke") != 0) {
        fprintf(stderr, "mcxsec kms: domain add-external | revoke | list\n");
        return CLI_USAGE;
    }
#if MCX_HAVE_KMSXML
    if (strcmp(sub, "revoke") == 0)
        return domain_revoke(a, s);
    const char *path = cli_require(a, CMD, "cert");
    uint8_t *buf;
    size_t n;
    int rc;
    if (path == NULL)
        return CLI_USAGE;
    if ((rc = cli_read_file(CMD, path, MCX_KMSXML_MAX_BYTES, &buf, &n)) != CLI_OK)
        return rc;
    struct mcx_kms_cert cert;
    e = mcx_kmsxml_read_cert((const char *)buf, n, &cert);
    free(buf);
    if (e != MCX_OK)
        return cli_fail(CMD, path, e);
    struct kms_community own;
    if (kmsdb_community_get(s, &own) == MCX_OK && strcmp(own.kms_uri, cert.kms_uri) == 0) {
        fprintf(stderr, "mcxsec kms: %s is this KMS's own domain\n", cert.kms_uri);
        return CLI_USAGE;
    }
    /* Served in cert caches as an External certificate, whatever role the partner gave it. */
    cert.role = MCX_KMS_ROLE_EXTERNAL;
    char *xml = NULL;
    size_t xlen = 0;
    if ((e = mcx_kmsxml_write_cert(&cert, &xml, &xlen)) != MCX_OK)
        return cli_fail(CMD, "domain add-external", e);
    e = kmsdb_domain_add(s, cert.kms_uri, xml, actor_name(a));
    mcx_kmsxml_free(xml, xlen);
    if (e == MCX_ERR_REVOKED) {
        fprintf(stderr, "mcxsec kms: external domain %s was revoked; it cannot be added again\n",
                cert.kms_uri);
        return CLI_USAGE;
    }
    if (e != MCX_OK)
        return db_fail(s, "domain add-external", e);
    if (!cli_flag(a, "quiet"))
        printf("added external domain %s\n", cert.kms_uri);
    return CLI_OK;
#else
    fprintf(stderr, "mcxsec kms: domain %s needs the Annex D documents, not in this build\n", sub);
    return CLI_FAILURE;
#endif
}

/* ---- issue-all ------------------------------------------------------------------------------------ */

struct uri_list {
    char (*uris)[KMS_URI_MAX];
    size_t n, cap;
};

static int collect_user(void *ctx, const struct kms_user *u)
{
    struct uri_list *l = ctx;
    if (u->revoked)
        return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 1024;
        void *p = realloc(l->uris, cap * KMS_URI_MAX);
        if (p == NULL)
            return 1;
        l->uris = p;
        l->cap = cap;
    }
    memcpy(l->uris[l->n++], u->uri, KMS_URI_MAX);
    return 0;
}

static double mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void progress(size_t done, size_t total, double t0)
{
    int width = 40, fill = total ? (int)((double)done / (double)total * width) : width;
    double el = mono() - t0;
    fprintf(stderr, "\r[");
    for (int i = 0; i < width; i++)
        fputc(i < fill ? '#' : '.', stderr);
    fprintf(stderr, "] %zu/%zu  %.1f s  %.0f/s ", done, total, el, el > 0 ? (double)done / el : 0.0);
    fflush(stderr);
}

struct issue_job {
    struct kms_issuer *iss;
    struct kms_store *s;
    struct uri_list *l;
    uint64_t period_no;
    const char *actor;
    atomic_size_t next, done, fresh, failed;
};

/* Key sets are generated in parallel and stored ISSUE_BATCH at a time, each with its own audit
 * record, in one transaction per batch (so 100,000 users do not cost 100,000 synchronous
 * commits, and none is stored without its record). */
#define ISSUE_BATCH 128

static void flush_batch(struct issue_job *j, struct kmsdb_batch_item *b, size_t n)
{
    uint64_t stored = 0;
    if (n == 0)
        return;
    mcx_err e = kmsdb_keyset_put_batch(j->s, b, n, j->actor, "issued by issue-all", &stored);
    if (e != MCX_OK) {
        atomic_fetch_add(&j->failed, n);
        fprintf(stderr, "\nmcxsec kms: issue-all: storing %zu key sets: %s\n", n,
                e == MCX_ERR_DB ? j->s->errmsg : mcx_strerror(e));
    } else {
        atomic_fetch_add(&j->fresh, (size_t)stored);
    }
    mcx_wipe(b, n * sizeof *b);
}

struct issue_worker_arg {
    struct issue_job *j;
    struct kmsdb_batch_item *b; /* ISSUE_BATCH items, this worker's own */
};

static void *issue_worker(void *arg)
{
    struct issue_job *j = ((struct issue_worker_arg *)arg)->j;
    struct kmsdb_batch_item *b = ((struct issue_worker_arg *)arg)->b;
    size_t nb = 0;
    for (;;) {
        size_t i = atomic_fetch_add(&j->next, 1);
        if (i >= j->l->n)
            break;
        const char *uri = j->l->uris[i];
        struct kms_stored_keyset have;
        struct mcx_kms_keyset k;
        mcx_err e = kmsdb_keyset_get(j->s, uri, j->period_no, &have);
        mcx_wipe(&have, sizeof have);
        if (e == MCX_ERR_NOT_FOUND) {
            e = kms_issue_generate(j->iss, uri, j->period_no, &k, &b[nb].k);
            mcx_wipe(&k, sizeof k);
            if (e == MCX_OK) {
                b[nb++].uri = uri;
                if (nb == ISSUE_BATCH) {
                    flush_batch(j, b, nb);
                    nb = 0;
                }
            }
        }
        if (e != MCX_OK) {
            atomic_fetch_add(&j->failed, 1);
            fprintf(stderr, "\nmcxsec kms: issue-all: %s: %s\n", uri, mcx_strerror(e));
        }
        atomic_fetch_add(&j->done, 1);
    }
    flush_batch(j, b, nb);
    return NULL;
}

static int do_issue_all(const struct cli_args *a, struct kms_store *s)
{
    const char *which = cli_require(a, CMD, "period");
    struct kms_issuer *iss = NULL;
    uint64_t threads = (uint64_t)sysconf(_SC_NPROCESSORS_ONLN);
    int rc;
    if (which == NULL)
        return CLI_USAGE;
    if (cli_get(a, "threads") && (cli_u64(CMD, "--threads", cli_get(a, "threads"), &threads) != CLI_OK ||
                                  threads == 0 || threads > 256)) {
        fprintf(stderr, "mcxsec kms: --threads must be 1..256\n");
        return CLI_USAGE;
    }
    if ((rc = open_issuer(a, s, "issue-all", &iss)) != CLI_OK)
        return rc;
    mcx_err e;
    uint64_t period_no = 0;
    if (strcmp(which, "current") == 0 || strcmp(which, "next") == 0) {
        if ((e = kms_period_at(kms_issuer_community(iss), kms_now(), &period_no)) != MCX_OK) {
            kms_issuer_free(iss);
            return cli_fail(CMD, "issue-all", e);
        }
        if (strcmp(which, "next") == 0)
            period_no++;
    } else if (cli_u64(CMD, "--period", which, &period_no) != CLI_OK) {
        kms_issuer_free(iss);
        return CLI_USAGE;
    }
    struct uri_list l = {NULL, 0, 0};
    if ((e = kmsdb_user_list(s, collect_user, &l)) != MCX_OK) {
        kms_issuer_free(iss);
        free(l.uris);
        return db_fail(s, "issue-all", e);
    }
    struct issue_job job;
    memset(&job, 0, sizeof job);
    job.iss = iss;
    job.s = s;
    job.l = &l;
    job.period_no = period_no;
    job.actor = actor_name(a);
    pthread_t th[256];
    struct issue_worker_arg wa[256];
    size_t nth = 0;
    struct kmsdb_batch_item *batches = calloc((size_t)threads * ISSUE_BATCH, sizeof *batches);
    if (batches == NULL) {
        kms_issuer_free(iss);
        free(l.uris);
        return cli_fail(CMD, "issue-all", MCX_ERR_NOMEM);
    }
    double t0 = mono();
    int tty = isatty(2) && !cli_flag(a, "quiet");
    for (; nth < threads; nth++) {
        wa[nth].j = &job;
        wa[nth].b = batches + nth * ISSUE_BATCH;
        if (pthread_create(&th[nth], NULL, issue_worker, &wa[nth]) != 0)
            break;
    }
    if (nth == 0) {
        wa[0].j = &job;
        wa[0].b = batches;
        issue_worker(&wa[0]);
    }
    while (atomic_load(&job.done) < l.n && nth > 0) {
        if (tty)
            progress(atomic_load(&job.done), l.n, t0);
        struct timespec ts = {0, 200 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    for (size_t i = 0; i < nth; i++)
        pthread_join(th[i], NULL);
    mcx_wipe(batches, (size_t)threads * ISSUE_BATCH * sizeof *batches);
    free(batches);
    if (tty) {
        progress(l.n, l.n, t0);
        fputc('\n', stderr);
    }
    double el = mono() - t0;
    size_t fresh_n = atomic_load(&job.fresh), failed = atomic_load(&job.failed);
    char detail[128];
    snprintf(detail, sizeof detail, "period=%llu users=%zu issued=%zu failed=%zu",
             (unsigned long long)period_no, l.n, fresh_n, failed);
    (void)kms_audit(s, actor_name(a), "issue-all", "*", detail, failed ? "partial" : "ok");
    struct cli_out o;
    cli_out_init(&o, a->json);
    cli_out_u64(&o, "period", period_no);
    cli_out_u64(&o, "users", l.n);
    cli_out_u64(&o, "issued", fresh_n);
    cli_out_u64(&o, "already_issued", l.n - fresh_n - failed);
    cli_out_u64(&o, "failed", failed);
    cli_out_u64(&o, "threads", nth ? nth : 1);
    char secs[32];
    snprintf(secs, sizeof secs, "%.2f", el);
    cli_out_str(&o, "seconds", secs);
    cli_out_flush(&o);
    free(l.uris);
    kms_issuer_free(iss);
    return failed ? CLI_FAILURE : CLI_OK;
}

/* ---- check ----------------------------------------------------------------------------------- */

static int do_check(const struct cli_args *a, struct kms_store *s)
{
    struct kms_issuer *iss = NULL;
    struct kms_check_report r;
    int rc;
    if ((rc = open_issuer(a, s, "check", &iss)) != CLI_OK)
        return rc;
    mcx_err e = kms_check(iss, s, cli_flag(a, "validate"), &r);
    kms_issuer_free(iss);
    if (e != MCX_OK && e != MCX_ERR_VERIFY) {
        if (!r.db_ok && r.db[0])
            fprintf(stderr, "mcxsec kms: check: %s\n", r.db);
        return db_fail(s, "check", e);
    }
    struct cli_out o;
    cli_out_init(&o, a->json);
    cli_out_str(&o, "database", r.db);
    cli_out_u64(&o, "keysets", r.keysets);
    cli_out_u64(&o, "opened", r.opened);
    if (cli_flag(a, "validate"))
        cli_out_u64(&o, "validated", r.validated);
    cli_out_u64(&o, "bad", r.bad);
    if (r.bad)
        cli_out_str(&o, "first_bad", r.first_bad);
    cli_out_str(&o, "audit", r.audit_ok ? "ok" : "BROKEN");
    cli_out_u64(&o, "audit_records", r.audit_records);
    cli_out_flush(&o);
    if (e != MCX_OK) {
        if (r.bad)
            fprintf(stderr, "mcxsec kms: check: %llu key set(s) bad, first: %s\n",
                    (unsigned long long)r.bad, r.first_bad);
        if (!r.audit_ok)
            fprintf(stderr, "mcxsec kms: check: audit chain BROKEN at record %lld\n",
                    (long long)r.audit_bad_seq);
        return CLI_VERIFY_FAILED;
    }
    return CLI_OK;
}

/* ---- audit ------------------------------------------------------------------------------------- */

static int print_audit(void *ctx, const struct kms_audit_rec *r)
{
    (void)ctx;
    kms_audit_print_json(stdout, r);
    return 0;
}

static int do_audit(const struct cli_args *a, struct kms_store *s)
{
    const char *sub = a->npos > 1 ? a->pos[1] : "";
    mcx_err e;
    if (strcmp(sub, "show") == 0) {
        uint64_t from = 0;
        if (cli_get(a, "from") && cli_u64(CMD, "--from", cli_get(a, "from"), &from) != CLI_OK)
            return CLI_USAGE;
        e = kms_audit_list(s, (int64_t)from, print_audit, NULL);
        return e == MCX_OK ? CLI_OK : db_fail(s, "audit show", e);
    }
    if (strcmp(sub, "verify") == 0) {
        uint64_t count = 0;
        int64_t bad = -1;
        uint8_t head[32];
        e = kms_audit_verify(s, &count, &bad, head);
        if (e == MCX_ERR_VERIFY) {
            fprintf(stderr, "mcxsec kms: audit chain BROKEN at record %lld (after %llu good records)\n",
                    (long long)bad, (unsigned long long)count);
            return CLI_VERIFY_FAILED;
        }
        if (e != MCX_OK)
            return db_fail(s, "audit verify", e);
        struct cli_out o;
        cli_out_init(&o, a->json);
        cli_out_str(&o, "audit", "ok");
        cli_out_u64(&o, "records", count);
        cli_out_hex(&o, "head", head, 32);
        cli_out_flush(&o);
        return CLI_OK;
    }
    fprintf(stderr, "mcxsec kms: audit verify | show\n");
    return CLI_USAGE;
}

int cmd_kms(int argc, char **argv)
{
    struct cli_args a;
    struct kms_store *s = NULL;
    int rc;
    if (argc >= 1 && strcmp(argv[0], "keygen") == 0)
        return cmd_kms_keygen(argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "issue") == 0)
        return cmd_kms_issue(argc - 1, argv + 1);
    if ((rc = cli_parse(&a, CMD, opts, argc, argv)) != CLI_OK)
        return rc;
    if (a.npos == 0 || cli_flag(&a, "help")) {
        usage(a.npos == 0 && !cli_flag(&a, "help") ? stderr : stdout);
        return a.npos == 0 && !cli_flag(&a, "help") ? CLI_USAGE : CLI_OK;
    }
    const char *c = a.pos[0];
    if (strcmp(c, "init") && strcmp(c, "cert") && strcmp(c, "user") && strcmp(c, "grant") && strcmp(c, "domain") &&
        strcmp(c, "issue-all") && strcmp(c, "audit") && strcmp(c, "check")) {
        fprintf(stderr, "mcxsec kms: unknown command '%s'\n", c);
        usage(stderr);
        return CLI_USAGE;
    }
    if ((rc = open_db(&a, &s)) != CLI_OK)
        return rc;
    if (strcmp(c, "init") == 0)
        rc = do_init(&a, s);
    else if (strcmp(c, "cert") == 0)
        rc = do_cert(&a, s);
    else if (strcmp(c, "user") == 0)
        rc = do_user(&a, s);
    else if (strcmp(c, "grant") == 0)
        rc = do_grant(&a, s);
    else if (strcmp(c, "domain") == 0)
        rc = do_domain(&a, s);
    else if (strcmp(c, "issue-all") == 0)
        rc = do_issue_all(&a, s);
    else if (strcmp(c, "check") == 0)
        rc = do_check(&a, s);
    else
        rc = do_audit(&a, s);
    kms_store_close(s);
    return rc;
}
