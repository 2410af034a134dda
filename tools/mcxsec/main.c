/*
 * mcxsec — the command-line tool for administrators, integrators and test labs.
 * One sub-command per file (cmd_<name>.c); this file only dispatches. The crypto commands are the
 * test-lab command line of issue 2 item 5; each file names the spec clauses it drives.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mcxsec/version.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"uid", cmd_uid, "derive the MIKEY-SAKKE UID of an identity for a key period (TS 33.180 F.2.1)"},
    {"eccsi", cmd_eccsi, "ECCSI keygen | issue | sign | verify (RFC 6507)"},
    {"sakke", cmd_sakke, "SAKKE keygen | issue | encap | decap (RFC 6508, parameter set 1)"},
    {"kdf", cmd_kdf, "the 3GPP KDF (TS 33.220 B.2)"},
    {"mikey", cmd_mikey, "MIKEY dump | create | open | gsk-create | gsk-open | gmk-bulk"},
    {"kms", cmd_kms, "KMS key files and administration (TS 33.180 Annex D)"},
    {"client", cmd_client, "client-side provisioning and key store"},
    {"idms", cmd_idms, "identity management helpers for tests and demos (access tokens)"},
    {"selftest", cmd_selftest, "known-answer self-tests of every algorithm"},
    {"demo", cmd_demo, "a narrated tour of mcxsec"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: mcxsec <command> [options]   (mcxsec %s)\n\ncommands:\n", mcx_version());
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nEvery command accepts --json. Exit status: 0 ok, 1 verification failed, "
               "2 bad usage or input, 3 internal failure.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("mcxsec %s\n", mcx_version());
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 2, argv + 2);
    fprintf(stderr, "mcxsec: unknown command '%s' (try mcxsec --help)\n", argv[1]);
    return CLI_USAGE;
}
