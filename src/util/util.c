/* Secret hygiene, randomness and version (include/mcxsec/util.h, version.h): OPENSSL_cleanse,
 * CRYPTO_memcmp and RAND_bytes as STYLE.md §4 requires (no protocol clause). */
#include "mcxsec/util.h"
#include "mcxsec/version.h"

#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

void mcx_wipe(void *p, size_t n)
{
    if (p != NULL && n > 0)
        OPENSSL_cleanse(p, n);
}

int mcx_ct_eq(const void *a, const void *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n) == 0;
}

mcx_err mcx_random(uint8_t *out, size_t n)
{
    if (out == NULL && n > 0)
        return MCX_ERR_ARG;
    while (n > 0) {
        int chunk = n > INT_MAX ? INT_MAX : (int)n;
        if (RAND_bytes(out, chunk) != 1)
            return MCX_ERR_RNG;
        out += chunk;
        n -= (size_t)chunk;
    }
    return MCX_OK;
}

const char *mcx_version(void)
{
    return MCX_VERSION_STRING;
}
