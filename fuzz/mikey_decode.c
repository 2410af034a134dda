/*
 * libFuzzer harness for the MIKEY codec (src/codec/mikey_codec.c): decode any input; whatever
 * decodes must re-encode to exactly the same bytes with the same signature/MAC offsets; the KEMAC
 * Encr data of anything that decodes is also fed to the key data decoder.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcxsec/mikey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct mcx_mikey_msg m;
    static uint8_t out[MCX_MIKEY_MAX_MSG];
    struct mcx_mikey_layout lay, lay2;
    if (mcx_mikey_decode(data, size, &m, &lay) != MCX_OK)
        return 0;
    size_t ol = sizeof out;
    if (mcx_mikey_encode(&m, out, &ol, &lay2) != MCX_OK || ol != size || memcmp(out, data, size) != 0 ||
        lay.sig_off != lay2.sig_off || lay.mac_off != lay2.mac_off)
        abort(); /* encode(decode(m)) == m for every accepted m */
    for (size_t i = 0; i < m.n; i++) {
        if (m.p[i].type == MCX_MIKEY_PT_KEMAC) {
            struct mcx_mikey_keydata kd[4];
            size_t n = 4;
            if (mcx_mikey_keydata_decode(m.p[i].u.kemac.encr.p, m.p[i].u.kemac.encr.len, kd, &n) ==
                MCX_OK) {
                uint8_t kb[MCX_MIKEY_MAX_MSG];
                size_t kl = sizeof kb;
                if (mcx_mikey_keydata_encode(kd, n, kb, &kl) != MCX_OK ||
                    kl != m.p[i].u.kemac.encr.len || memcmp(kb, m.p[i].u.kemac.encr.p, kl) != 0)
                    abort();
            }
        }
    }
    return 0;
}
