/*
 * mcxsec sakke — SAKKE (RFC 6508, parameter set 1 of RFC 6509) for test labs:
 *   mcxsec sakke keygen                                        -> z= Z=
 *   mcxsec sakke issue  --z HEX --id HEX                       -> rsk=
 *   mcxsec sakke encap  --Z HEX --id HEX [--ssv HEX]           -> ssv= sed=
 *   mcxsec sakke decap  --Z HEX --id HEX --rsk HEX --sed HEX   -> ssv=
 * z may be given with fewer than 128 octets (it is left-padded). Exit codes as in cli.h: decap
 * exits 1 when the RSK is invalid or the re-computation check fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mcxsec/sakke.h"
#include "mcxsec/util.h"

static const char *CMD = "sakke";

static int usage(void)
{
    cli_error("usage: mcxsec sakke keygen | issue --z HEX --id HEX | "
              "encap --Z HEX --id HEX [--ssv HEX] | "
              "decap --Z HEX --id HEX --rsk HEX --sed HEX   [--json]\n");
    return CLI_USAGE;
}

/* z: at most 128 octets, left-padded */
static int read_z(const char *hex, uint8_t z[MCX_SAKKE_SCALAR_BYTES])
{
    uint8_t *buf = NULL;
    size_t len = 0;
    int rc = cli_hex_alloc(CMD, "--z", hex, &buf, &len);
    if (rc != CLI_OK)
        return rc;
    if (len > MCX_SAKKE_SCALAR_BYTES || len == 0) {
        cli_error("mcxsec %s: --z: expected 1 to %d octets, got %zu\n", CMD, MCX_SAKKE_SCALAR_BYTES,
                  len);
        mcx_wipe(buf, len);
        free(buf);
        return CLI_USAGE;
    }
    memset(z, 0, MCX_SAKKE_SCALAR_BYTES);
    memcpy(z + MCX_SAKKE_SCALAR_BYTES - len, buf, len);
    mcx_wipe(buf, len);
    free(buf);
    return CLI_OK;
}

static int read_id(const struct cli_args *a, uint8_t **id, size_t *id_len)
{
    const char *hex = cli_require(a, CMD, "id");
    if (hex == NULL)
        return CLI_USAGE;
    int rc = cli_hex_alloc(CMD, "--id", hex, id, id_len);
    if (rc == CLI_OK && *id_len == 0) {
        cli_error("mcxsec %s: --id: the identifier is empty\n", CMD);
        free(*id);
        *id = NULL;
        return CLI_USAGE;
    }
    return rc;
}

static int read_pub(const struct cli_args *a, mcx_sakke_pub **pub)
{
    uint8_t Z[MCX_SAKKE_POINT_BYTES];
    const char *hex = cli_require(a, CMD, "Z");
    if (hex == NULL)
        return CLI_USAGE;
    int rc = cli_hex_exact(CMD, "--Z", hex, Z, sizeof Z);
    if (rc != CLI_OK)
        return rc;
    mcx_err e = mcx_sakke_pub_new(pub, Z);
    if (e != MCX_OK)
        return cli_fail(CMD, "--Z", e);
    return CLI_OK;
}

static int do_keygen(const struct cli_args *a)
{
    uint8_t z[MCX_SAKKE_SCALAR_BYTES], Z[MCX_SAKKE_POINT_BYTES];
    struct cli_out o;
    mcx_err e = mcx_sakke_kms_keygen(z, Z);
    if (e != MCX_OK)
        return cli_fail(CMD, "keygen", e);
    cli_out_init(&o, a->json);
    cli_out_hex(&o, "z", z, sizeof z);
    cli_out_hex(&o, "Z", Z, sizeof Z);
    cli_out_flush(&o);
    mcx_wipe(z, sizeof z);
    return CLI_OK;
}

static int do_issue(const struct cli_args *a)
{
    uint8_t z[MCX_SAKKE_SCALAR_BYTES], rsk[MCX_SAKKE_POINT_BYTES];
    uint8_t *id = NULL;
    size_t id_len = 0;
    int rc;
    const char *zh = cli_require(a, CMD, "z");
    if (zh == NULL)
        return CLI_USAGE;
    if ((rc = read_z(zh, z)) != CLI_OK)
        return rc;
    if ((rc = read_id(a, &id, &id_len)) != CLI_OK)
        goto out;
    mcx_err e = mcx_sakke_kms_issue(z, id, id_len, rsk);
    if (e != MCX_OK) {
        rc = cli_fail(CMD, "issue", e);
        goto out;
    }
    struct cli_out o;
    cli_out_init(&o, a->json);
    cli_out_hex(&o, "rsk", rsk, sizeof rsk);
    cli_out_flush(&o);
    rc = CLI_OK;
out:
    mcx_wipe(z, sizeof z);
    mcx_wipe(rsk, sizeof rsk);
    free(id);
    return rc;
}

static int do_encap(const struct cli_args *a)
{
    uint8_t ssv[MCX_SAKKE_SSV_BYTES], sed[MCX_SAKKE_SED_BYTES];
    uint8_t *id = NULL;
    size_t id_len = 0;
    mcx_sakke_pub *pub = NULL;
    int rc;
    const char *sh = cli_get(a, "ssv");
    if (sh != NULL) {
        if ((rc = cli_hex_exact(CMD, "--ssv", sh, ssv, sizeof ssv)) != CLI_OK)
            return rc;
    } else {
        mcx_err e = mcx_random(ssv, sizeof ssv);
        if (e != MCX_OK)
            return cli_fail(CMD, "random SSV", e);
    }
    if ((rc = read_id(a, &id, &id_len)) != CLI_OK)
        goto out;
    if ((rc = read_pub(a, &pub)) != CLI_OK)
        goto out;
    mcx_err e = mcx_sakke_encapsulate(pub, id, id_len, ssv, sed);
    if (e != MCX_OK) {
        rc = cli_fail(CMD, "encap", e);
        goto out;
    }
    struct cli_out o;
    cli_out_init(&o, a->json);
    cli_out_hex(&o, "ssv", ssv, sizeof ssv);
    cli_out_hex(&o, "sed", sed, sizeof sed);
    cli_out_flush(&o);
    rc = CLI_OK;
out:
    mcx_wipe(ssv, sizeof ssv);
    mcx_sakke_pub_free(pub);
    free(id);
    return rc;
}

static int do_decap(const struct cli_args *a)
{
    uint8_t ssv[MCX_SAKKE_SSV_BYTES], sed[MCX_SAKKE_SED_BYTES], rsk[MCX_SAKKE_POINT_BYTES];
    uint8_t *id = NULL;
    size_t id_len = 0;
    mcx_sakke_pub *pub = NULL;
    mcx_sakke_rsk *k = NULL;
    int rc;
    const char *rh = cli_require(a, CMD, "rsk");
    const char *sh = cli_require(a, CMD, "sed");
    if (rh == NULL || sh == NULL)
        return CLI_USAGE;
    if ((rc = cli_hex_exact(CMD, "--rsk", rh, rsk, sizeof rsk)) != CLI_OK)
        goto out;
    if ((rc = cli_hex_exact(CMD, "--sed", sh, sed, sizeof sed)) != CLI_OK)
        goto out;
    if ((rc = read_id(a, &id, &id_len)) != CLI_OK)
        goto out;
    if ((rc = read_pub(a, &pub)) != CLI_OK)
        goto out;
    mcx_err e = mcx_sakke_rsk_new(&k, pub, id, id_len, rsk);
    if (e != MCX_OK) {
        rc = cli_fail(CMD, "--rsk", e);
        goto out;
    }
    e = mcx_sakke_decapsulate(k, sed, ssv);
    if (e != MCX_OK) {
        rc = cli_fail(CMD, "decap", e);
        goto out;
    }
    struct cli_out o;
    cli_out_init(&o, a->json);
    cli_out_hex(&o, "ssv", ssv, sizeof ssv);
    cli_out_flush(&o);
    rc = CLI_OK;
out:
    mcx_wipe(ssv, sizeof ssv);
    mcx_wipe(rsk, sizeof rsk);
    mcx_sakke_rsk_free(k);
    mcx_sakke_pub_free(pub);
    free(id);
    return rc;
}

static int sakke_main(int argc, char **argv)
{
    static const struct cli_optspec spec[] = {
        {"z", 1, 0}, {"Z", 1, 0}, {"id", 1, 0}, {"ssv", 1, 0}, {"rsk", 1, 0}, {"sed", 1, 0},
        {NULL, 0, 0},
    };
    struct cli_args a;
    if (argc < 1)
        return usage();
    const char *sub = argv[0];
    int rc = cli_parse(&a, CMD, spec, argc - 1, argv + 1);
    if (rc != CLI_OK)
        return rc;
    if (a.npos != 0) {
        cli_error("mcxsec %s: unexpected argument '%s'\n", CMD, a.pos[0]);
        return CLI_USAGE;
    }
    if (strcmp(sub, "keygen") == 0)
        return do_keygen(&a);
    if (strcmp(sub, "issue") == 0)
        return do_issue(&a);
    if (strcmp(sub, "encap") == 0)
        return do_encap(&a);
    if (strcmp(sub, "decap") == 0)
        return do_decap(&a);
    cli_error("mcxsec %s: unknown sub-command '%s'\n", CMD, sub);
    return usage();
}

int cmd_sakke(int argc, char **argv)
{
    return cli_finish(sakke_main(argc, argv));
}
