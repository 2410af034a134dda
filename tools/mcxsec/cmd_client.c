/* mcxsec client — placeholder until its issue lands. */
#include <stdio.h>

#include "cli.h"

int cmd_client(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "mcxsec client: not built yet\n");
    return CLI_FAILURE;
}
