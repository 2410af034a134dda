/* mcxsec kms — placeholder until its issue lands. */
#include <stdio.h>

#include "cli.h"

int cmd_kms(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "mcxsec kms: not built yet\n");
    return CLI_FAILURE;
}
