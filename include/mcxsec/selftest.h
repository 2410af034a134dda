/*
 * mcxsec/selftest.h — known-answer self-tests of every algorithm of the crypto core (STYLE.md §1),
 * run on demand: ECCSI (RFC 6507 Appendix A), SAKKE (RFC 6508 Appendix A, parameter set 1 of
 * RFC 6509), the 3GPP KDF (TS 33.220 Annex B.2), the MIKEY PRF (RFC 3830 §4.1.2 with the
 * PRF-HMAC-SHA-256 of RFC 6043 §6.1), the MCX UID (TS 33.180 F.2.1.2) and the GUK-ID
 * (TS 33.180 §5.2.3, F.1.3). Each test recomputes published values through the public API (and,
 * for the randomised ECCSI issue and sign, the same code with the RFC's fixed v and j), and also
 * checks that a one-bit change is refused, so a self-test fails when a check stops checking.
 */
#ifndef MCXSEC_SELFTEST_H
#define MCXSEC_SELFTEST_H
#include <stddef.h>
#include "err.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Number of self-tests (each covers one algorithm). */
MCX_API size_t mcx_selftest_count(void);

/**
 * Run self-test i (0 <= i < mcx_selftest_count()). *name (if name is not NULL) receives its static
 * name, e.g. "eccsi". Returns MCX_OK; MCX_ERR_SELFTEST when a known answer differs or a modified
 * input is accepted; MCX_ERR_NOMEM / MCX_ERR_RNG / MCX_ERR_INTERNAL when the test could not run;
 * MCX_ERR_ARG when i is out of range (*name is then NULL).
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_selftest_one(size_t i, const char **name);

/**
 * Run every self-test, stopping at the first failure. *failed (if not NULL) receives the static
 * name of the failing test, or NULL on MCX_OK. Takes about 0.1 s (the SAKKE tables dominate).
 */
MCX_API MCX_MUST_CHECK mcx_err mcx_selftest(const char **failed);

#ifdef __cplusplus
}
#endif
#endif
