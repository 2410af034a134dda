/* sakke_int — SAKKE internals shared with the unit tests (RFC 6508 §5.1 HashToIntegerRange). */
#ifndef MCX_CRYPTO_SAKKE_INT_H
#define MCX_CRYPTO_SAKKE_INT_H
#include <stddef.h>
#include <stdint.h>

#include "mcxsec/err.h"

/* RFC 6508 §5.1 HashToIntegerRange(s1 || s2, q, SHA-256): v = v_1 || .. || v_4 reduced mod q,
 * result as plain limbs. Constant time in the content of s1, s2. */
mcx_err mcxi_sakke_hash_to_q(uint64_t out[16], const uint8_t *s1, size_t n1, const uint8_t *s2,
                             size_t n2);
/* RFC 6508 §5.1 HashToIntegerRange(s, 2^128, SHA-256): the last 16 octets of v_1. */
mcx_err mcxi_sakke_hash_to_mask(uint8_t out[16], const uint8_t *s, size_t n);
#endif
