/* mcxsec kms — placeholder until its issue lands. TEMPORARY (mikey branch): dispatches
 * `kms keygen` and `kms issue` to cmd_kmsfiles.c; the KMS work owns this file and replaces it. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_kmsfiles.h"

int cmd_kms(int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "keygen") == 0)
        return cmd_kms_keygen(argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "issue") == 0)
        return cmd_kms_issue(argc - 1, argv + 1);
    fprintf(stderr, "mcxsec kms: only 'keygen' and 'issue' are built yet\n");
    return CLI_FAILURE;
}
