/*
 * mcxsec client — the KMS client side (issue 4 item 9; TS 33.180 Annex D as the KM client):
 *   client provision --kms URL --token FILE --ca FILE [--keystore FILE] [--identity URI]...
 *                    [--periods N] [--report-external KMS-URI] [keystore secret]
 *   client show --keystore FILE [keystore secret]
 * provision fetches KmsInit (the Root KMS certificate), KmsKeyProv for the current and next key
 * periods (the `keyprov/<URI>/<NTP time>` pre-fetch of D.2) for the caller and each --identity it
 * was granted, and KmsCertCache; verifies the TLS certificate; validates every key set before it
 * is accepted (UID of F.2.1, RFC 6507 §5.1.2 for SSK/PVT, RFC 6508 §6.1.2 for the RSK) and refuses
 * the whole provisioning, saying which key failed, if one does not validate; then stores the Annex D
 * documents in the sealed key store (mcx_keystore_*). The keystore secret is --passphrase-env VAR,
 * --passphrase-file FILE or --key-file FILE (64 hex digits, mode 0600); default
 * $MCXSEC_KEYSTORE_PASSPHRASE.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "https_client.h"
#include "mcxsec/kdf.h"
#include "mcxsec/keystore.h"
#include "mcxsec/kmsmsg.h"
#include "mcxsec/kmsxml.h"
#include "mcxsec/util.h"

#define CMD "client"
#define API "/keymanagement/identity/v1"

static const struct cli_optspec opts[] = {
    {"kms", 1, 0},          {"token", 1, 0},           {"ca", 1, 0},       {"keystore", 1, 0},
    {"identity", 1, 1},     {"periods", 1, 0},         {"report-external", 1, 0},
    {"passphrase-env", 1, 0}, {"passphrase-file", 1, 0}, {"key-file", 1, 0}, {"claim", 1, 0},
    {"kms-uri", 1, 0},
    {"help", 0, 0},         {"quiet", 0, 0},           {NULL, 0, 0},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: mcxsec client provision --kms https://HOST:PORT --token FILE --ca FILE\n"
               "                [--keystore FILE] [--identity URI]... [--periods 2] [--report-external KMS-URI]\n"
               "                [--kms-uri URI (expected KMS URI)] [--claim mcptt_id]\n"
               "       mcxsec client show --keystore FILE\n"
               "keystore secret: --passphrase-env VAR | --passphrase-file FILE | --key-file FILE\n"
               "                 (default: $MCXSEC_KEYSTORE_PASSPHRASE)\n");
}

/* ---- keystore file and secret ------------------------------------------------------------------- */

struct secret {
    struct mcx_keystore_secret s;
    uint8_t *buf;
    size_t len;
};

static void secret_free(struct secret *s)
{
    if (s->buf != NULL) {
        mcx_wipe(s->buf, s->len);
        free(s->buf);
    }
    memset(s, 0, sizeof *s);
}

static int hexv(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static int get_secret(const struct cli_args *a, struct secret *s)
{
    const char *env = cli_get(a, "passphrase-env"), *pf = cli_get(a, "passphrase-file"),
               *kf = cli_get(a, "key-file");
    memset(s, 0, sizeof *s);
    if ((env != NULL) + (pf != NULL) + (kf != NULL) > 1) {
        fprintf(stderr, "mcxsec client: give at most one of --passphrase-env, --passphrase-file, --key-file\n");
        return CLI_USAGE;
    }
    if (kf != NULL) {
        struct stat st;
        if (stat(kf, &st) != 0 || (st.st_mode & 077) != 0) {
            fprintf(stderr, "mcxsec client: %s: missing or not mode 0600\n", kf);
            return CLI_USAGE;
        }
        uint8_t *txt;
        size_t n;
        int rc = cli_read_file(CMD, kf, 256, &txt, &n);
        if (rc != CLI_OK)
            return rc;
        while (n > 0 && (txt[n - 1] == '\n' || txt[n - 1] == '\r'))
            n--;
        s->buf = malloc(32);
        int ok = s->buf != NULL && n == 64;
        for (size_t i = 0; ok && i < 32; i++) {
            int hi = hexv(txt[2 * i]), lo = hexv(txt[2 * i + 1]);
            ok = hi >= 0 && lo >= 0;
            s->buf[i] = (uint8_t)((hi & 15) << 4 | (lo & 15));
        }
        mcx_wipe(txt, n);
        free(txt);
        s->len = 32;
        if (!ok) {
            fprintf(stderr, "mcxsec client: %s: expected 64 hex digits\n", kf);
            secret_free(s);
            return CLI_USAGE;
        }
        s->s.data = s->buf;
        s->s.len = 32;
        s->s.is_passphrase = 0;
        return CLI_OK;
    }
    if (pf != NULL) {
        uint8_t *txt;
        size_t n;
        int rc = cli_read_file(CMD, pf, 4096, &txt, &n);
        if (rc != CLI_OK)
            return rc;
        while (n > 0 && (txt[n - 1] == '\n' || txt[n - 1] == '\r'))
            n--;
        s->buf = txt;
        s->len = n;
    } else {
        const char *v = getenv(env ? env : "MCXSEC_KEYSTORE_PASSPHRASE");
        if (v == NULL || *v == '\0') {
            fprintf(stderr, "mcxsec client: no keystore secret: set $%s or use --passphrase-file / --key-file\n",
                    env ? env : "MCXSEC_KEYSTORE_PASSPHRASE");
            return CLI_USAGE;
        }
        s->buf = (uint8_t *)strdup(v);
        s->len = strlen(v);
    }
    if (s->buf == NULL || s->len < 8) {
        fprintf(stderr, "mcxsec client: the keystore passphrase must have at least 8 characters\n");
        secret_free(s);
        return CLI_USAGE;
    }
    s->s.data = s->buf;
    s->s.len = s->len;
    s->s.is_passphrase = 1;
    return CLI_OK;
}

/* Open the keystore file, or a new empty store when the file does not exist and create != 0. */
static int load_store(const char *path, const struct secret *sec, int create, mcx_keystore **ks)
{
    struct stat st;
    *ks = NULL;
    if (stat(path, &st) != 0 && errno == ENOENT && create)
        return mcx_keystore_new(ks) == MCX_OK ? CLI_OK : CLI_FAILURE;
    uint8_t *blob;
    size_t n;
    int rc = cli_read_file(CMD, path, MCX_KEYSTORE_MAX_BLOB + 64, &blob, &n);
    if (rc != CLI_OK)
        return rc;
    mcx_err e = mcx_keystore_open(ks, blob, n, &sec->s);
    mcx_wipe(blob, n);
    free(blob);
    if (e == MCX_ERR_VERIFY) {
        fprintf(stderr, "mcxsec client: %s: wrong keystore secret, or the file was modified\n", path);
        return CLI_VERIFY_FAILED;
    }
    return e == MCX_OK ? CLI_OK : cli_fail(CMD, path, e);
}

#if MCX_HAVE_KMS_CRYPTO && MCX_HAVE_KMSXML
static int save_store(const char *path, const struct secret *sec, const mcx_keystore *ks)
{
    uint8_t *blob;
    size_t n;
    char tmp[4096];
    mcx_err e = mcx_keystore_seal(ks, &sec->s, &blob, &n);
    if (e != MCX_OK)
        return cli_fail(CMD, "sealing the keystore", e);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int ok = fd >= 0 && write(fd, blob, n) == (ssize_t)n && fsync(fd) == 0;
    if (fd >= 0)
        close(fd);
    mcx_keystore_blob_free(blob, n);
    if (!ok || rename(tmp, path) != 0) {
        fprintf(stderr, "mcxsec client: cannot write %s: %s\n", path, strerror(errno));
        unlink(tmp);
        return CLI_FAILURE;
    }
    return CLI_OK;
}
#endif

/* ---- show ---------------------------------------------------------------------------------------- */

static int do_show(const struct cli_args *a)
{
    const char *path = cli_require(a, CMD, "keystore");
    struct secret sec;
    mcx_keystore *ks;
    int rc;
    if (path == NULL)
        return CLI_USAGE;
    if ((rc = get_secret(a, &sec)) != CLI_OK)
        return rc;
    rc = load_store(path, &sec, 0, &ks);
    secret_free(&sec);
    if (rc != CLI_OK)
        return rc;
    for (size_t i = 0; i < mcx_keystore_count(ks); i++) {
        enum mcx_keystore_kind kind;
        const char *name, *doc;
        uint64_t period;
        size_t dl;
        if (mcx_keystore_entry(ks, i, &kind, &name, &period, &doc, &dl) != MCX_OK)
            break;
        if (a->json) {
            printf("{\"kind\": \"%s\", \"name\": ", kind == MCX_KEYSTORE_CERT ? "certificate" : "keyset");
            cli_json_string(stdout, name);
            printf(", \"period\": %llu}\n", (unsigned long long)period);
        } else {
            printf("%s\t%s\t%llu\n", kind == MCX_KEYSTORE_CERT ? "certificate" : "keyset", name,
                   (unsigned long long)period);
        }
    }
    mcx_keystore_free(ks);
    return CLI_OK;
}

/* ---- provision ------------------------------------------------------------------------------------ */

#if MCX_HAVE_KMS_CRYPTO && MCX_HAVE_KMSXML

/* The MC service ID of our own token (claim `claim` of the payload; not verified: it is our token,
 * and the KMS checks it). Used only for the KmsRequest UserUri field. */
static int token_identity(const char *tok, const char *claim, char *out, size_t cap)
{
    const char *p = strchr(tok, '.');
    const char *q = p ? strchr(p + 1, '.') : NULL;
    if (q == NULL || (size_t)(q - p - 1) > 8000)
        return -1;
    char b64[8010], json[6100];
    size_t n = 0;
    for (const char *c = p + 1; c < q; c++)
        b64[n++] = *c == '-' ? '+' : *c == '_' ? '/' : *c;
    while (n % 4)
        b64[n++] = '=';
    int len = EVP_DecodeBlock((unsigned char *)json, (unsigned char *)b64, (int)n);
    if (len <= 0)
        return -1;
    json[len] = '\0';
    json_error_t e;
    json_t *j = json_loads(json, JSON_DISABLE_EOF_CHECK, &e);
    const char *v = j ? json_string_value(json_object_get(j, claim)) : NULL;
    int rc = -1;
    if (v != NULL && strlen(v) < cap) {
        snprintf(out, cap, "%s", v);
        rc = 0;
    }
    json_decref(j);
    return rc;
}

static void pct_encode(const char *s, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (; *s && o + 4 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~", c)) {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
}

struct session {
    SSL_CTX *ctx;
    struct kms_url url;
    const char *kms_base;
    struct kms_https_conn conn;
    char *token;
    char user[MCX_URI_MAX];
    char kms_uri[MCX_URI_MAX];
    const char *report;
};

/* POST one Annex D request; returns CLI_OK with the body, or prints the KmsError / failure. */
static int exchange(struct session *s, const char *path, char **resp, size_t *rlen)
{
    struct mcx_kms_request rq;
    char *body = NULL, err[300] = "";
    size_t blen = 0;
    unsigned status = 0;
    memset(&rq, 0, sizeof rq);
    snprintf(rq.user_uri, sizeof rq.user_uri, "%s", s->user);
    snprintf(rq.kms_uri, sizeof rq.kms_uri, "%s", s->kms_uri[0] ? s->kms_uri : s->url.host);
    rq.time = (int64_t)time(NULL);
    snprintf(rq.client_id, sizeof rq.client_id, "mcxsec");
    snprintf(rq.client_req_url, sizeof rq.client_req_url, "%s%s", s->kms_base, path);
    if (s->report != NULL)
        snprintf(rq.external_domain_used, sizeof rq.external_domain_used, "%s", s->report);
    mcx_err e = mcx_kmsmsg_write_request(&rq, &body, &blen);
    if (e != MCX_OK)
        return cli_fail(CMD, "KmsRequest", e);
    e = kms_https_post(s->ctx, &s->url, &s->conn, path, s->token, body, blen, &status, resp, rlen, err, sizeof err);
    mcx_kmsmsg_free(body, blen);
    if (e != MCX_OK) {
        fprintf(stderr, "mcxsec client: %s: %s\n", path, err);
        return e == MCX_ERR_VERIFY ? CLI_VERIFY_FAILED : CLI_FAILURE;
    }
    struct mcx_kms_response r;
    e = mcx_kmsmsg_read_response(*resp, *rlen, &r);
    if (status != 200 || e != MCX_OK || r.has_error) {
        if (e == MCX_OK && r.has_error)
            fprintf(stderr, "mcxsec client: %s: the KMS refused (HTTP %u, KmsError %lld): %s\n", path, status,
                    (long long)r.error_code, r.error_msg);
        else
            fprintf(stderr, "mcxsec client: %s: HTTP %u and %s\n", path, status,
                    e == MCX_OK ? "no KmsMessage" : "a malformed KmsResponse");
        mcx_wipe(*resp, *rlen);
        free(*resp);
        *resp = NULL;
        return status == 401 || status == 403 ? CLI_VERIFY_FAILED : CLI_FAILURE;
    }
    if (s->kms_uri[0] && strcmp(r.kms_uri, s->kms_uri) != 0) {
        fprintf(stderr, "mcxsec client: %s: response from KMS %s, expected %s\n", path, r.kms_uri, s->kms_uri);
        mcx_wipe(*resp, *rlen);
        free(*resp);
        *resp = NULL;
        return CLI_VERIFY_FAILED;
    }
    return CLI_OK;
}

/* Validate one received key set against our certificate (never accept a key that fails). */
static mcx_err validate_keyset(const struct mcx_kms_cert *cert, const mcx_sakke_pub *pub,
                               const struct mcx_kms_keyset *k, const char *uri, uint64_t period,
                               const char **what)
{
    uint8_t uid[MCX_UID_BYTES];
    mcx_err e;
    *what = "identity";
    if (strcmp(k->user_uri, uri) != 0 || strcmp(k->kms_uri, cert->kms_uri) != 0)
        return MCX_ERR_VERIFY;
    *what = "key period";
    if (k->key_period_no != period)
        return MCX_ERR_VERIFY;
    *what = "revocation";
    if (k->revoked)
        return MCX_ERR_REVOKED;
    *what = "UserID (TS 33.180 F.2.1 UID)";
    if ((e = mcx_uid(uri, cert->kms_uri, cert->user_key_period, cert->user_key_offset, period, uid)) != MCX_OK)
        return e;
    if (!mcx_ct_eq(uid, k->user_id, sizeof uid))
        return MCX_ERR_VERIFY;
    *what = "SSK/PVT (RFC 6507 5.1.2)";
    if ((e = mcx_eccsi_validate(cert->pub_auth_key, uid, sizeof uid, k->ssk, k->pvt, NULL)) != MCX_OK)
        return e;
    *what = "RSK (RFC 6508 6.1.2)";
    return mcx_sakke_validate_rsk(pub, uid, sizeof uid, k->rsk);
}

static int do_provision(const struct cli_args *a)
{
    const char *kms = cli_require(a, CMD, "kms"), *tokf = cli_require(a, CMD, "token"),
               *ca = cli_require(a, CMD, "ca");
    const char *path = cli_get(a, "keystore") ? cli_get(a, "keystore") : "mcxsec-keystore.bin";
    uint64_t periods = 2;
    struct session s;
    struct secret sec;
    mcx_keystore *ks = NULL;
    mcx_sakke_pub *pub = NULL;
    char *resp = NULL, err[300];
    size_t rlen = 0;
    int rc;
    memset(&s, 0, sizeof s);
    memset(&sec, 0, sizeof sec);
    if (kms == NULL || tokf == NULL || ca == NULL)
        return CLI_USAGE;
    if (cli_get(a, "periods") && (cli_u64(CMD, "--periods", cli_get(a, "periods"), &periods) != CLI_OK ||
                                  periods < 1 || periods > 4)) {
        fprintf(stderr, "mcxsec client: --periods must be 1..4\n");
        return CLI_USAGE;
    }
    if (kms_url_parse(kms, &s.url) != 0) {
        fprintf(stderr, "mcxsec client: --kms: expected https://host[:port][/base]\n");
        return CLI_USAGE;
    }
    s.kms_base = kms;
    s.report = cli_get(a, "report-external");
    if (cli_get(a, "kms-uri") != NULL) /* the pre-configured KMS URI, checked against KmsInit */
        snprintf(s.kms_uri, sizeof s.kms_uri, "%s", cli_get(a, "kms-uri"));
    uint8_t *tb;
    size_t tl;
    if ((rc = cli_read_file(CMD, tokf, 16384, &tb, &tl)) != CLI_OK)
        return rc;
    while (tl > 0 && (tb[tl - 1] == '\n' || tb[tl - 1] == '\r' || tb[tl - 1] == ' '))
        tb[--tl] = '\0';
    s.token = (char *)tb;
    if (token_identity(s.token, cli_get(a, "claim") ? cli_get(a, "claim") : "mcptt_id", s.user, sizeof s.user) != 0) {
        fprintf(stderr, "mcxsec client: %s: not a JWT with an MC service ID claim\n", tokf);
        rc = CLI_USAGE;
        goto out;
    }
    if ((rc = get_secret(a, &sec)) != CLI_OK)
        goto out;
    if ((rc = load_store(path, &sec, 1, &ks)) != CLI_OK)
        goto out;
    if (kms_https_ctx(ca, &s.ctx, err, sizeof err) != MCX_OK) {
        fprintf(stderr, "mcxsec client: %s\n", err);
        rc = CLI_USAGE;
        goto out;
    }
    /* 1. KMS Initialize: the Root KMS certificate. */
    if ((rc = exchange(&s, API "/init", &resp, &rlen)) != CLI_OK)
        goto out;
    struct mcx_kms_cert cert;
    mcx_err e = mcx_kmsxml_read_cert(resp, rlen, &cert);
    mcx_wipe(resp, rlen);
    free(resp);
    resp = NULL;
    if (e != MCX_OK || cert.role != MCX_KMS_ROLE_ROOT || cert.revoked) {
        fprintf(stderr, "mcxsec client: KmsInit: %s\n",
                e != MCX_OK ? mcx_strerror(e) : cert.revoked ? "the KMS certificate is revoked" : "not a Root certificate");
        rc = CLI_VERIFY_FAILED;
        goto out;
    }
    if ((e = mcx_sakke_pub_new(&pub, cert.pub_enc_key)) != MCX_OK) {
        rc = cli_fail(CMD, "KMS certificate PubEncKey", e);
        goto out;
    }
    if (s.kms_uri[0] && strcmp(s.kms_uri, cert.kms_uri) != 0) {
        fprintf(stderr, "mcxsec client: the KMS certificate is for %s, expected %s\n", cert.kms_uri, s.kms_uri);
        rc = CLI_VERIFY_FAILED;
        goto out;
    }
    snprintf(s.kms_uri, sizeof s.kms_uri, "%s", cert.kms_uri);
    char *cdoc = NULL;
    size_t cl = 0;
    if ((e = mcx_kmsxml_write_cert(&cert, &cdoc, &cl)) != MCX_OK ||
        (e = mcx_keystore_put(ks, MCX_KEYSTORE_CERT, cert.kms_uri, 0, cdoc, cl)) != MCX_OK) {
        mcx_kmsxml_free(cdoc, cl);
        rc = cli_fail(CMD, "storing the KMS certificate", e);
        goto out;
    }
    mcx_kmsxml_free(cdoc, cl);
    if (!cli_flag(a, "quiet"))
        printf("kms=%s user=%s period=%llus\n", cert.kms_uri, s.user, (unsigned long long)cert.user_key_period);
    /* 2. KeyProvision for each identity, current and following periods (D.2 pre-fetch). */
    uint64_t now_ntp = (uint64_t)time(NULL) + MCX_NTP_UNIX_OFFSET, cur;
    if ((e = mcx_key_period_no(now_ntp, cert.user_key_period, cert.user_key_offset, &cur)) != MCX_OK) {
        rc = cli_fail(CMD, "key period", e);
        goto out;
    }
    size_t n_ids = 1;
    while (cli_get_nth(a, "identity", n_ids - 1) != NULL)
        n_ids++;
    for (size_t i = 0; i < n_ids; i++) {
        const char *uri = i == 0 ? s.user : cli_get_nth(a, "identity", i - 1);
        char enc[3 * MCX_URI_MAX + 1];
        pct_encode(uri, enc, sizeof enc);
        for (uint64_t p = cur; p < cur + periods; p++) {
            uint64_t start = 0;
            if ((e = mcx_key_period_start(p, cert.user_key_period, cert.user_key_offset, &start)) != MCX_OK) {
                rc = cli_fail(CMD, "key period", e);
                goto out;
            }
            if (p == cur)
                start = now_ntp;
            char rpath[4 * MCX_URI_MAX];
            snprintf(rpath, sizeof rpath, API "/keyprov/%s/%08llX00000000", enc, (unsigned long long)start);
            if ((rc = exchange(&s, rpath, &resp, &rlen)) != CLI_OK)
                goto out;
            static struct mcx_kms_keyset sets[4];
            size_t n = 4;
            e = mcx_kmsxml_read_keysets(resp, rlen, sets, &n);
            mcx_wipe(resp, rlen);
            free(resp);
            resp = NULL;
            if (e != MCX_OK || n != 1) {
                fprintf(stderr, "mcxsec client: KmsKeyProv for %s period %llu: %s\n", uri, (unsigned long long)p,
                        e != MCX_OK ? mcx_strerror(e) : "expected exactly one KmsKeySet");
                mcx_wipe(sets, sizeof sets);
                rc = CLI_VERIFY_FAILED;
                goto out;
            }
            const char *what = "";
            e = validate_keyset(&cert, pub, &sets[0], uri, p, &what);
            if (e != MCX_OK) {
                fprintf(stderr, "mcxsec client: REFUSED the key set for %s period %llu: %s failed (%s)\n", uri,
                        (unsigned long long)p, what, mcx_strerror(e));
                mcx_wipe(sets, sizeof sets);
                rc = CLI_VERIFY_FAILED;
                goto out;
            }
            char *kdoc = NULL;
            size_t kl = 0;
            e = mcx_kmsxml_write_keyset(&sets[0], &kdoc, &kl);
            mcx_wipe(sets, sizeof sets);
            if (e == MCX_OK)
                e = mcx_keystore_put(ks, MCX_KEYSTORE_KEYSET, uri, p, kdoc, kl);
            mcx_kmsxml_free(kdoc, kl);
            if (e != MCX_OK) {
                rc = cli_fail(CMD, "storing a key set", e);
                goto out;
            }
            if (!cli_flag(a, "quiet"))
                printf("keyset=%s period=%llu validated\n", uri, (unsigned long long)p);
        }
    }
    /* 3. The cert cache: external domains this user may talk to. */
    if ((rc = exchange(&s, API "/certcache", &resp, &rlen)) != CLI_OK)
        goto out;
    {
        static struct mcx_kms_cert ext[16];
        size_t n = 16;
        uint64_t cache_num = 0;
        e = mcx_kmsxml_read_certs(resp, rlen, ext, &n, &cache_num);
        if (e == MCX_ERR_NOT_FOUND) {
            n = 0;
            e = MCX_OK;
        }
        mcx_wipe(resp, rlen);
        free(resp);
        resp = NULL;
        if (e != MCX_OK) {
            rc = cli_fail(CMD, "KmsCertCache", e);
            goto out;
        }
        for (size_t i = 0; i < n; i++) {
            char *d = NULL;
            size_t dl = 0;
            if (ext[i].role != MCX_KMS_ROLE_EXTERNAL)
                continue;
            if ((e = mcx_kmsxml_write_cert(&ext[i], &d, &dl)) == MCX_OK)
                e = mcx_keystore_put(ks, MCX_KEYSTORE_CERT, ext[i].kms_uri, 0, d, dl);
            mcx_kmsxml_free(d, dl);
            if (e != MCX_OK) {
                rc = cli_fail(CMD, "storing an external certificate", e);
                goto out;
            }
            /* A revoked certificate replaces the stored one, marked Revoked: the key store then
             * shows it, and the MIKEY commands no longer use that domain (cli_keys.c). */
            if (!cli_flag(a, "quiet"))
                printf("external=%s%s\n", ext[i].kms_uri, ext[i].revoked ? " revoked" : "");
        }
    }
    /* Keep the store small: drop key sets that ended before the current period. */
    (void)mcx_keystore_prune(ks, NULL, cur);
    rc = save_store(path, &sec, ks);
    if (rc == CLI_OK && !cli_flag(a, "quiet"))
        printf("keystore=%s entries=%zu\n", path, mcx_keystore_count(ks));
out:
    if (resp != NULL) {
        mcx_wipe(resp, rlen);
        free(resp);
    }
    if (s.token != NULL) {
        mcx_wipe(s.token, strlen(s.token));
        free(s.token);
    }
    kms_https_close(&s.conn);
    SSL_CTX_free(s.ctx);
    mcx_sakke_pub_free(pub);
    mcx_keystore_free(ks);
    secret_free(&sec);
    return rc;
}
#else
static int do_provision(const struct cli_args *a)
{
    (void)a;
    fprintf(stderr, "mcxsec client: provision needs the ECCSI/SAKKE core and the Annex D document reader, "
                    "not in this build\n");
    return CLI_FAILURE;
}
#endif

int cmd_client(int argc, char **argv)
{
    struct cli_args a;
    int rc = cli_parse(&a, CMD, opts, argc, argv);
    if (rc != CLI_OK)
        return rc;
    if (a.npos != 1 || cli_flag(&a, "help")) {
        usage(cli_flag(&a, "help") ? stdout : stderr);
        return cli_flag(&a, "help") ? CLI_OK : CLI_USAGE;
    }
    if (strcmp(a.pos[0], "provision") == 0)
        return do_provision(&a);
    if (strcmp(a.pos[0], "show") == 0)
        return do_show(&a);
    usage(stderr);
    return CLI_USAGE;
}
