/*
 * mcxsec/util.h — secret hygiene, randomness and the xsd:dateTime codec shared by every module and
 * by callers. Spec: XML Schema Part 2 §3.2.7 (dateTime, as used by TS 33.180 Annex D); wiping,
 * constant-time comparison and randomness follow STYLE.md §4 (no protocol clause).
 */
#ifndef MCXSEC_UTIL_H
#define MCXSEC_UTIL_H
#include <stddef.h>
#include <stdint.h>
#include "err.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Overwrite n bytes at p with zeros in a way the compiler cannot elide (OPENSSL_cleanse). NULL ok. */
MCX_API void mcx_wipe(void *p, size_t n);

/** Constant-time equality of two n-byte buffers: 1 if equal, 0 otherwise (CRYPTO_memcmp). */
MCX_API int mcx_ct_eq(const void *a, const void *b, size_t n);

/** Fill out with n bytes from the system CSPRNG (OpenSSL RAND_bytes). */
MCX_API MCX_MUST_CHECK mcx_err mcx_random(uint8_t *out, size_t n);

/** Size of the text mcx_time_format writes, NUL included ("2026-11-22T05:30:00Z"). */
#define MCX_TIME_STR_BYTES 21

/**
 * Parse an xsd:dateTime (XML Schema Part 2 §3.2.7) with a four-digit year, e.g.
 * "2014-02-23T10:39:14.250+02:00" or "2026-11-22T05:30:00Z", into Unix seconds. A missing zone
 * means UTC; fractions of a second are truncated; 24:00:00 is the next day's midnight. Only
 * instants from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z are accepted, so every parsed time
 * can be written back by mcx_time_format. Errors: MCX_ERR_ARG (NULL), MCX_ERR_DECODE (anything
 * else, including an impossible date such as 2025-02-29).
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_time_parse(const char *s, int64_t *unix_time);

/**
 * Write Unix seconds as "YYYY-MM-DDThh:mm:ssZ" into out. MCX_ERR_ARG (out is then "") when the
 * time is outside 0001-01-01 .. 9999-12-31.
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_time_format(int64_t unix_time, char out[MCX_TIME_STR_BYTES]);

#ifdef __cplusplus
}
#endif
#endif
