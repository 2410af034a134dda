/*
 * Key-file loading for the CLI (see cli_keys.h): the TS 33.180 Annex D documents through
 * include/mcxsec/kmsxml.h, and ISO-8601 time options.
 */
#include "cli_keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mcxsec/keystore.h"
#include "mcxsec/util.h"

#include <sys/stat.h>

static int read_doc(const char *cmd, const char *path, uint8_t **buf, size_t *len)
{
    return cli_read_file(cmd, path, MCX_KMSXML_MAX_BYTES, buf, len);
}

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* The key store's secret: --keystore-key-file (32 octets as hex, 0600) or a passphrase from the
 * environment. *buf receives a malloc'd copy (wiped and freed by the caller). */
static int keystore_secret(const char *cmd, const struct cli_args *a, struct mcx_keystore_secret *sec,
                           uint8_t **buf, size_t *len)
{
    const char *kf = cli_get(a, "keystore-key-file");
    *buf = NULL;
    *len = 0;
    if (kf != NULL) {
        struct stat st;
        uint8_t *txt;
        size_t n;
        int rc;
        if (stat(kf, &st) != 0 || (st.st_mode & 077) != 0) {
            cli_error("mcxsec %s: %s: missing or not mode 0600\n", cmd, kf);
            return CLI_USAGE;
        }
        if ((rc = cli_read_file(cmd, kf, 256, &txt, &n)) != CLI_OK)
            return rc;
        while (n > 0 && (txt[n - 1] == '\n' || txt[n - 1] == '\r'))
            n--;
        int ok = n == 64;
        *buf = malloc(32);
        for (size_t i = 0; ok && *buf != NULL && i < 32; i++) {
            int hi = hexval(txt[2 * i]), lo = hexval(txt[2 * i + 1]);
            ok = hi >= 0 && lo >= 0;
            (*buf)[i] = (uint8_t)((hi & 15) << 4 | (lo & 15));
        }
        mcx_wipe(txt, n);
        free(txt);
        if (!ok || *buf == NULL) {
            cli_error("mcxsec %s: %s: expected 64 hex digits\n", cmd, kf);
            if (*buf != NULL)
                mcx_wipe(*buf, 32);
            free(*buf);
            *buf = NULL;
            return CLI_USAGE;
        }
        *len = 32;
        sec->data = *buf;
        sec->len = 32;
        sec->is_passphrase = 0;
        return CLI_OK;
    }
    const char *var = cli_get(a, "keystore-passphrase-env");
    const char *v = getenv(var != NULL ? var : "MCXSEC_KEYSTORE_PASSPHRASE");
    if (v == NULL || *v == '\0') {
        cli_error("mcxsec %s: --keystore: set $%s or give --keystore-key-file\n", cmd,
                  var != NULL ? var : "MCXSEC_KEYSTORE_PASSPHRASE");
        return CLI_USAGE;
    }
    *buf = (uint8_t *)strdup(v);
    if (*buf == NULL)
        return CLI_FAILURE;
    *len = strlen(v);
    sec->data = *buf;
    sec->len = *len;
    sec->is_passphrase = 1;
    return CLI_OK;
}

/* Fill k from a sealed key store: the Root certificate, External ones, and every key set. */
static int load_keystore(const char *cmd, const struct cli_args *a, const char *path, struct cli_keys *k)
{
    struct mcx_keystore_secret sec;
    uint8_t *sbuf = NULL, *blob = NULL;
    size_t slen = 0, blen = 0;
    mcx_keystore *ks = NULL;
    int rc = keystore_secret(cmd, a, &sec, &sbuf, &slen);
    if (rc != CLI_OK)
        return rc;
    if ((rc = cli_read_file(cmd, path, MCX_KEYSTORE_MAX_BLOB + 64, &blob, &blen)) != CLI_OK)
        goto out;
    mcx_err e = mcx_keystore_open(&ks, blob, blen, &sec);
    if (e != MCX_OK) {
        if (e == MCX_ERR_VERIFY)
            cli_error("mcxsec %s: %s: wrong key store secret, or the file was modified\n", cmd,
                      path);
        rc = e == MCX_ERR_VERIFY ? CLI_VERIFY_FAILED : cli_fail(cmd, path, e);
        goto out;
    }
    for (size_t i = 0; i < mcx_keystore_count(ks); i++) {
        enum mcx_keystore_kind kind;
        const char *name, *doc;
        uint64_t period;
        size_t dl;
        if (mcx_keystore_entry(ks, i, &kind, &name, &period, &doc, &dl) != MCX_OK)
            break;
        if (kind == MCX_KEYSTORE_CERT) {
            struct mcx_kms_cert c;
            if ((e = mcx_kmsxml_read_cert(doc, dl, &c)) != MCX_OK) {
                rc = cli_fail(cmd, "key store certificate", e);
                goto out;
            }
            if (c.revoked) {
                /* digest §1.5: a revoked KMS certificate must not be used */
                continue;
            } else if (c.role == MCX_KMS_ROLE_ROOT && !k->have_cert) {
                k->cert = c;
                k->have_cert = 1;
            } else if (k->n_extra < sizeof k->extra / sizeof k->extra[0]) {
                k->extra[k->n_extra++] = c;
            }
        } else {
            size_t n = CLI_KEYS_MAX_SETS - k->n_sets;
            if (n == 0) {
                cli_error("mcxsec %s: %s: more than %d key sets\n", cmd, path, CLI_KEYS_MAX_SETS);
                rc = CLI_USAGE;
                goto out;
            }
            if ((e = mcx_kmsxml_read_keysets(doc, dl, &k->sets[k->n_sets], &n)) != MCX_OK) {
                rc = cli_fail(cmd, "key store key set", e);
                goto out;
            }
            k->n_sets += n;
        }
    }
    rc = CLI_OK;
out:
    mcx_keystore_free(ks);
    if (blob != NULL) {
        mcx_wipe(blob, blen);
        free(blob);
    }
    if (sbuf != NULL) {
        mcx_wipe(sbuf, slen);
        free(sbuf);
    }
    return rc;
}

int cli_keys_load(const char *cmd, const struct cli_args *a, int need, struct cli_keys *k)
{
    memset(k, 0, sizeof *k);
    const char *cert = cli_get(a, "cert");
    const char *store = cli_get(a, "keystore");
    if (store != NULL) {
        int krc = load_keystore(cmd, a, store, k);
        if (krc != CLI_OK) {
            cli_keys_wipe(k);
            return krc;
        }
        if (cert != NULL)
            k->have_cert = 0; /* an explicit --cert replaces the store's home certificate */
        if (!k->have_cert && cert == NULL && need >= 1) {
            cli_error("mcxsec %s: %s holds no Root KMS certificate\n", cmd, store);
            cli_keys_wipe(k);
            return CLI_USAGE;
        }
    }
    if (cert == NULL && need >= 1 && !k->have_cert) {
        cli_error("mcxsec %s: --cert CERT.xml is required\n", cmd);
        return CLI_USAGE;
    }
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc;
    mcx_err e;
    if (cert != NULL) {
        if ((rc = read_doc(cmd, cert, &buf, &len)) != CLI_OK)
            return rc;
        e = mcx_kmsxml_read_cert((const char *)buf, len, &k->cert);
        free(buf);
        if (e != MCX_OK)
            return cli_fail(cmd, cert, e);
        k->have_cert = 1;
    }
    for (size_t i = 0; cli_get_nth(a, "keyset", i) != NULL; i++) {
        const char *path = cli_get_nth(a, "keyset", i);
        if ((rc = read_doc(cmd, path, &buf, &len)) != CLI_OK)
            return rc;
        size_t n = CLI_KEYS_MAX_SETS - k->n_sets;
        e = mcx_kmsxml_read_keysets((const char *)buf, len, &k->sets[k->n_sets], &n);
        mcx_wipe(buf, len);
        free(buf);
        if (e != MCX_OK) {
            cli_keys_wipe(k);
            return cli_fail(cmd, path, e);
        }
        k->n_sets += n;
    }
    if (need >= 2 && k->n_sets == 0) {
        cli_error("mcxsec %s: --keyset KEYSET.xml is required\n", cmd);
        return CLI_USAGE;
    }
    for (size_t i = 0; cli_get_nth(a, "kms-cert", i) != NULL; i++) {
        const char *path = cli_get_nth(a, "kms-cert", i);
        if (k->n_extra == sizeof k->extra / sizeof k->extra[0]) {
            cli_error("mcxsec %s: too many --kms-cert\n", cmd);
            cli_keys_wipe(k);
            return CLI_USAGE;
        }
        if ((rc = read_doc(cmd, path, &buf, &len)) != CLI_OK) {
            cli_keys_wipe(k);
            return rc;
        }
        e = mcx_kmsxml_read_cert((const char *)buf, len, &k->extra[k->n_extra]);
        free(buf);
        if (e != MCX_OK) {
            cli_keys_wipe(k);
            return cli_fail(cmd, path, e);
        }
        k->n_extra++;
    }
    return CLI_OK;
}

int cli_keys_ctx(const char *cmd, const struct cli_keys *k, mcx_mikey_ctx **ctx)
{
    *ctx = NULL;
    if (!k->have_cert) {
        cli_error("mcxsec %s: --cert CERT.xml is required\n", cmd);
        return CLI_USAGE;
    }
    mcx_mikey_ctx *c = NULL;
    mcx_err e = mcx_mikey_ctx_new(&c, &k->cert);
    if (e != MCX_OK)
        return cli_fail(cmd, "KMS certificate", e);
    for (size_t i = 0; i < k->n_extra; i++) {
        if ((e = mcx_mikey_ctx_add_kms(c, &k->extra[i])) != MCX_OK) {
            mcx_mikey_ctx_free(c);
            return cli_fail(cmd, "--kms-cert", e);
        }
    }
    for (size_t i = 0; i < k->n_sets; i++) {
        if ((e = mcx_mikey_ctx_add_keyset(c, &k->sets[i])) != MCX_OK) {
            mcx_mikey_ctx_free(c);
            return cli_fail(cmd, "key set", e);
        }
    }
    *ctx = c;
    return CLI_OK;
}

void cli_keys_wipe(struct cli_keys *k)
{
    mcx_wipe(k->sets, sizeof k->sets);
    k->n_sets = 0;
}

int cli_time(const char *cmd, const char *what, const char *s, int64_t *out)
{
    if (mcx_time_parse(s, out) != MCX_OK) {
        cli_error("mcxsec %s: %s: '%s' is not an ISO-8601 time like 2025-10-03T12:00:00Z\n", cmd,
                  what, s);
        return CLI_USAGE;
    }
    return CLI_OK;
}

int cli_time_or_now(const char *cmd, const struct cli_args *a, int64_t *out)
{
    const char *at = cli_get(a, "at");
    if (at != NULL)
        return cli_time(cmd, "--at", at, out);
    *out = (int64_t)time(NULL);
    return CLI_OK;
}

void cli_time_fmt(int64_t t, char buf[32])
{
    if (mcx_time_format(t, buf) != MCX_OK) /* outside years 1..9999: print the raw seconds */
        snprintf(buf, 32, "@%lld", (long long)t);
}

void cli_ntp_fmt(uint64_t ntp, char buf[32])
{
    cli_time_fmt((int64_t)(ntp >> 32) - (int64_t)MCX_NTP_UNIX_OFFSET, buf);
}

int cli_key_id(const char *cmd, const char *what, const char *s, uint32_t *out)
{
    if (strncmp(s, "0x", 2) == 0 || strncmp(s, "0X", 2) == 0)
        s += 2;
    uint8_t b[4];
    int rc = cli_hex_exact(cmd, what, s, b, 4);
    if (rc != CLI_OK)
        return rc;
    *out = ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
    return CLI_OK;
}
