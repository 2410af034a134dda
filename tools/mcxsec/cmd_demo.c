/* mcxsec demo — placeholder until the crypto core lands (issue 2). */
#include <stdio.h>

#include "cli.h"

int cmd_demo(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "mcxsec demo: not built yet\n");
    return CLI_FAILURE;
}
