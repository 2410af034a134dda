/*
 * Fuzz harness: what a KMS client parses from the network (TS 33.180 Annex D.3): the KmsResponse
 * envelope and, when the Annex D document reader is in the tree, the certificates and key sets in it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcxsec/kmsmsg.h"
#if MCX_HAVE_KMSXML
#include "mcxsec/kmsxml.h"
#include "mcxsec/util.h"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mcx_kms_response r;
    mcx_err rc = mcx_kmsmsg_read_response((const char *)data, size, &r);
    if (rc == MCX_OK && r.kind == MCX_KMS_MSG_NONE && !r.has_error)
        abort(); /* the reader promises a message or an error */
#if MCX_HAVE_KMSXML
    static struct mcx_kms_keyset ks[4];
    static struct mcx_kms_cert certs[4];
    size_t n = 4;
    uint64_t cache = 0;
    if (mcx_kmsxml_read_keysets((const char *)data, size, ks, &n) == MCX_OK && n > 4)
        abort();
    mcx_wipe(ks, sizeof ks);
    n = 4;
    if (mcx_kmsxml_read_certs((const char *)data, size, certs, &n, &cache) == MCX_OK && n > 4)
        abort();
#endif
    return 0;
}
