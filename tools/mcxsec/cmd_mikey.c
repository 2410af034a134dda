/* mcxsec mikey — placeholder until its issue lands. */
#include <stdio.h>

#include "cli.h"

int cmd_mikey(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "mcxsec mikey: not built yet\n");
    return CLI_FAILURE;
}
