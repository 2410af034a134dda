/*
 * libFuzzer harness for the Annex D key-document reader (src/codec/kms_xml.c): every input is fed
 * to the certificate, certificate-cache and key-set readers; whatever parses is written back and
 * must read again to the same values (round-trip property).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcxsec/kmsxml.h"
#include "mcxsec/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *xml = (const char *)data;
    struct mcx_kms_cert c, c2;
    if (mcx_kmsxml_read_cert(xml, size, &c) == MCX_OK) {
        char *out = NULL;
        size_t len = 0;
        if (mcx_kmsxml_write_cert(&c, &out, &len) == MCX_OK) {
            if (mcx_kmsxml_read_cert(out, len, &c2) != MCX_OK ||
                memcmp(c.pub_enc_key, c2.pub_enc_key, sizeof c.pub_enc_key) != 0 ||
                strcmp(c.kms_uri, c2.kms_uri) != 0 || c.user_key_period != c2.user_key_period)
                abort();
            mcx_kmsxml_free(out, len);
        }
    }
    struct mcx_kms_cert certs[4];
    size_t n = 4;
    uint64_t cache = 0;
    if (mcx_kmsxml_read_certs(xml, size, certs, &n, &cache) == MCX_OK && n > 4)
        abort(); /* the count never exceeds the capacity on success */
    struct mcx_kms_keyset ks[3];
    n = 3;
    if (mcx_kmsxml_read_keysets(xml, size, ks, &n) == MCX_OK && n > 0) {
        char *out = NULL;
        size_t len = 0;
        if (mcx_kmsxml_write_keyset(&ks[0], &out, &len) == MCX_OK) {
            struct mcx_kms_keyset k2;
            size_t one = 1;
            if (mcx_kmsxml_read_keysets(out, len, &k2, &one) != MCX_OK || one != 1 ||
                memcmp(ks[0].rsk, k2.rsk, sizeof k2.rsk) != 0)
                abort();
            mcx_wipe(&k2, sizeof k2);
            mcx_kmsxml_free(out, len);
        }
    }
    mcx_wipe(ks, sizeof ks);
    return 0;
}
