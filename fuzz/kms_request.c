/*
 * Fuzz harness: the KMS request envelope parser (mcx_kmsmsg_read_request), the first code that sees
 * an attacker's body on the KMS (TS 33.180 Annex D.2.2). A parsed request must re-serialise and
 * parse back to the same value.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcxsec/kmsmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mcx_kms_request r, r2;
    if (mcx_kmsmsg_read_request((const char *)data, size, &r) != MCX_OK)
        return 0;
    char *x = NULL;
    size_t n = 0;
    if (mcx_kmsmsg_write_request(&r, &x, &n) == MCX_OK) {
        if (mcx_kmsmsg_read_request(x, n, &r2) != MCX_OK || memcmp(&r, &r2, sizeof r) != 0)
            abort();
        mcx_kmsmsg_free(x, n);
    }
    return 0;
}
