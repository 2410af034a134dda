/*
 * libFuzzer harness for GSK message processing (src/codec/mikey_gsk.c): GMK 0df9bc39 known, Alice's
 * context verifies signatures; any input must be rejected cleanly (no key material) or processed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sw_keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static mcx_err lookup(void *arg, uint32_t id, struct mcx_gsk_gmk *gmk)
{
    static const uint8_t k[16] = {0x07, 0xd1, 0xa1, 0x67, 0x7a, 0xc3, 0x6d, 0x8e,
                                  0x81, 0x62, 0x04, 0x84, 0x68, 0x9b, 0x3c, 0x2d};
    (void)arg;
    if (id != 0x0df9bc39)
        return MCX_ERR_NOT_FOUND;
    memset(gmk, 0, sizeof *gmk);
    memcpy(gmk->key, k, 16);
    return MCX_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mcx_gsk_process_args pa;
    memset(&pa, 0, sizeof pa);
    pa.lookup = lookup;
    pa.verifier = sw_alice_ctx();
    pa.now =
        1759492800; /* the worked example's time; T of other inputs is checked with the window */
    struct mcx_gsk_result r;
    static const struct mcx_gsk_result zero;
    if (mcx_gsk_process(&pa, data, size, &r) != MCX_OK && memcmp(&r, &zero, sizeof r) != 0)
        abort();
    return 0;
}
