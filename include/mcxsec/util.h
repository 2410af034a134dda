/*
 * mcxsec/util.h — secret hygiene and randomness helpers shared by every module and by callers.
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

#ifdef __cplusplus
}
#endif
#endif
