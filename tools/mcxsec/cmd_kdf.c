/*
 * mcxsec kdf — the 3GPP generic KDF (TS 33.220 Annex B.2) and the MIKEY PRF (RFC 3830 §4.1.3).
 *   mcxsec kdf --key HEX --fc HEX --p HEX [--p HEX ...]            -> out=HEX (32 octets)
 *     (at least one --p: every MCX use of the KDF has a P0)
 *   mcxsec kdf --mikey --key TGK-HEX --const HEX --cs-id N --csb-id HEX --rand HEX --len N
 *              [--prf sha256|mikey1]                               -> out=HEX
 * Key material is printed only because the command's purpose is to output it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mcxsec/kdf.h"
#include "mcxsec/util.h"

static const char *const CMD = "kdf";

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: mcxsec kdf --key HEX --fc HEX --p HEX [--p HEX ...] [--json]\n"
        "         3GPP KDF (TS 33.220 B.2): out = HMAC-SHA-256(key, FC || P0 || L0 || ...)\n"
        "       mcxsec kdf --mikey --key TGK-HEX --const HEX8 --cs-id N --csb-id HEX8 --rand HEX\n"
        "                  --len N [--prf sha256|mikey1] [--json]\n"
        "         MIKEY PRF (RFC 3830 4.1.3; PRF-HMAC-SHA-256 by default), e.g. --const 2ad01c64\n"
        "         --len 16 for an SRTP master key, --const 39a2c14b --len 12 for the salt\n");
}

static int hex_u32(const char *what, const char *s, uint32_t *out)
{
    uint8_t b[4];
    int rc = cli_hex_exact(CMD, what, s, b, 4);
    if (rc == CLI_OK)
        *out = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    return rc;
}

static int run_mikey(const struct cli_args *a, const uint8_t *key, size_t key_len)
{
    const char *cs = cli_require(a, CMD, "cs-id");
    const char *csb = cs ? cli_require(a, CMD, "csb-id") : NULL;
    const char *cst = csb ? cli_require(a, CMD, "const") : NULL;
    const char *rnd = cst ? cli_require(a, CMD, "rand") : NULL;
    const char *len = rnd ? cli_require(a, CMD, "len") : NULL;
    const char *prf_s = cli_get(a, "prf");
    enum mcx_mikey_prf prf = MCX_PRF_HMAC_SHA256;
    uint64_t cs_id, out_len;
    uint32_t csb_id, constant;
    uint8_t *r = NULL, *out = NULL;
    size_t r_len;
    int rc;
    if (len == NULL)
        return CLI_USAGE;
    if (prf_s != NULL && strcmp(prf_s, "sha256") != 0 && strcmp(prf_s, "mikey1") != 0) {
        cli_error("mcxsec kdf: --prf must be sha256 or mikey1\n");
        return CLI_USAGE;
    }
    if (prf_s != NULL && strcmp(prf_s, "mikey1") == 0)
        prf = MCX_PRF_MIKEY_1;
    if ((rc = cli_u64(CMD, "--cs-id", cs, &cs_id)) != CLI_OK ||
        (rc = hex_u32("--csb-id", csb, &csb_id)) != CLI_OK ||
        (rc = hex_u32("--const", cst, &constant)) != CLI_OK ||
        (rc = cli_u64(CMD, "--len", len, &out_len)) != CLI_OK)
        return rc;
    if (cs_id > 255) {
        cli_error("mcxsec kdf: --cs-id must be 0..255\n");
        return CLI_USAGE;
    }
    if (out_len == 0 || out_len > 1024) {
        cli_error("mcxsec kdf: --len must be 1..1024\n");
        return CLI_USAGE;
    }
    if ((rc = cli_hex_alloc(CMD, "--rand", rnd, &r, &r_len)) != CLI_OK)
        return rc;
    if ((out = malloc(out_len)) == NULL) {
        free(r);
        return CLI_FAILURE;
    }
    mcx_err e = mcx_mikey_derive(prf, key, key_len, constant, (uint8_t)cs_id, csb_id, r, r_len, out,
                                 out_len);
    if (e != MCX_OK) {
        rc = cli_fail(CMD, "MIKEY PRF", e);
    } else {
        struct cli_out o;
        cli_out_init(&o, a->json);
        cli_out_hex(&o, "out", out, out_len);
        cli_out_flush(&o);
        rc = CLI_OK;
    }
    mcx_wipe(out, out_len);
    free(out);
    free(r);
    return rc;
}

static int kdf_main(int argc, char **argv)
{
    static const struct cli_optspec spec[] = {
        {"key", 1, 0},   {"fc", 1, 0},    {"p", 1, 1},      {"mikey", 0, 0},
        {"const", 1, 0}, {"cs-id", 1, 0}, {"csb-id", 1, 0}, {"rand", 1, 0},
        {"len", 1, 0},   {"prf", 1, 0},   {"help", 0, 0},   {NULL, 0, 0},
    };
    struct cli_args a;
    int rc = cli_parse(&a, CMD, spec, argc, argv);
    if (rc != CLI_OK)
        return rc;
    if (cli_flag(&a, "help")) {
        usage(stdout);
        return CLI_OK;
    }
    if (a.npos > 0) {
        cli_error("mcxsec kdf: unexpected argument '%s'\n", a.pos[0]);
        return CLI_USAGE;
    }
    const char *key_s = cli_require(&a, CMD, "key");
    if (key_s == NULL)
        return CLI_USAGE;
    uint8_t *key = NULL;
    size_t key_len = 0;
    if ((rc = cli_hex_alloc(CMD, "--key", key_s, &key, &key_len)) != CLI_OK)
        return rc;
    if (key_len == 0) {
        cli_error("mcxsec kdf: --key is empty\n");
        free(key);
        return CLI_USAGE;
    }
    if (cli_flag(&a, "mikey")) {
        rc = run_mikey(&a, key, key_len);
        mcx_wipe(key, key_len);
        free(key);
        return rc;
    }
    struct mcx_kdf_param p[MCX_KDF_MAX_PARAMS];
    uint8_t *pb[MCX_KDF_MAX_PARAMS] = {NULL};
    size_t np = 0;
    uint8_t fc = 0, out[MCX_KDF_OUT_BYTES];
    const char *fc_s = cli_require(&a, CMD, "fc");
    if (fc_s == NULL) {
        rc = CLI_USAGE;
        goto out;
    }
    if ((rc = cli_hex_exact(CMD, "--fc", fc_s, &fc, 1)) != CLI_OK)
        goto out;
    /* TS 33.220 B.2 derivations for MCX always have parameters: P0 at least */
    if (cli_get(&a, "p") == NULL) {
        cli_error("mcxsec kdf: at least one --p HEX parameter is required\n");
        rc = CLI_USAGE;
        goto out;
    }
    for (const char *v; (v = cli_get_nth(&a, "p", np)) != NULL;) {
        if (np == MCX_KDF_MAX_PARAMS) {
            cli_error("mcxsec kdf: at most %d --p parameters\n", MCX_KDF_MAX_PARAMS);
            rc = CLI_USAGE;
            goto out;
        }
        if ((rc = cli_hex_alloc(CMD, "--p", v, &pb[np], &p[np].len)) != CLI_OK)
            goto out;
        if (p[np].len > 0xFFFF) {
            cli_error("mcxsec kdf: a --p parameter is longer than 65535 octets\n");
            np++;
            rc = CLI_USAGE;
            goto out;
        }
        p[np].p = pb[np];
        np++;
    }
    mcx_err e = mcx_kdf_3gpp(key, key_len, fc, p, np, out);
    if (e != MCX_OK) {
        rc = cli_fail(CMD, "KDF", e);
        goto out;
    }
    struct cli_out o;
    cli_out_init(&o, a.json);
    cli_out_hex(&o, "out", out, sizeof out);
    cli_out_flush(&o);
    rc = CLI_OK;
out:
    for (size_t i = 0; i < MCX_KDF_MAX_PARAMS; i++)
        free(pb[i]);
    mcx_wipe(out, sizeof out);
    mcx_wipe(key, key_len);
    free(key);
    return rc;
}

int cmd_kdf(int argc, char **argv)
{
    return cli_finish(kdf_main(argc, argv));
}
