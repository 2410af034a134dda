/*
 * mcxsec uid — the MIKEY-SAKKE UID of an identity for a key period (TS 33.180 Annex F.2.1).
 *   mcxsec uid --uri URI --kms KMS-URI --period SECONDS --offset SECONDS (--period-no N | --ntp
 * SECONDS) Prints uid=HEX, then period_no=N and period_start=NTP-SECONDS.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mcxsec/kdf.h"

static const char *const CMD = "uid";

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: mcxsec uid --uri URI --kms KMS-URI --period SECONDS --offset SECONDS\n"
        "                  (--period-no N | --ntp NTP-SECONDS) [--json]\n"
        "  Derives the TS 33.180 F.2.1 MIKEY-SAKKE UID; --ntp is seconds since 1900-01-01 UTC.\n");
}

static int uid_main(int argc, char **argv)
{
    static const struct cli_optspec spec[] = {
        {"uri", 1, 0},       {"kms", 1, 0}, {"period", 1, 0}, {"offset", 1, 0},
        {"period-no", 1, 0}, {"ntp", 1, 0}, {"help", 0, 0},   {NULL, 0, 0},
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
        cli_error("mcxsec uid: unexpected argument '%s'\n", a.pos[0]);
        return CLI_USAGE;
    }
    const char *uri = cli_require(&a, CMD, "uri");
    const char *kms = uri ? cli_require(&a, CMD, "kms") : NULL;
    const char *per = kms ? cli_require(&a, CMD, "period") : NULL;
    const char *off = per ? cli_require(&a, CMD, "offset") : NULL;
    if (off == NULL)
        return CLI_USAGE;
    const char *pno = cli_get(&a, "period-no"), *ntp = cli_get(&a, "ntp");
    if ((pno == NULL) == (ntp == NULL)) {
        cli_error("mcxsec uid: give exactly one of --period-no and --ntp\n");
        return CLI_USAGE;
    }
    uint64_t period, offset, period_no, t, start;
    if ((rc = cli_u64(CMD, "--period", per, &period)) != CLI_OK ||
        (rc = cli_u64(CMD, "--offset", off, &offset)) != CLI_OK)
        return rc;
    if (period == 0) {
        cli_error("mcxsec uid: --period must be positive\n");
        return CLI_USAGE;
    }
    if (ntp != NULL) {
        if ((rc = cli_u64(CMD, "--ntp", ntp, &t)) != CLI_OK)
            return rc;
        if (t < offset) {
            cli_error("mcxsec uid: --ntp is before the key period offset\n");
            return CLI_USAGE;
        }
        mcx_err e = mcx_key_period_no(t, period, offset, &period_no);
        if (e != MCX_OK)
            return cli_fail(CMD, "key period", e);
    } else if ((rc = cli_u64(CMD, "--period-no", pno, &period_no)) != CLI_OK) {
        return rc;
    }
    uint8_t uid[MCX_UID_BYTES];
    mcx_err e = mcx_uid(uri, kms, period, offset, period_no, uid);
    if (e != MCX_OK)
        return cli_fail(CMD, "uid", e);
    struct cli_out o;
    cli_out_init(&o, a.json);
    cli_out_hex(&o, "uid", uid, sizeof uid);
    cli_out_u64(&o, "period_no", period_no);
    if (mcx_key_period_start(period_no, period, offset, &start) == MCX_OK)
        cli_out_u64(&o, "period_start", start);
    cli_out_flush(&o);
    return CLI_OK;
}

int cmd_uid(int argc, char **argv)
{
    return cli_finish(uid_main(argc, argv));
}
