/* Internal: HMAC (RFC 2104) over several parts (OpenSSL EVP_MAC), shared by kdf.c (TS 33.220 B.2,
 * RFC 3830 §4.1.2) and uid.c (TS 33.180 F.2.1, F.1.3). */
#ifndef MCX_CRYPTO_KDF_INTERNAL_H
#define MCX_CRYPTO_KDF_INTERNAL_H
#include <stddef.h>
#include <stdint.h>

#include "mcxsec/err.h"

struct mcxi_hmac_part {
    const uint8_t *p;
    size_t len;
};

/* HMAC-<digest>(key, part_0 || ... ) into out (at least 32 octets); *out_len = digest size.
 * digest is "SHA1" or "SHA256". Constant time in the key (OpenSSL HMAC). */
mcx_err mcxi_hmac(const char *digest, const uint8_t *key, size_t key_len,
                  const struct mcxi_hmac_part *parts, size_t nparts, uint8_t *out, size_t *out_len);

#endif
