/*
 * ct_sakke — constant-time check of the SAKKE core under valgrind memcheck ("ctgrind"): the secret
 * inputs (KMS master secret z, SSV, RSK) are marked undefined; any branch or memory index that
 * depends on them inside libmcxsec is reported by valgrind and fails the test (--error-exitcode).
 * The library declassifies only outputs and accept/reject verdicts (see mcxi_ct_unpoison in
 * src/crypto/sakke.c and sakke_ec.c). Results are declassified here before the test looks at them.
 */
#include <stdio.h>
#include <string.h>

#include "mcxsec/sakke.h"
#include "mcxsec/util.h"
#include "util/ct.h"

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "ct_sakke: check failed at line %d: %s\n", __LINE__, #c);            \
            return 1;                                                                              \
        }                                                                                          \
    } while (0)

int main(void)
{
    uint8_t z[MCX_SAKKE_SCALAR_BYTES], Z[MCX_SAKKE_POINT_BYTES], rsk[MCX_SAKKE_POINT_BYTES];
    uint8_t ssv[MCX_SAKKE_SSV_BYTES], out[MCX_SAKKE_SSV_BYTES], sed[MCX_SAKKE_SED_BYTES];
    const uint8_t id[32] = {0x32, 0x30, 0x31, 0x31, 0x2d, 0x30, 0x32, 0x00, 0x74, 0x65, 0x6c,
                            0x3a, 0x2b, 0x34, 0x34, 0x37, 0x37, 0x30, 0x30, 0x39};
    mcx_sakke_pub *pub = NULL;
    mcx_sakke_rsk *k = NULL;

    CHECK(mcx_sakke_kms_keygen(z, Z) == MCX_OK);
    CHECK(mcx_sakke_pub_new(&pub, Z) == MCX_OK);

    /* KMS public key and RSK issue with z secret */
    mcxi_ct_poison(z, sizeof z);
    CHECK(mcx_sakke_kms_public(z, Z) == MCX_OK);
    CHECK(mcx_sakke_kms_issue(z, id, sizeof id, rsk) == MCX_OK);
    mcxi_ct_unpoison(rsk, sizeof rsk); /* the test hands the RSK on as fresh input below */

    /* encapsulation with the SSV secret */
    CHECK(mcx_random(ssv, sizeof ssv) == MCX_OK);
    mcxi_ct_poison(ssv, sizeof ssv);
    CHECK(mcx_sakke_encapsulate(pub, id, sizeof id, ssv, sed) == MCX_OK);

    /* RSK load (validation + line precomputation) and decapsulation with the RSK secret */
    mcxi_ct_poison(rsk, sizeof rsk);
    CHECK(mcx_sakke_rsk_new(&k, pub, id, sizeof id, rsk) == MCX_OK);
    CHECK(mcx_sakke_decapsulate(k, sed, out) == MCX_OK);
    /* and a tampered one (the failure path) */
    sed[MCX_SAKKE_SED_BYTES - 1] ^= 1;
    CHECK(mcx_sakke_decapsulate(k, sed, out) == MCX_ERR_SAKKE_CHECK);
    sed[MCX_SAKKE_SED_BYTES - 1] ^= 1;
    CHECK(mcx_sakke_decapsulate(k, sed, out) == MCX_OK);

    /* RSK validation alone */
    CHECK(mcx_sakke_validate_rsk(pub, id, sizeof id, rsk) == MCX_OK);

    mcxi_ct_unpoison(ssv, sizeof ssv);
    mcxi_ct_unpoison(out, sizeof out);
    CHECK(mcx_ct_eq(ssv, out, sizeof ssv));
    mcx_sakke_rsk_free(k);
    mcx_sakke_pub_free(pub);
    mcx_wipe(z, sizeof z);
    printf("ct_sakke: ok\n");
    return 0;
}
