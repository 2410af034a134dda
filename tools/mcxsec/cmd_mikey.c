/*
 * mcxsec mikey — MIKEY-SAKKE I_MESSAGEs (TS 33.180 Annex E) and GSK messages from the command line:
 * dump, create, open, gsk-create, gsk-open, gmk-bulk. Key files are the Annex D documents
 * (--cert CERT.xml --keyset KEYSET.xml, loaded by cli_keys.c). Times are ISO-8601 UTC.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcxsec/util.h"
#include "mikey_cli.h"

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: mcxsec mikey <sub-command> [options]\n"
        "  dump [--json] [--cert CERT.xml --keyset KEYSET.xml [--at TIME]] MSG\n"
        "      annotated decode of any MIKEY message (raw, hex, base64 or SDP a=key-mgmt:mikey);\n"
        "      with key files also verifies it and prints the decrypted key\n"
        "  create --purpose PURPOSE --cert CERT.xml --keyset SENDER.xml --to URI [--to-cert "
        "CERT.xml]\n"
        "         [--key HEX] [--key-id HEX] [--at TIME] [--activation TIME] [--expiry TIME]\n"
        "         [--group-id ID]... [--text TEXT] [--revoked] [--params] [--hide-ids]\n"
        "         [--sakke-to-self] [--cs-id N | --no-cs] [--out FILE] [--format "
        "base64|hex|sdp|raw]\n"
        "      PURPOSE: gmk pck csk (= csk-upload) csk-download spk mkfc mscck musik (= msk)\n"
        "  open --cert CERT.xml --keyset RECEIVER.xml [--kms-cert CERT.xml]... [--at TIME]\n"
        "       [--purpose P] [--window SECONDS] [--from URI] [--accept-pending] [--self] MSG\n"
        "      prints key=, key_id=, purpose=, rand=, parameters (the key IS printed)\n"
        "  gsk-create --gmk HEX --gmk-id HEX [--gsk HEX] [--gsk-id HEX] [--cert CERT.xml --keyset "
        "SIGNER.xml]\n"
        "             [--activation TIME] [--expiry TIME] [--at TIME] [--out FILE] [--format ...]\n"
        "  gsk-open --gmk HEX --gmk-id HEX [--gmk-activation TIME] [--gmk-expiry TIME]\n"
        "           [--cert CERT.xml [--kms-cert CERT.xml]...] [--require-signature] [--signer "
        "URI]...\n"
        "           [--window SECONDS] [--max-lifetime SECONDS] [--accept-pending] [--at TIME] "
        "MSG\n"
        "  gmk-bulk --cert CERT.xml --keyset GMS.xml --members FILE --out DIR [--key HEX --key-id "
        "HEX]\n"
        "           [--threads N] [--at TIME] [--params] [--group-id ID]\n"
        "Times are ISO-8601 UTC, e.g. 2025-10-03T12:00:00Z. Exit: 0 ok, 1 verification failed,\n"
        "2 bad usage or input (incl. a rejected message: revoked, expired, not yet active), 3 "
        "internal failure.\n");
}

/* Write a message to --out (raw, mode 0644) or stdout in --format (default base64). */
static int emit_msg(const char *cmd, const struct cli_args *a, struct cli_out *o,
                    const uint8_t *msg, size_t len)
{
    const char *out = cli_get(a, "out");
    const char *fmt = cli_get(a, "format");
    if (fmt == NULL)
        fmt = out ? "raw" : "base64";
    char *text = NULL;
    if (strcmp(fmt, "raw") == 0) {
        if (out == NULL) {
            cli_error("mcxsec %s: --format raw needs --out FILE\n", cmd);
            return CLI_USAGE;
        }
    } else if (strcmp(fmt, "hex") == 0) {
        text = cli_hex_str(msg, len);
    } else if (strcmp(fmt, "base64") == 0) {
        text = mikey_b64(msg, len);
    } else if (strcmp(fmt, "sdp") == 0) {
        char *b = mikey_b64(msg, len);
        if (b != NULL) {
            size_t n = strlen(b) + 32;
            text = malloc(n);
            if (text != NULL)
                snprintf(text, n, "a=key-mgmt:mikey %s", b);
            free(b);
        }
    } else {
        cli_error("mcxsec %s: --format must be raw, hex, base64 or sdp\n", cmd);
        return CLI_USAGE;
    }
    if (out != NULL) {
        FILE *f = fopen(out, "wb");
        int ok = f != NULL;
        if (ok) {
            if (text != NULL)
                ok = fprintf(f, "%s\n", text) > 0;
            else
                ok = fwrite(msg, 1, len, f) == len;
            ok = (fclose(f) == 0) && ok;
        }
        free(text);
        if (!ok) {
            cli_error("mcxsec %s: cannot write %s\n", cmd, out);
            return CLI_FAILURE;
        }
        cli_out_str(o, "out", out);
        cli_out_u64(o, "length", len);
        return CLI_OK;
    }
    if (text == NULL)
        return CLI_FAILURE;
    cli_out_str(o, "message", text);
    free(text);
    return CLI_OK;
}

static int parse_key16(const char *cmd, const char *what, const char *hex, uint8_t out[16])
{
    return cli_hex_exact(cmd, what, hex, out, 16);
}

static int opt_time_ntp(const char *cmd, const struct cli_args *a, const char *name, uint64_t *ntp)
{
    const char *s = cli_get(a, name);
    char what[40];
    int64_t t;
    int rc;
    *ntp = 0;
    if (s == NULL)
        return CLI_OK;
    snprintf(what, sizeof what, "--%s", name);
    if ((rc = cli_time(cmd, what, s, &t)) != CLI_OK)
        return rc;
    if (t + (int64_t)MCX_NTP_UNIX_OFFSET <= 0 || t + (int64_t)MCX_NTP_UNIX_OFFSET > UINT32_MAX) {
        fprintf(stderr, "mcxsec %s: %s: outside the NTP era\n", cmd, what);
        return CLI_USAGE;
    }
    *ntp = (uint64_t)(t + (int64_t)MCX_NTP_UNIX_OFFSET);
    return CLI_OK;
}

static int opt_seconds(const char *cmd, const struct cli_args *a, const char *name, uint32_t *v)
{
    const char *s = cli_get(a, name);
    char what[40];
    uint64_t u;
    int rc;
    if (s == NULL)
        return CLI_OK;
    snprintf(what, sizeof what, "--%s", name);
    if ((rc = cli_u64(cmd, what, s, &u)) != CLI_OK)
        return rc;
    if (u > UINT32_MAX) {
        fprintf(stderr, "mcxsec %s: %s out of range\n", cmd, what);
        return CLI_USAGE;
    }
    *v = (uint32_t)u;
    return CLI_OK;
}

static int fill_params(const char *cmd, const struct cli_args *a, struct mcx_key_params *kp)
{
    memset(kp, 0, sizeof *kp);
    kp->status = cli_flag(a, "revoked") ? 0 : MCX_KEY_STATUS_NOT_REVOKED;
    int rc;
    const char *s;
    if ((rc = opt_time_ntp(cmd, a, "activation", &kp->activation)) != CLI_OK ||
        (rc = opt_time_ntp(cmd, a, "expiry", &kp->expiry)) != CLI_OK)
        return rc;
    if ((s = cli_get(a, "text")) != NULL) {
        if (strlen(s) > MCX_KEY_PARAMS_TEXT_MAX) {
            cli_error("mcxsec %s: --text longer than %d octets\n", cmd, MCX_KEY_PARAMS_TEXT_MAX);
            return CLI_USAGE;
        }
        snprintf(kp->text, sizeof kp->text, "%s", s);
    }
    for (size_t i = 0; (s = cli_get_nth(a, "group-id", i)) != NULL; i++) {
        if (i == MCX_KEY_PARAMS_MAX_GROUPS || strlen(s) == 0 ||
            strlen(s) >= MCX_KEY_PARAMS_GROUP_MAX) {
            cli_error("mcxsec %s: --group-id: at most %d ids of 1..%d octets\n", cmd,
                      MCX_KEY_PARAMS_MAX_GROUPS, MCX_KEY_PARAMS_GROUP_MAX - 1);
            return CLI_USAGE;
        }
        snprintf(kp->groups[i], sizeof kp->groups[i], "%s", s);
        kp->n_groups = i + 1;
    }
    return CLI_OK;
}

static void out_params(struct cli_out *o, const struct mcx_key_params *kp)
{
    char t[32];
    cli_out_u64(o, "key_type", kp->key_type);
    cli_out_bool(o, "revoked", !(kp->status & MCX_KEY_STATUS_NOT_REVOKED));
    cli_out_u64(o, "status", kp->status);
    if (kp->activation) {
        cli_ntp_fmt(kp->activation << 32, t);
        cli_out_str(o, "activation", t);
    }
    if (kp->expiry) {
        cli_ntp_fmt(kp->expiry << 32, t);
        cli_out_str(o, "expiry", t);
    }
    cli_out_str(o, "text", kp->text);
    for (size_t i = 0; i < kp->n_groups; i++)
        cli_out_str(o, "group_id", kp->groups[i]);
}

static void out_validity(struct cli_out *o, const struct mcx_gsk_result *r)
{
    char t[32];
    if (r->expiry == 0)
        return;
    if (r->activation) {
        cli_ntp_fmt(r->activation << 32, t);
        cli_out_str(o, "activation", t);
    }
    cli_ntp_fmt(r->expiry << 32, t);
    cli_out_str(o, "expiry", t);
    cli_out_bool(o, "pending", r->pending);
}

static int cmd_create(int argc, char **argv)
{
    static const struct cli_optspec spec[] = {CLI_KEYS_OPTS,
                                              {"purpose", 1, 0},
                                              {"to", 1, 0},
                                              {"to-cert", 1, 0},
                                              {"key", 1, 0},
                                              {"key-id", 1, 0},
                                              {"at", 1, 0},
                                              {"activation", 1, 0},
                                              {"expiry", 1, 0},
                                              {"group-id", 1, 1},
                                              {"text", 1, 0},
                                              {"revoked", 0, 0},
                                              {"params", 0, 0},
                                              {"hide-ids", 0, 0},
                                              {"cs-id", 1, 0},
                                              {"no-cs", 0, 0},
                                              {"out", 1, 0},
                                              {"format", 1, 0},
                                              {"sakke-to-self", 0, 0},
                                              {NULL, 0, 0}};
    const char *cmd = "mikey create";
    struct cli_args a;
    int rc = cli_parse(&a, cmd, spec, argc, argv);
    if (rc != CLI_OK)
        return rc;
    const char *ps = cli_require(&a, cmd, "purpose"), *to = cli_require(&a, cmd, "to");
    if (ps == NULL || to == NULL)
        return CLI_USAGE;
    int purpose = mcx_purpose_from_name(ps);
    if (purpose < 0) {
        cli_error("mcxsec %s: unknown --purpose '%s'\n", cmd, ps);
        return CLI_USAGE;
    }
    struct mcx_mikey_create_args ca;
    memset(&ca, 0, sizeof ca);
    uint8_t key[16], msg[MCX_MIKEY_MAX_MSG];
    ca.purpose = (enum mcx_purpose)purpose;
    ca.responder_uri = to;
    /* TS 33.180 Table E.1.3-1: GMK 4, CSK 6, MuSiK 7; the others have no single CS-ID (PCK: 0/1
     * per call direction; SPK, MKFC, MSCCK: none), so they get #CS = 0 unless --cs-id is given */
    int cs = mcx_purpose_cs_id((unsigned)purpose);
    ca.cs_id = cs < 0 ? 0 : (uint8_t)cs;
    ca.no_cs = cli_flag(&a, "no-cs") || (cs < 0 && cli_get(&a, "cs-id") == NULL);
    ca.hide_identities = cli_flag(&a, "hide-ids");
    ca.sakke_to_self = cli_flag(&a, "sakke-to-self");
    const char *s;
    if ((s = cli_get(&a, "cs-id")) != NULL) {
        uint64_t v;
        if ((rc = cli_u64(cmd, "--cs-id", s, &v)) != CLI_OK)
            return rc;
        if (v > 255) {
            cli_error("mcxsec %s: --cs-id out of range\n", cmd);
            return CLI_USAGE;
        }
        ca.cs_id = (uint8_t)v;
    }
    if ((s = cli_get(&a, "key")) != NULL) {
        if ((rc = parse_key16(cmd, "--key", s, key)) != CLI_OK)
            return rc;
        ca.key = key;
    }
    if ((s = cli_get(&a, "key-id")) != NULL &&
        (rc = cli_key_id(cmd, "--key-id", s, &ca.key_id)) != CLI_OK)
        return rc;
    if ((rc = cli_time_or_now(cmd, &a, &ca.now)) != CLI_OK)
        return rc;
    ca.include_params = cli_flag(&a, "params") || cli_get(&a, "activation") ||
                        cli_get(&a, "expiry") || cli_get(&a, "group-id") || cli_get(&a, "text") ||
                        cli_flag(&a, "revoked");
    if (ca.include_params && (rc = fill_params(cmd, &a, &ca.params)) != CLI_OK)
        return rc;
    if (ca.include_params &&
        (purpose == MCX_PURPOSE_GMK || purpose == MCX_PURPOSE_MKFC || purpose == MCX_PURPOSE_MUSIK))
        ca.params.has_groups = 1;
    struct cli_keys k;
    if ((rc = cli_keys_load(cmd, &a, 2, &k)) != CLI_OK)
        return rc;
    if ((s = cli_get(&a, "to-cert")) != NULL) {
        uint8_t *buf;
        if (k.n_extra == sizeof k.extra / sizeof k.extra[0]) {
            cli_keys_wipe(&k);
            cli_error("mcxsec %s: too many KMS certificates\n", cmd);
            return CLI_USAGE;
        }
        size_t bl;
        if ((rc = cli_read_file(cmd, s, MCX_KMSXML_MAX_BYTES, &buf, &bl)) != CLI_OK) {
            cli_keys_wipe(&k);
            return rc;
        }
        mcx_err e = mcx_kmsxml_read_cert((const char *)buf, bl, &k.extra[k.n_extra]);
        free(buf);
        if (e != MCX_OK) {
            cli_keys_wipe(&k);
            return cli_fail(cmd, s, e);
        }
        ca.responder_kms = k.extra[k.n_extra].kms_uri;
        k.n_extra++;
    }
    mcx_mikey_ctx *ctx = NULL;
    rc = cli_keys_ctx(cmd, &k, &ctx);
    cli_keys_wipe(&k);
    if (rc != CLI_OK)
        return rc;
    struct mcx_mikey_result r;
    size_t ml = sizeof msg;
    mcx_err e = mcx_mikey_create(ctx, &ca, msg, &ml, &r);
    mcx_mikey_ctx_free(ctx);
    mcx_wipe(key, sizeof key);
    if (e != MCX_OK)
        return cli_fail(cmd, "create", e);
    struct cli_out o;
    cli_out_init(&o, a.json);
    if ((rc = emit_msg(cmd, &a, &o, msg, ml)) == CLI_OK) {
        char id[16];
        cli_out_str(&o, "purpose", mcx_purpose_name(r.purpose));
        cli_out_hex(&o, "key", r.key, 16);
        snprintf(id, sizeof id, "%08x", r.key_id);
        cli_out_str(&o, "key_id", id);
        snprintf(id, sizeof id, "%08x", r.csb_id);
        cli_out_str(&o, "csb_id", id);
        cli_out_hex(&o, "rand", r.rand, r.rand_len);
        cli_out_flush(&o);
    }
    mcx_wipe(&r, sizeof r);
    return rc;
}

static int cmd_open(int argc, char **argv)
{
    static const struct cli_optspec spec[] = {CLI_KEYS_OPTS,     {"at", 1, 0},
                                              {"purpose", 1, 0}, {"window", 1, 0},
                                              {"from", 1, 0},    {"accept-pending", 0, 0},
                                              {"self", 0, 0},    {NULL, 0, 0}};
    const char *cmd = "mikey open";
    struct cli_args a;
    int rc = cli_parse(&a, cmd, spec, argc, argv);
    if (rc != CLI_OK)
        return rc;
    if (a.npos != 1) {
        usage(stderr);
        return CLI_USAGE;
    }
    int expect = MCX_MIKEY_ANY_PURPOSE;
    const char *s;
    if ((s = cli_get(&a, "purpose")) != NULL && (expect = mcx_purpose_from_name(s)) < 0) {
        cli_error("mcxsec %s: unknown --purpose '%s'\n", cmd, s);
        return CLI_USAGE;
    }
    int64_t now;
    if ((rc = cli_time_or_now(cmd, &a, &now)) != CLI_OK)
        return rc;
    uint8_t *msg;
    size_t len;
    enum mikey_form form;
    if ((rc = mikey_read_msg(cmd, a.pos[0], &msg, &len, &form)) != CLI_OK)
        return rc;
    struct cli_keys k;
    mcx_mikey_ctx *ctx = NULL;
    if ((rc = cli_keys_load(cmd, &a, 2, &k)) == CLI_OK)
        rc = cli_keys_ctx(cmd, &k, &ctx);
    cli_keys_wipe(&k);
    if (rc != CLI_OK) {
        free(msg);
        return rc;
    }
    uint32_t w = MCX_MIKEY_DEFAULT_WINDOW;
    if ((rc = opt_seconds(cmd, &a, "window", &w)) != CLI_OK) {
        mcx_mikey_ctx_free(ctx);
        free(msg);
        return rc;
    }
    mcx_mikey_ctx_set_window(ctx, w);
    mcx_mikey_ctx_set_accept_pending(ctx, cli_flag(&a, "accept-pending"));
    struct mcx_mikey_result r;
    /* --self: this device belongs to the initiator and recovers the key from SAKKE-to-self */
    mcx_err e = cli_flag(&a, "self") ? mcx_mikey_process_self(ctx, msg, len, expect, now, &r)
                                     : mcx_mikey_process(ctx, msg, len, expect, now, &r);
    /* --from: the initiator must be this identity (e.g. the MCX server's MDSI for a key
     * download); for a hidden initiator this is the E.7 post-check */
    const char *from = cli_get(&a, "from");
    if (e == MCX_OK && from != NULL &&
        (e = mcx_mikey_check_initiator(ctx, &r, from, NULL)) != MCX_OK)
        mcx_wipe(&r, sizeof r);
    mcx_mikey_ctx_free(ctx);
    free(msg);
    if (e != MCX_OK)
        return cli_fail(cmd, "message rejected", e);
    struct cli_out o;
    char id[16], t[32];
    cli_out_init(&o, a.json);
    cli_out_hex(&o, "key", r.key, 16);
    snprintf(id, sizeof id, "%08x", r.key_id);
    cli_out_str(&o, "key_id", id);
    cli_out_str(&o, "purpose", mcx_purpose_name(r.purpose));
    cli_out_hex(&o, "rand", r.rand, r.rand_len);
    snprintf(id, sizeof id, "%08x", r.csb_id);
    cli_out_str(&o, "csb_id", id);
    if (r.cs_id != 0xFF)
        cli_out_u64(&o, "cs_id", r.cs_id);
    cli_ntp_fmt(r.t_ntp, t);
    cli_out_str(&o, "time", t);
    cli_out_str(&o, "initiator", r.initiator_uri);
    cli_out_hex(&o, "initiator_uid", r.initiator_uid, 32);
    if (r.has_params) {
        out_params(&o, &r.params);
        cli_out_bool(&o, "pending", r.pending);
    }
    cli_out_flush(&o);
    mcx_wipe(&r, sizeof r);
    return CLI_OK;
}

static int cmd_gsk_create(int argc, char **argv)
{
    static const struct cli_optspec spec[] = {
        CLI_KEYS_OPTS,        {"gmk", 1, 0},    {"gmk-id", 1, 0}, {"gsk", 1, 0},
        {"gsk-id", 1, 0},     {"at", 1, 0},     {"out", 1, 0},    {"format", 1, 0},
        {"activation", 1, 0}, {"expiry", 1, 0}, {NULL, 0, 0}};
    const char *cmd = "mikey gsk-create";
    struct cli_args a;
    int rc = cli_parse(&a, cmd, spec, argc, argv);
    if (rc != CLI_OK)
        return rc;
    const char *gs = cli_require(&a, cmd, "gmk"), *gi = cli_require(&a, cmd, "gmk-id"), *s;
    if (gs == NULL || gi == NULL)
        return CLI_USAGE;
    struct mcx_gsk_create_args ga;
    memset(&ga, 0, sizeof ga);
    uint8_t gmk[16], gsk[16], msg[MCX_MIKEY_MAX_MSG];
    if ((rc = parse_key16(cmd, "--gmk", gs, gmk)) != CLI_OK ||
        (rc = cli_key_id(cmd, "--gmk-id", gi, &ga.gmk_id)) != CLI_OK)
        return rc;
    ga.gmk = gmk;
    if ((s = cli_get(&a, "gsk")) != NULL) {
        if ((rc = parse_key16(cmd, "--gsk", s, gsk)) != CLI_OK)
            return rc;
        ga.gsk = gsk;
    }
    if ((s = cli_get(&a, "gsk-id")) != NULL &&
        (rc = cli_key_id(cmd, "--gsk-id", s, &ga.gsk_id)) != CLI_OK)
        return rc;
    if ((rc = cli_time_or_now(cmd, &a, &ga.now)) != CLI_OK ||
        (rc = opt_time_ntp(cmd, &a, "activation", &ga.activation)) != CLI_OK ||
        (rc = opt_time_ntp(cmd, &a, "expiry", &ga.expiry)) != CLI_OK)
        return rc;
    if (ga.activation != 0 && ga.expiry == 0) {
        fprintf(stderr, "mcxsec %s: --activation needs --expiry\n", cmd);
        return CLI_USAGE;
    }
    mcx_mikey_ctx *ctx = NULL;
    if (cli_get(&a, "cert") != NULL || cli_get(&a, "keyset") != NULL ||
        cli_get(&a, "keystore") != NULL) {
        struct cli_keys k;
        if ((rc = cli_keys_load(cmd, &a, 2, &k)) == CLI_OK)
            rc = cli_keys_ctx(cmd, &k, &ctx);
        cli_keys_wipe(&k);
        if (rc != CLI_OK)
            return rc;
        ga.signer = ctx;
    }
    struct mcx_gsk_result r;
    size_t ml = sizeof msg;
    mcx_err e = mcx_gsk_create(&ga, msg, &ml, &r);
    mcx_mikey_ctx_free(ctx);
    mcx_wipe(gmk, sizeof gmk);
    mcx_wipe(gsk, sizeof gsk);
    if (e != MCX_OK)
        return cli_fail(cmd, "create", e);
    struct cli_out o;
    cli_out_init(&o, a.json);
    if ((rc = emit_msg(cmd, &a, &o, msg, ml)) == CLI_OK) {
        char id[16];
        cli_out_hex(&o, "gsk", r.gsk, 16);
        snprintf(id, sizeof id, "%08x", r.gsk_id);
        cli_out_str(&o, "gsk_id", id);
        snprintf(id, sizeof id, "%08x", r.gmk_id);
        cli_out_str(&o, "gmk_id", id);
        cli_out_hex(&o, "rand", r.rand, r.rand_len);
        cli_out_bool(&o, "signed", r.signed_msg);
        out_validity(&o, &r);
        cli_out_flush(&o);
    }
    mcx_wipe(&r, sizeof r);
    return rc;
}

struct gsk_table {
    struct mcx_gsk_gmk gmk;
    uint32_t gmk_id;
};

static mcx_err gsk_lookup(void *arg, uint32_t id, struct mcx_gsk_gmk *gmk)
{
    const struct gsk_table *t = arg;
    if (id != t->gmk_id)
        return MCX_ERR_NOT_FOUND;
    *gmk = t->gmk;
    return MCX_OK;
}

static int gsk_policy(void *arg, const char *uri, const uint8_t uid[32])
{
    (void)uid;
    const struct cli_args *a = arg;
    if (cli_get(a, "signer") == NULL)
        return 1;
    for (size_t i = 0; cli_get_nth(a, "signer", i) != NULL; i++)
        if (strcmp(cli_get_nth(a, "signer", i), uri) == 0)
            return 1;
    return 0;
}

static int cmd_gsk_open(int argc, char **argv)
{
    static const struct cli_optspec spec[] = {CLI_KEYS_OPTS,
                                              {"gmk", 1, 0},
                                              {"gmk-id", 1, 0},
                                              {"gmk-activation", 1, 0},
                                              {"gmk-expiry", 1, 0},
                                              {"require-signature", 0, 0},
                                              {"signer", 1, 1},
                                              {"at", 1, 0},
                                              {"window", 1, 0},
                                              {"max-lifetime", 1, 0},
                                              {"accept-pending", 0, 0},
                                              {NULL, 0, 0}};
    const char *cmd = "mikey gsk-open";
    struct cli_args a;
    int rc = cli_parse(&a, cmd, spec, argc, argv);
    if (rc != CLI_OK)
        return rc;
    const char *gs = cli_require(&a, cmd, "gmk"), *gi = cli_require(&a, cmd, "gmk-id");
    if (gs == NULL || gi == NULL || a.npos != 1) {
        if (a.npos != 1)
            usage(stderr);
        return CLI_USAGE;
    }
    struct gsk_table t;
    struct mcx_gsk_process_args pa;
    memset(&t, 0, sizeof t);
    memset(&pa, 0, sizeof pa);
    if ((rc = parse_key16(cmd, "--gmk", gs, t.gmk.key)) != CLI_OK ||
        (rc = cli_key_id(cmd, "--gmk-id", gi, &t.gmk_id)) != CLI_OK ||
        (rc = opt_time_ntp(cmd, &a, "gmk-activation", &t.gmk.activation)) != CLI_OK ||
        (rc = opt_time_ntp(cmd, &a, "gmk-expiry", &t.gmk.expiry)) != CLI_OK ||
        (rc = opt_seconds(cmd, &a, "window", &pa.window)) != CLI_OK ||
        (rc = opt_seconds(cmd, &a, "max-lifetime", &pa.max_lifetime)) != CLI_OK) {
        mcx_wipe(&t, sizeof t);
        return rc;
    }
    if (cli_get(&a, "window") != NULL && pa.window == 0) {
        mcx_wipe(&t, sizeof t);
        fprintf(stderr, "mcxsec %s: --window must be at least 1\n", cmd);
        return CLI_USAGE;
    }
    pa.lookup = gsk_lookup;
    pa.lookup_arg = &t;
    pa.require_signature = cli_flag(&a, "require-signature");
    pa.accept_pending = cli_flag(&a, "accept-pending");
    pa.policy = gsk_policy;
    pa.policy_arg = &a;
    if ((rc = cli_time_or_now(cmd, &a, &pa.now)) != CLI_OK) {
        mcx_wipe(&t, sizeof t);
        return rc;
    }
    mcx_mikey_ctx *ctx = NULL;
    if (cli_get(&a, "cert") != NULL) {
        struct cli_keys k;
        if ((rc = cli_keys_load(cmd, &a, 1, &k)) == CLI_OK)
            rc = cli_keys_ctx(cmd, &k, &ctx);
        cli_keys_wipe(&k);
        if (rc != CLI_OK) {
            mcx_wipe(&t, sizeof t);
            return rc;
        }
        pa.verifier = ctx;
    }
    uint8_t *msg;
    size_t len;
    enum mikey_form form;
    if ((rc = mikey_read_msg(cmd, a.pos[0], &msg, &len, &form)) != CLI_OK) {
        mcx_mikey_ctx_free(ctx);
        mcx_wipe(&t, sizeof t);
        return rc;
    }
    struct mcx_gsk_result r;
    mcx_err e = mcx_gsk_process(&pa, msg, len, &r);
    mcx_mikey_ctx_free(ctx);
    mcx_wipe(&t, sizeof t);
    free(msg);
    if (e != MCX_OK)
        return cli_fail(cmd, "message rejected", e);
    struct cli_out o;
    char id[16];
    cli_out_init(&o, a.json);
    cli_out_hex(&o, "gsk", r.gsk, 16);
    snprintf(id, sizeof id, "%08x", r.gsk_id);
    cli_out_str(&o, "gsk_id", id);
    snprintf(id, sizeof id, "%08x", r.gmk_id);
    cli_out_str(&o, "gmk_id", id);
    cli_out_hex(&o, "rand", r.rand, r.rand_len);
    cli_out_bool(&o, "signed", r.signed_msg);
    if (r.signed_msg)
        cli_out_str(&o, "signer", r.signer_uri);
    out_validity(&o, &r);
    cli_out_flush(&o);
    mcx_wipe(&r, sizeof r);
    return CLI_OK;
}

int cmd_mikey(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "help") == 0) {
        usage(argc < 1 ? stderr : stdout);
        return argc < 1 ? CLI_USAGE : CLI_OK;
    }
    const char *sub = argv[0];
    if (strcmp(sub, "dump") == 0)
        return mikey_cmd_dump(argc - 1, argv + 1);
    if (strcmp(sub, "create") == 0)
        return cli_finish(cmd_create(argc - 1, argv + 1));
    if (strcmp(sub, "open") == 0)
        return cli_finish(cmd_open(argc - 1, argv + 1));
    if (strcmp(sub, "gsk-create") == 0)
        return cli_finish(cmd_gsk_create(argc - 1, argv + 1));
    if (strcmp(sub, "gsk-open") == 0)
        return cli_finish(cmd_gsk_open(argc - 1, argv + 1));
    if (strcmp(sub, "gmk-bulk") == 0)
        return mikey_cmd_bulk(argc - 1, argv + 1);
    cli_error("mcxsec mikey: unknown sub-command '%s'\n", sub);
    usage(stderr);
    return CLI_USAGE;
}
