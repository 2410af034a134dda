/* mcxsec idms — placeholder until its issue lands. */
#include <stdio.h>

#include "cli.h"

int cmd_idms(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "mcxsec idms: not built yet\n");
    return CLI_FAILURE;
}
