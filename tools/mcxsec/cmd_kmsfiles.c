/*
 * mcxsec kms keygen | issue — KMS master keys and user key sets as TS 33.180 Annex D documents
 * (include/mcxsec/kmsxml.h; docs/key-files.md):
 *   keygen: SAKKE z / Z (RFC 6508 §2.2) and ECCSI KSAK / KPAK (RFC 6507 §4.2) -> a KmsCertificate
 *           and a master-secret file (not an Annex D document: "name = hex" lines, mode 0600);
 *   issue:  for a user URI and key period: UID (F.2.1), RSK (RFC 6508 §6.1.1), SSK/PVT
 *           (RFC 6507 §5.1.1) -> a KmsKeySet (mode 0600).
 */
#include "cmd_kmsfiles.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_keys.h"
#include "mcxsec/eccsi.h"
#include "mcxsec/kdf.h"
#include "mcxsec/kmsxml.h"
#include "mcxsec/sakke.h"
#include "mcxsec/util.h"

static int write_file(const char *cmd, const char *path, const char *data, size_t len, int secret)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, secret ? 0600 : 0644);
    if (fd < 0) {
        fprintf(stderr, "mcxsec %s: cannot write %s\n", cmd, path);
        return CLI_FAILURE;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    if (close(fd) != 0 || off != len) {
        fprintf(stderr, "mcxsec %s: cannot write %s\n", cmd, path);
        return CLI_FAILURE;
    }
    return CLI_OK;
}

int cmd_kms_keygen(int argc, char **argv)
{
    static const struct cli_optspec spec[] = {{"kms-uri", 1, 0}, {"period", 1, 0}, {"offset", 1, 0},
                                              {"valid-from", 1, 0}, {"valid-to", 1, 0},
                                              {"cert-out", 1, 0}, {"master-out", 1, 0},
                                              {"role", 1, 0}, {NULL, 0, 0}};
    const char *cmd = "kms keygen";
    struct cli_args a;
    int rc = cli_parse(&a, cmd, spec, argc, argv);
    if (rc != CLI_OK)
        return rc;
    const char *uri = cli_require(&a, cmd, "kms-uri"), *co = cli_require(&a, cmd, "cert-out"),
               *mo = cli_require(&a, cmd, "master-out"), *s;
    if (uri == NULL || co == NULL || mo == NULL)
        return CLI_USAGE;
    struct mcx_kms_cert c;
    mcx_kms_cert_init(&c);
    if (strlen(uri) >= sizeof c.kms_uri) {
        fprintf(stderr, "mcxsec %s: --kms-uri too long\n", cmd);
        return CLI_USAGE;
    }
    snprintf(c.kms_uri, sizeof c.kms_uri, "%s", uri);
    c.user_key_period = 2592000; /* 30 days */
    if ((s = cli_get(&a, "period")) != NULL && ((rc = cli_u64(cmd, "--period", s, &c.user_key_period)) != CLI_OK || c.user_key_period == 0))
        return CLI_USAGE;
    if ((s = cli_get(&a, "offset")) != NULL && (rc = cli_u64(cmd, "--offset", s, &c.user_key_offset)) != CLI_OK)
        return rc;
    if ((s = cli_get(&a, "valid-from")) != NULL && (rc = cli_time(cmd, "--valid-from", s, &c.valid_from)) != CLI_OK)
        return rc;
    if ((s = cli_get(&a, "valid-to")) != NULL && (rc = cli_time(cmd, "--valid-to", s, &c.valid_to)) != CLI_OK)
        return rc;
    if ((s = cli_get(&a, "role")) != NULL) {
        if (strcmp(s, "external") == 0)
            c.role = MCX_KMS_ROLE_EXTERNAL;
        else if (strcmp(s, "root") != 0) {
            fprintf(stderr, "mcxsec %s: --role must be root or external\n", cmd);
            return CLI_USAGE;
        }
    }
    uint8_t z[MCX_SAKKE_SCALAR_BYTES], ksak[MCX_ECCSI_SCALAR_BYTES];
    mcx_err e = mcx_sakke_kms_keygen(z, c.pub_enc_key);
    if (e == MCX_OK)
        e = mcx_eccsi_kms_keygen(ksak, c.pub_auth_key);
    if (e != MCX_OK) {
        mcx_wipe(z, sizeof z);
        mcx_wipe(ksak, sizeof ksak);
        return cli_fail(cmd, "keygen", e);
    }
    char *zh = cli_hex_str(z, sizeof z), *kh = cli_hex_str(ksak, sizeof ksak);
    mcx_wipe(z, sizeof z);
    mcx_wipe(ksak, sizeof ksak);
    char master[1024];
    int ml = snprintf(master, sizeof master,
                      "# mcxsec KMS master secrets for %s: keep private (SAKKE z, ECCSI KSAK)\n"
                      "kms_uri = %s\nz = %s\nksak = %s\n",
                      uri, uri, zh ? zh : "", kh ? kh : "");
    if (zh)
        mcx_wipe(zh, strlen(zh));
    if (kh)
        mcx_wipe(kh, strlen(kh));
    free(zh);
    free(kh);
    char *xml = NULL;
    size_t xl = 0;
    if ((e = mcx_kmsxml_write_cert(&c, &xml, &xl)) != MCX_OK) {
        mcx_wipe(master, sizeof master);
        return cli_fail(cmd, "certificate", e);
    }
    rc = write_file(cmd, co, xml, xl, 0);
    if (rc == CLI_OK)
        rc = write_file(cmd, mo, master, (size_t)ml, 1);
    mcx_wipe(master, sizeof master);
    mcx_kmsxml_free(xml, xl);
    if (rc != CLI_OK)
        return rc;
    struct cli_out o;
    cli_out_init(&o, a.json);
    cli_out_str(&o, "kms_uri", uri);
    cli_out_str(&o, "cert", co);
    cli_out_str(&o, "master", mo);
    cli_out_hex(&o, "kpak", c.pub_auth_key, sizeof c.pub_auth_key);
    cli_out_flush(&o);
    return CLI_OK;
}

/* Read the master-secret file written by keygen. */
static int read_master(const char *cmd, const char *path, char *kms_uri, size_t cap,
                       uint8_t z[MCX_SAKKE_SCALAR_BYTES], uint8_t ksak[MCX_ECCSI_SCALAR_BYTES])
{
    uint8_t *buf;
    size_t len;
    int rc = cli_read_file(cmd, path, 65536, &buf, &len);
    if (rc != CLI_OK)
        return rc;
    int have = 0;
    char *save = NULL;
    for (char *line = strtok_r((char *)buf, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#')
            continue;
        if (strncmp(line, "kms_uri = ", 10) == 0 && strlen(line + 10) < cap) {
            snprintf(kms_uri, cap, "%s", line + 10);
            have |= 1;
        } else if (strncmp(line, "z = ", 4) == 0) {
            if ((rc = cli_hex_exact(cmd, "master z", line + 4, z, MCX_SAKKE_SCALAR_BYTES)) != CLI_OK)
                break;
            have |= 2;
        } else if (strncmp(line, "ksak = ", 7) == 0) {
            if ((rc = cli_hex_exact(cmd, "master ksak", line + 7, ksak, MCX_ECCSI_SCALAR_BYTES)) != CLI_OK)
                break;
            have |= 4;
        }
    }
    mcx_wipe(buf, len);
    free(buf);
    if (rc == CLI_OK && have != 7) {
        fprintf(stderr, "mcxsec %s: %s: not a master-secret file (needs kms_uri, z, ksak)\n", cmd, path);
        rc = CLI_USAGE;
    }
    return rc;
}

int cmd_kms_issue(int argc, char **argv)
{
    static const struct cli_optspec spec[] = {{"cert", 1, 0}, {"master", 1, 0}, {"user", 1, 0},
                                              {"at", 1, 0}, {"period-no", 1, 0}, {"out", 1, 0},
                                              {NULL, 0, 0}};
    const char *cmd = "kms issue";
    struct cli_args a;
    int rc = cli_parse(&a, cmd, spec, argc, argv);
    if (rc != CLI_OK)
        return rc;
    const char *mp = cli_require(&a, cmd, "master"), *user = cli_require(&a, cmd, "user"),
               *out = cli_require(&a, cmd, "out"), *s;
    if (mp == NULL || user == NULL || out == NULL)
        return CLI_USAGE;
    struct cli_keys k;
    if ((rc = cli_keys_load(cmd, &a, 1, &k)) != CLI_OK)
        return rc;
    const struct mcx_kms_cert *c = &k.cert;
    struct mcx_kms_keyset ks;
    mcx_kms_keyset_init(&ks);
    char muri[MCX_URI_MAX];
    uint8_t z[MCX_SAKKE_SCALAR_BYTES], ksak[MCX_ECCSI_SCALAR_BYTES], pub[MCX_ECCSI_POINT_BYTES];
    if ((rc = read_master(cmd, mp, muri, sizeof muri, z, ksak)) != CLI_OK)
        goto out;
    mcx_err e;
    /* the master secrets must belong to this certificate */
    if (strcmp(muri, c->kms_uri) != 0 || mcx_eccsi_kms_public(ksak, pub) != MCX_OK ||
        memcmp(pub, c->pub_auth_key, sizeof pub) != 0) {
        fprintf(stderr, "mcxsec %s: %s does not belong to the KMS certificate\n", cmd, mp);
        rc = CLI_USAGE;
        goto out;
    }
    if (strlen(user) >= sizeof ks.user_uri || user[0] == '\0') {
        fprintf(stderr, "mcxsec %s: bad --user\n", cmd);
        rc = CLI_USAGE;
        goto out;
    }
    uint64_t no;
    if ((s = cli_get(&a, "period-no")) != NULL) {
        if ((rc = cli_u64(cmd, "--period-no", s, &no)) != CLI_OK)
            goto out;
    } else {
        int64_t now;
        if ((rc = cli_time_or_now(cmd, &a, &now)) != CLI_OK)
            goto out;
        if ((e = mcx_key_period_no((uint64_t)(now + (int64_t)MCX_NTP_UNIX_OFFSET), c->user_key_period,
                                   c->user_key_offset, &no)) != MCX_OK) {
            rc = cli_fail(cmd, "key period", e);
            goto out;
        }
    }
    snprintf(ks.kms_uri, sizeof ks.kms_uri, "%s", c->kms_uri);
    snprintf(ks.user_uri, sizeof ks.user_uri, "%s", user);
    ks.key_period_no = no;
    uint64_t start;
    if ((e = mcx_uid(user, c->kms_uri, c->user_key_period, c->user_key_offset, no, ks.user_id)) != MCX_OK ||
        (e = mcx_key_period_start(no, c->user_key_period, c->user_key_offset, &start)) != MCX_OK ||
        (e = mcx_sakke_kms_issue(z, ks.user_id, 32, ks.rsk)) != MCX_OK ||
        (e = mcx_eccsi_kms_issue(ksak, ks.user_id, 32, ks.ssk, ks.pvt)) != MCX_OK) {
        rc = cli_fail(cmd, "issue", e);
        goto out;
    }
    ks.valid_from = (int64_t)start - (int64_t)MCX_NTP_UNIX_OFFSET;
    ks.valid_to = ks.valid_from + (int64_t)c->user_key_period - 1;
    char *xml = NULL;
    size_t xl = 0;
    if ((e = mcx_kmsxml_write_keyset(&ks, &xml, &xl)) != MCX_OK) {
        rc = cli_fail(cmd, "key set", e);
        goto out;
    }
    rc = write_file(cmd, out, xml, xl, 1);
    mcx_kmsxml_free(xml, xl);
    if (rc == CLI_OK) {
        struct cli_out o;
        char t[32];
        cli_out_init(&o, a.json);
        cli_out_str(&o, "user", user);
        cli_out_u64(&o, "key_period_no", no);
        cli_out_hex(&o, "uid", ks.user_id, 32);
        cli_time_fmt(ks.valid_from, t);
        cli_out_str(&o, "valid_from", t);
        cli_time_fmt(ks.valid_to, t);
        cli_out_str(&o, "valid_to", t);
        cli_out_str(&o, "out", out);
        cli_out_flush(&o);
    }
out:
    mcx_wipe(z, sizeof z);
    mcx_wipe(ksak, sizeof ksak);
    mcx_wipe(&ks, sizeof ks);
    cli_keys_wipe(&k);
    return rc;
}
