/*
 * mcxsec selftest — run the library's known-answer self-tests (include/mcxsec/selftest.h: RFC 6507
 * and RFC 6508 Appendix A, TS 33.220 B.2, RFC 3830 §4.1.2 / RFC 6043, TS 33.180 F.2.1.2 and
 * F.1.3) and print one `<test>=ok|failed` line each, then `selftest=ok|failed` (--json: one
 * object, with `error` naming the first failure's code). Exit 0 when all pass, 1 when a known
 * answer or check failed, 3 when a test could not run (memory, RNG, backend).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mcxsec/selftest.h"

static int selftest_main(int argc, char **argv)
{
    static const struct cli_optspec spec[] = {{"help", 0, 0}, {NULL, 0, 0}};
    struct cli_args a;
    int rc = cli_parse(&a, "selftest", spec, argc, argv);
    if (rc != CLI_OK)
        return rc;
    if (cli_flag(&a, "help")) {
        printf("usage: mcxsec selftest [--json]\n"
               "  known-answer tests of ECCSI, SAKKE, the 3GPP KDF, the MIKEY PRF, the UID and\n"
               "  the GUK-ID; exit 0 when all pass, 1 when one fails\n");
        return CLI_OK;
    }
    if (a.npos > 0) {
        cli_error("mcxsec selftest: unexpected argument '%s'\n", a.pos[0]);
        return CLI_USAGE;
    }
    struct cli_out o;
    mcx_err first = MCX_OK;
    const char *first_name = NULL;
    cli_out_init(&o, a.json);
    for (size_t i = 0; i < mcx_selftest_count(); i++) {
        const char *name = NULL;
        mcx_err e = mcx_selftest_one(i, &name);
        cli_out_str(&o, name != NULL ? name : "?", e == MCX_OK ? "ok" : "failed");
        if (e != MCX_OK && first == MCX_OK) {
            first = e;
            first_name = name;
        }
    }
    cli_out_str(&o, "selftest", first == MCX_OK ? "ok" : "failed");
    if (first != MCX_OK)
        cli_out_str(&o, "error", mcx_errname(first));
    cli_out_flush(&o);
    return first == MCX_OK ? CLI_OK : cli_fail("selftest", first_name ? first_name : "?", first);
}

int cmd_selftest(int argc, char **argv)
{
    return cli_finish(selftest_main(argc, argv));
}
