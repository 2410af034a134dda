/*
 * Unit tests of the xsd:dateTime codec (src/util/time.c): known instants with zones and fractions,
 * calendar edges (leap years, 24:00:00, years 0001 and 9999), every refusal, and the property the
 * Annex D envelopes rely on: whatever parses re-formats and parses back to the same instant.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/rand.h>

#include "mcxsec/util.h"

static int64_t parse_ok(const char *s)
{
    int64_t t = 0;
    assert_int_equal(mcx_time_parse(s, &t), MCX_OK);
    return t;
}

static void test_known(void **state)
{
    (void)state;
    char b[MCX_TIME_STR_BYTES];
    assert_int_equal(parse_ok("1970-01-01T00:00:00Z"), 0);
    assert_int_equal(parse_ok("1970-01-01T00:00:00"), 0); /* no zone: UTC */
    assert_int_equal(parse_ok("2014-02-23T08:39:14Z"), 1393144754);
    assert_int_equal(parse_ok("2014-02-23T10:39:14.250+02:00"), 1393144754);
    assert_int_equal(parse_ok("2014-02-23T03:09:14-05:30"), 1393144754);
    assert_int_equal(parse_ok("2024-02-29T12:00:00Z"), 1709208000);
    assert_int_equal(parse_ok("2000-02-29T00:00:00Z"), 951782400);
    assert_int_equal(parse_ok("1999-12-31T24:00:00Z"), 946684800);
    assert_int_equal(parse_ok("1969-12-31T23:59:59Z"), -1);
    assert_int_equal(parse_ok("0001-01-01T00:00:00Z"), -62135596800LL);
    assert_int_equal(parse_ok("9999-12-31T23:59:59Z"), 253402300799LL);
    assert_int_equal(mcx_time_format(1393144754, b), MCX_OK);
    assert_string_equal(b, "2014-02-23T08:39:14Z");
    assert_int_equal(mcx_time_format(-62135596800LL, b), MCX_OK);
    assert_string_equal(b, "0001-01-01T00:00:00Z");
    /* four-digit years below 1000 keep their zeros (strftime's %Y would not) */
    assert_int_equal(mcx_time_format(parse_ok("0075-12-23T08:39:14Z"), b), MCX_OK);
    assert_string_equal(b, "0075-12-23T08:39:14Z");
    assert_int_equal(mcx_time_format(-1, b), MCX_OK);
    assert_string_equal(b, "1969-12-31T23:59:59Z");
}

static void test_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "2014-02-23",
        "2014-02-23T08:39",
        "2014-02-23 08:39:14Z",
        "2014-2-23T08:39:14Z",
        "20140223T083914Z",
        "0000-01-01T00:00:00Z", /* xsd 1.0 has no year 0 */
        "2014-00-23T08:39:14Z",
        "2014-13-23T08:39:14Z",
        "2014-02-00T08:39:14Z",
        "2014-02-29T08:39:14Z", /* not a leap year */
        "1900-02-29T08:39:14Z", /* centuries are not, unless divisible by 400 */
        "2014-04-31T08:39:14Z",
        "2014-02-23T25:00:00Z",
        "2014-02-23T24:00:01Z",
        "2014-02-23T08:60:14Z",
        "2014-02-23T08:39:60Z", /* no leap seconds */
        "2014-02-23T08:39:14.Z",
        "2014-02-23T08:39:14ZZ",
        "2014-02-23T08:39:14+2:00",
        "2014-02-23T08:39:14+02:0",
        "2014-02-23T08:39:14+0200",
        "2014-02-23T08:39:14+15:00",
        "2014-02-23T08:39:14+14:30",
        "2014-02-23T08:39:14+02:60",
        "2014-02-23T08:39:14+02:00x",
        "2014-02-23T08:39:14 ",
        "+2014-02-23T08:39:14Z",
        "0001-01-01T00:00:00+00:01", /* before 0001-01-01 once the offset is applied */
        "9999-12-31T23:59:59-00:01", /* after 9999-12-31 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t t = 42;
        if (mcx_time_parse(bad[i], &t) != MCX_ERR_DECODE)
            fail_msg("accepted '%s'", bad[i]);
        assert_int_equal(t, 42);
    }
    int64_t t;
    char b[MCX_TIME_STR_BYTES];
    assert_int_equal(mcx_time_parse(NULL, &t), MCX_ERR_ARG);
    assert_int_equal(mcx_time_parse("2014-02-23T08:39:14Z", NULL), MCX_ERR_ARG);
    assert_int_equal(mcx_time_format(253402300800LL, b), MCX_ERR_ARG);
    assert_string_equal(b, "");
    assert_int_equal(mcx_time_format(-62135596801LL, b), MCX_ERR_ARG);
    assert_int_equal(mcx_time_format(INT64_MIN, b), MCX_ERR_ARG);
    assert_int_equal(mcx_time_format(0, NULL), MCX_ERR_ARG);
}

/* Random instants over the whole range, each with a random zone: format -> parse is the identity,
 * and an instant written with an offset parses to the same value. */
static void test_round_trip(void **state)
{
    (void)state;
    const int64_t lo = -62135596800LL, span = 253402300799LL - lo + 1;
    for (int i = 0; i < 20000; i++) {
        uint64_t r;
        assert_int_equal(RAND_bytes((unsigned char *)&r, sizeof r), 1);
        int64_t t = lo + (int64_t)(r % (uint64_t)span);
        char b[MCX_TIME_STR_BYTES];
        assert_int_equal(mcx_time_format(t, b), MCX_OK);
        assert_int_equal(strlen(b), MCX_TIME_STR_BYTES - 1);
        assert_int_equal(parse_ok(b), t);
    }
    /* the same instant in every zone from -14:00 to +14:00 in 15-minute steps */
    const int64_t t0 = 1764547200; /* 2025-12-01T00:00:00Z */
    for (int q = -56; q <= 56; q++) {
        int off = q * 900, a = off < 0 ? -off : off;
        char b[MCX_TIME_STR_BYTES], s[40];
        assert_int_equal(mcx_time_format(t0 + off, b), MCX_OK);
        b[19] = '\0'; /* drop the Z */
        snprintf(s, sizeof s, "%s%c%02d:%02d", b, off < 0 ? '-' : '+', a / 3600, a % 3600 / 60);
        assert_int_equal(parse_ok(s), t0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
