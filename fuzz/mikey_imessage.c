/*
 * libFuzzer harness for MIKEY-SAKKE I_MESSAGE processing (src/codec/mikey_imessage.c) with Alice's
 * Streamwide keys: any input must be rejected cleanly or processed; on rejection the result must
 * hold no key material.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sw_keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mcx_mikey_ctx *ctx = sw_alice_ctx();
    /* a fresh replay cache per input keeps runs deterministic */
    if (mcx_mikey_ctx_set_replay_capacity(ctx, 4) != MCX_OK)
        abort();
    struct mcx_mikey_result r;
    static const struct mcx_mikey_result zero;
    int64_t now = (int64_t)0xec898da8LL - (int64_t)MCX_NTP_UNIX_OFFSET;
    if (mcx_mikey_process(ctx, data, size, MCX_MIKEY_ANY_PURPOSE, now, &r) != MCX_OK &&
        memcmp(&r, &zero, sizeof r) != 0)
        abort(); /* no key material from a rejected message */
    return 0;
}
