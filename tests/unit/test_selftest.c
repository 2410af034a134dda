/*
 * test_selftest — the library's known-answer self-tests (include/mcxsec/selftest.h, STYLE.md §1):
 * every test passes, names are unique, and the index and argument rules hold. (That each test
 * fails when its known answer or its check is wrong was shown by hand when the tests were
 * written; see the commit.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mcxsec/mcxsec.h"

static void test_all_pass(void **state)
{
    (void)state;
    const char *failed = "x";
    mcx_err rc = mcx_selftest(&failed);
    if (rc != MCX_OK)
        fail_msg("self-test %s failed: %s", failed ? failed : "?", mcx_errname(rc));
    assert_null(failed);
    assert_int_equal(mcx_selftest(NULL), MCX_OK);
}

static void test_each(void **state)
{
    (void)state;
    static const char *const want[] = {"eccsi", "sakke", "kdf", "mikey_prf", "uid", "guk_id"};
    size_t n = mcx_selftest_count();
    assert_int_equal(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < n; i++) {
        const char *name = NULL;
        assert_int_equal(mcx_selftest_one(i, &name), MCX_OK);
        assert_non_null(name);
        assert_string_equal(name, want[i]);
    }
    const char *name = "x";
    assert_int_equal(mcx_selftest_one(n, &name), MCX_ERR_ARG);
    assert_null(name);
    assert_int_equal(mcx_selftest_one(0, NULL), MCX_OK);
    assert_string_equal(mcx_errname(MCX_ERR_SELFTEST), "MCX_ERR_SELFTEST");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_pass),
        cmocka_unit_test(test_each),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
