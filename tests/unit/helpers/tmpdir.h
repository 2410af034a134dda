/*
 * Test helper: a scratch directory for tests that need files (databases, key files): pass
 * mcxt_tmpdir_setup / mcxt_tmpdir_teardown to cmocka_run_group_tests; the directory's path is in
 * mcxt_tmpdir meanwhile, and it is removed with everything in it at the end.
 */
#ifndef MCX_TEST_TMPDIR_H
#define MCX_TEST_TMPDIR_H

extern char mcxt_tmpdir[64];
int mcxt_tmpdir_setup(void **state);
int mcxt_tmpdir_teardown(void **state);

#endif
