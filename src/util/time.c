/*
 * src/util/time.c — the one xsd:dateTime / ISO-8601 codec of mcxsec (include/mcxsec/util.h).
 * Used for the Annex D documents (TS 33.180 D.2.2 "Time", D.3.2 ValidFrom/ValidTo, XML Schema Part
 * 2 §3.2.7 dateTime) and for the times the command line accepts and prints. Parsing accepts exactly
 * what formatting can write back (years 0001..9999 after the zone offset is applied), so every
 * parsed time re-serialises and parses to the same value.
 */
#include <string.h>

#include "mcxsec/util.h"

/* 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z in Unix seconds */
#define TIME_MIN (-62135596800LL)
#define TIME_MAX 253402300799LL

/* Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's civil algorithms). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int digits(const char *s, size_t n, unsigned *v)
{
    unsigned r = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        r = r * 10 + (unsigned)(s[i] - '0');
    }
    *v = r;
    return 1;
}

/* n decimal digits of v, zero-padded (v < 10^n) */
static void put_digits(char *out, size_t n, unsigned v)
{
    for (size_t i = n; i-- > 0; v /= 10)
        out[i] = (char)('0' + v % 10);
}

mcx_err mcx_time_parse(const char *s, int64_t *unix_time)
{
    static const unsigned mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned Y, M, D, h, mi, sec;
    if (s == NULL || unix_time == NULL)
        return MCX_ERR_ARG;
    size_t n = strlen(s);
    if (n < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
        !digits(s, 4, &Y) || !digits(s + 5, 2, &M) || !digits(s + 8, 2, &D) ||
        !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) || !digits(s + 17, 2, &sec))
        return MCX_ERR_DECODE;
    if (Y == 0 || M < 1 || M > 12 || D < 1)
        return MCX_ERR_DECODE;
    int leap = (Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0;
    /* xsd:dateTime allows 24:00:00 (the first instant of the next day), no leap second */
    if (D > mdays[M - 1] + (M == 2 && leap ? 1u : 0u) || h > 24 || mi > 59 || sec > 59 ||
        (h == 24 && (mi != 0 || sec != 0)))
        return MCX_ERR_DECODE;
    size_t i = 19;
    if (i < n && s[i] == '.') { /* fractions of a second are accepted and truncated */
        size_t start = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == start)
            return MCX_ERR_DECODE;
    }
    int64_t off = 0;
    if (i < n && s[i] == 'Z') {
        i++;
    } else if (i < n && (s[i] == '+' || s[i] == '-')) {
        unsigned oh, om;
        if (n - i < 6 || s[i + 3] != ':' || !digits(s + i + 1, 2, &oh) ||
            !digits(s + i + 4, 2, &om) || oh > 14 || om > 59 || (oh == 14 && om != 0))
            return MCX_ERR_DECODE;
        off = (int64_t)(oh * 3600 + om * 60) * (s[i] == '+' ? 1 : -1);
        i += 6;
    }
    if (i != n)
        return MCX_ERR_DECODE;
    int64_t t = days_from_civil((int64_t)Y, M, D) * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 +
                (int64_t)sec - off;
    if (t < TIME_MIN || t > TIME_MAX)
        return MCX_ERR_DECODE;
    *unix_time = t;
    return MCX_OK;
}

mcx_err mcx_time_format(int64_t unix_time, char out[MCX_TIME_STR_BYTES])
{
    if (out == NULL)
        return MCX_ERR_ARG;
    out[0] = '\0';
    if (unix_time < TIME_MIN || unix_time > TIME_MAX)
        return MCX_ERR_ARG;
    int64_t days = unix_time >= 0 ? unix_time / 86400 : -((-unix_time + 86399) / 86400);
    int64_t rem = unix_time - days * 86400;
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    put_digits(out, 4, (unsigned)y);
    out[4] = '-';
    put_digits(out + 5, 2, m);
    out[7] = '-';
    put_digits(out + 8, 2, d);
    out[10] = 'T';
    put_digits(out + 11, 2, (unsigned)(rem / 3600));
    out[13] = ':';
    put_digits(out + 14, 2, (unsigned)(rem % 3600 / 60));
    out[16] = ':';
    put_digits(out + 17, 2, (unsigned)(rem % 60));
    out[19] = 'Z';
    out[20] = '\0';
    return MCX_OK;
}
