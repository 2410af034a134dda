/*
 * Test helper: the scratch directory of a cmocka test group (tmpdir.h).
 */
#include "tmpdir.h"

#include <stdio.h>
#include <stdlib.h>

char mcxt_tmpdir[64];

int mcxt_tmpdir_setup(void **state)
{
    (void)state;
    snprintf(mcxt_tmpdir, sizeof mcxt_tmpdir, "/tmp/mcxt_XXXXXX");
    return mkdtemp(mcxt_tmpdir) == NULL ? -1 : 0;
}

int mcxt_tmpdir_teardown(void **state)
{
    char cmd[128];
    (void)state;
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", mcxt_tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}
