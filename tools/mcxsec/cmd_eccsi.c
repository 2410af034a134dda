/*
 * mcxsec eccsi — ECCSI (RFC 6507, P-256/SHA-256) for test labs:
 *   keygen                                              -> ksak= kpak=
 *   issue  --ksak HEX --id HEX                          -> ssk= pvt=   (§5.1.1)
 *   validate --kpak HEX --id HEX --ssk HEX --pvt HEX    -> valid= hs=  (§5.1.2)
 *   sign   --kpak HEX --id HEX --ssk HEX --pvt HEX --msg HEX -> sig= (§5.2.1)
 *   verify --kpak HEX --id HEX --msg HEX --sig HEX      -> valid=true|false (§5.2.2)
 * --id is the identifier's octets in hex (for MCX the 32-octet UID); points are 04||x||y.
 * verify/validate exit 1 when the check fails and 2 when an input is malformed (wrong length,
 * not a point, scalar out of range), printing valid=false in both cases.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mcxsec/eccsi.h"
#include "mcxsec/util.h"

static const char *const CMD = "eccsi";

static void usage(FILE *f)
{
    fprintf(
        f, "usage: mcxsec eccsi keygen [--json]\n"
           "       mcxsec eccsi issue --ksak HEX --id HEX [--json]\n"
           "       mcxsec eccsi validate --kpak HEX --id HEX --ssk HEX --pvt HEX [--json]\n"
           "       mcxsec eccsi sign --kpak HEX --id HEX --ssk HEX --pvt HEX --msg HEX [--json]\n"
           "       mcxsec eccsi verify --kpak HEX --id HEX --msg HEX --sig HEX [--json]\n"
           "  RFC 6507 on NIST P-256 / SHA-256. --id is the identifier octets in hex (for MCX the\n"
           "  32-octet UID, see mcxsec uid); points are 04||x||y (65 octets); sig is r||s||PVT.\n"
           "  verify and validate exit 0 when valid, 1 when not, 2 on malformed input.\n");
}

static const struct cli_optspec spec[] = {
    {"ksak", 1, 0}, {"kpak", 1, 0}, {"id", 1, 0},   {"ssk", 1, 0}, {"pvt", 1, 0},
    {"msg", 1, 0},  {"sig", 1, 0},  {"help", 0, 0}, {NULL, 0, 0},
};

/* Fetch a required option; report and fail when it is missing. */
static int need(const struct cli_args *a, const char *name, const char **out)
{
    *out = cli_require(a, CMD, name);
    return *out ? CLI_OK : CLI_USAGE;
}

/* Reject options the sub-command does not take, so typos do not go unnoticed. */
static int only(const struct cli_args *a, const char *sub, const char *const *allowed)
{
    for (size_t i = 0; i < a->n; i++) {
        int ok = 0;
        for (const char *const *p = allowed; *p; p++)
            if (strcmp(a->names[i], *p) == 0)
                ok = 1;
        if (!ok && strcmp(a->names[i], "help") != 0) {
            cli_error("mcxsec eccsi %s: --%s does not apply\n", sub, a->names[i]);
            return CLI_USAGE;
        }
    }
    return CLI_OK;
}

static int do_keygen(const struct cli_args *a)
{
    static const char *const allowed[] = {NULL};
    uint8_t ksak[MCX_ECCSI_SCALAR_BYTES], kpak[MCX_ECCSI_POINT_BYTES];
    int rc = only(a, "keygen", allowed);
    if (rc != CLI_OK)
        return rc;
    mcx_err e = mcx_eccsi_kms_keygen(ksak, kpak);
    if (e != MCX_OK)
        return cli_fail(CMD, "keygen", e);
    struct cli_out o;
    cli_out_init(&o, a->json);
    cli_out_hex(&o, "ksak", ksak, sizeof ksak); /* the command's purpose is to output the KSAK */
    cli_out_hex(&o, "kpak", kpak, sizeof kpak);
    cli_out_flush(&o);
    mcx_wipe(ksak, sizeof ksak);
    return CLI_OK;
}

static int do_issue(const struct cli_args *a)
{
    static const char *const allowed[] = {"ksak", "id", NULL};
    uint8_t ksak[MCX_ECCSI_SCALAR_BYTES], ssk[MCX_ECCSI_SCALAR_BYTES], pvt[MCX_ECCSI_POINT_BYTES];
    uint8_t *id = NULL;
    size_t id_len = 0;
    const char *ks, *ids;
    int rc;
    if ((rc = only(a, "issue", allowed)) != CLI_OK || (rc = need(a, "ksak", &ks)) != CLI_OK ||
        (rc = need(a, "id", &ids)) != CLI_OK)
        return rc;
    if ((rc = cli_hex_exact(CMD, "--ksak", ks, ksak, sizeof ksak)) != CLI_OK)
        return rc;
    if ((rc = cli_hex_alloc(CMD, "--id", ids, &id, &id_len)) != CLI_OK)
        goto out;
    mcx_err e = mcx_eccsi_kms_issue(ksak, id, id_len, ssk, pvt);
    if (e != MCX_OK) {
        rc = cli_fail(CMD, "issue", e);
        goto out;
    }
    struct cli_out o;
    cli_out_init(&o, a->json);
    cli_out_hex(&o, "ssk", ssk, sizeof ssk); /* the command's purpose is to output the SSK */
    cli_out_hex(&o, "pvt", pvt, sizeof pvt);
    cli_out_flush(&o);
    rc = CLI_OK;
out:
    mcx_wipe(ksak, sizeof ksak);
    mcx_wipe(ssk, sizeof ssk);
    free(id);
    return rc;
}

/* Shared by validate and sign: KPAK, ID, SSK, PVT. */
struct keyin {
    uint8_t kpak[MCX_ECCSI_POINT_BYTES], ssk[MCX_ECCSI_SCALAR_BYTES], pvt[MCX_ECCSI_POINT_BYTES];
    uint8_t *id;
    size_t id_len;
};

static int read_key(const struct cli_args *a, struct keyin *k)
{
    const char *kp, *ids, *ss, *pv;
    int rc;
    memset(k, 0, sizeof *k);
    if ((rc = need(a, "kpak", &kp)) != CLI_OK || (rc = need(a, "id", &ids)) != CLI_OK ||
        (rc = need(a, "ssk", &ss)) != CLI_OK || (rc = need(a, "pvt", &pv)) != CLI_OK)
        return rc;
    if ((rc = cli_hex_exact(CMD, "--kpak", kp, k->kpak, sizeof k->kpak)) != CLI_OK ||
        (rc = cli_hex_exact(CMD, "--ssk", ss, k->ssk, sizeof k->ssk)) != CLI_OK ||
        (rc = cli_hex_exact(CMD, "--pvt", pv, k->pvt, sizeof k->pvt)) != CLI_OK)
        return rc;
    return cli_hex_alloc(CMD, "--id", ids, &k->id, &k->id_len);
}

static void free_key(struct keyin *k)
{
    mcx_wipe(k->ssk, sizeof k->ssk);
    free(k->id);
    k->id = NULL;
}

/* Exit status of a failed check: 1 when the inputs were well formed but did not check out, 2 when
 * the library refused them as malformed; valid=false and error= in both cases (--json: the same
 * object as cli_finish's, with the reason). */
static int check_failed(const struct cli_args *a, const char *what, mcx_err e)
{
    struct cli_out o;
    char reason[160];
    int rc = cli_fail(CMD, what, e);
    snprintf(reason, sizeof reason, "mcxsec %s: %s: %s (%s)", CMD, what, mcx_strerror(e),
             mcx_errname(e));
    cli_out_init(&o, a->json);
    cli_out_bool(&o, "valid", 0);
    cli_out_str(&o, "error", mcx_errname(e));
    if (a->json)
        cli_out_str(&o, "reason", reason);
    cli_out_flush(&o);
    return rc;
}

static int do_validate(const struct cli_args *a)
{
    static const char *const allowed[] = {"kpak", "id", "ssk", "pvt", NULL};
    struct keyin k;
    uint8_t hs[MCX_ECCSI_HASH_BYTES];
    int rc;
    if ((rc = only(a, "validate", allowed)) != CLI_OK)
        return rc;
    if ((rc = read_key(a, &k)) == CLI_OK) {
        mcx_err e = mcx_eccsi_validate(k.kpak, k.id, k.id_len, k.ssk, k.pvt, hs);
        if (e != MCX_OK) {
            rc = check_failed(a, "validate", e);
        } else {
            struct cli_out o;
            cli_out_init(&o, a->json);
            cli_out_bool(&o, "valid", 1);
            cli_out_hex(&o, "hs", hs, sizeof hs);
            cli_out_flush(&o);
        }
    }
    free_key(&k);
    return rc;
}

static int do_sign(const struct cli_args *a)
{
    static const char *const allowed[] = {"kpak", "id", "ssk", "pvt", "msg", NULL};
    struct keyin k;
    uint8_t *msg = NULL, sig[MCX_ECCSI_SIG_BYTES];
    size_t msg_len = 0;
    const char *ms;
    mcx_eccsi_signer *s = NULL;
    int rc;
    if ((rc = only(a, "sign", allowed)) != CLI_OK)
        return rc;
    if ((rc = read_key(a, &k)) != CLI_OK || (rc = need(a, "msg", &ms)) != CLI_OK ||
        (rc = cli_hex_alloc(CMD, "--msg", ms, &msg, &msg_len)) != CLI_OK)
        goto out;
    mcx_err e = mcx_eccsi_signer_new(&s, k.kpak, k.id, k.id_len, k.ssk, k.pvt);
    if (e != MCX_OK) {
        rc = cli_fail(CMD, "signing key", e);
        goto out;
    }
    if ((e = mcx_eccsi_sign(s, msg, msg_len, sig)) != MCX_OK) {
        rc = cli_fail(CMD, "sign", e);
        goto out;
    }
    struct cli_out o;
    cli_out_init(&o, a->json);
    cli_out_hex(&o, "sig", sig, sizeof sig);
    cli_out_flush(&o);
    rc = CLI_OK;
out:
    mcx_eccsi_signer_free(s);
    free_key(&k);
    free(msg);
    return rc;
}

static int do_verify(const struct cli_args *a)
{
    static const char *const allowed[] = {"kpak", "id", "msg", "sig", NULL};
    uint8_t kpak[MCX_ECCSI_POINT_BYTES], sig[MCX_ECCSI_SIG_BYTES];
    uint8_t *id = NULL, *msg = NULL;
    size_t id_len = 0, msg_len = 0;
    const char *kp, *ids, *ms, *ss;
    int rc;
    if ((rc = only(a, "verify", allowed)) != CLI_OK || (rc = need(a, "kpak", &kp)) != CLI_OK ||
        (rc = need(a, "id", &ids)) != CLI_OK || (rc = need(a, "msg", &ms)) != CLI_OK ||
        (rc = need(a, "sig", &ss)) != CLI_OK)
        return rc;
    if ((rc = cli_hex_exact(CMD, "--kpak", kp, kpak, sizeof kpak)) != CLI_OK ||
        (rc = cli_hex_exact(CMD, "--sig", ss, sig, sizeof sig)) != CLI_OK ||
        (rc = cli_hex_alloc(CMD, "--id", ids, &id, &id_len)) != CLI_OK ||
        (rc = cli_hex_alloc(CMD, "--msg", ms, &msg, &msg_len)) != CLI_OK)
        goto out;
    mcx_err e = mcx_eccsi_verify(kpak, id, id_len, msg, msg_len, sig);
    if (e != MCX_OK) {
        rc = check_failed(a, "verify", e);
        goto out;
    }
    struct cli_out o;
    cli_out_init(&o, a->json);
    cli_out_bool(&o, "valid", 1);
    cli_out_flush(&o);
    rc = CLI_OK;
out:
    free(id);
    free(msg);
    return rc;
}

static int eccsi_main(int argc, char **argv)
{
    struct cli_args a;
    if (argc < 1) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *sub = argv[0];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    int rc = cli_parse(&a, CMD, spec, argc - 1, argv + 1);
    if (rc != CLI_OK)
        return rc;
    if (cli_flag(&a, "help")) {
        usage(stdout);
        return CLI_OK;
    }
    if (a.npos > 0) {
        cli_error("mcxsec eccsi: unexpected argument '%s'\n", a.pos[0]);
        return CLI_USAGE;
    }
    if (strcmp(sub, "keygen") == 0)
        return do_keygen(&a);
    if (strcmp(sub, "issue") == 0)
        return do_issue(&a);
    if (strcmp(sub, "validate") == 0)
        return do_validate(&a);
    if (strcmp(sub, "sign") == 0)
        return do_sign(&a);
    if (strcmp(sub, "verify") == 0)
        return do_verify(&a);
    cli_error("mcxsec eccsi: unknown sub-command '%s' (keygen, issue, validate, sign, verify)\n",
              sub);
    return CLI_USAGE;
}

int cmd_eccsi(int argc, char **argv)
{
    return cli_finish(eccsi_main(argc, argv));
}
