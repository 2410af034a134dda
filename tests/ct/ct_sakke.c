/*
 * ct_sakke — constant-time check of the SAKKE core (RFC 6508, parameter set 1 of RFC 6509) under
 * valgrind memcheck ("ctgrind"): the secret inputs (KMS master secret z, SSV, RSK) are marked
 * undefined; any branch or memory index that depends on them inside libmcxsec is reported by
 * valgrind and fails the test (--error-exitcode). The library declassifies only outputs and
 * accept/reject verdicts (see mcxi_ct_unpoison in src/crypto/sakke.c and sakke_ec.c).
 *
 * Paths taken only for some values (a leading zero limb, a carry, a rejected candidate) must be
 * exercised, not left to one sample, so every operation runs many times on fresh random inputs:
 * CT_KMS_KEYS master secrets z; for each, CT_IDS fresh identifiers, each with an RSK issue and an
 * encapsulation of a fresh SSV to it; for CT_LOADED of them the receiver side too (RSK load with
 * validation and line precomputation, then CT_SSVS encapsulate/decapsulate pairs with fresh SSVs
 * and one tampered decapsulation, the failure path). The RSK load is the expensive step (about
 * seven encapsulations), hence fewer of those. The counts keep the valgrind run well under two
 * minutes on the project's 2-core machines (about 45 s of CPU). Results are declassified here and
 * checked, so the test also fails when the code under test is wrong.
 */
#include <stdio.h>
#include <string.h>

#include "mcxsec/sakke.h"
#include "mcxsec/util.h"
#include "util/ct.h"

#ifndef CT_KMS_KEYS
#define CT_KMS_KEYS 3
#endif
#ifndef CT_IDS
#define CT_IDS 6
#endif
#ifndef CT_LOADED
#define CT_LOADED 2
#endif
#ifndef CT_SSVS
#define CT_SSVS 6
#endif

static int failures;

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "ct_sakke: check failed at line %d: %s\n", __LINE__, #c);              \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

/* Encapsulate fresh SSVs to (pub, id) and decapsulate them with k, the SSV secret throughout. */
static void encap_decap(const mcx_sakke_pub *pub, const mcx_sakke_rsk *k, const uint8_t *id,
                        size_t id_len)
{
    uint8_t ssv[MCX_SAKKE_SSV_BYTES], out[MCX_SAKKE_SSV_BYTES], sed[MCX_SAKKE_SED_BYTES];
    for (int j = 0; j < CT_SSVS; j++) {
        CHECK(mcx_random(ssv, sizeof ssv) == MCX_OK);
        mcxi_ct_poison(ssv, sizeof ssv);
        CHECK(mcx_sakke_encapsulate(pub, id, id_len, ssv, sed) == MCX_OK);
        CHECK(mcx_sakke_decapsulate(k, sed, out) == MCX_OK);
        if (j == 0) { /* a tampered H: the failure path, with the RSK still secret */
            uint8_t bad[MCX_SAKKE_SSV_BYTES];
            sed[MCX_SAKKE_SED_BYTES - 1] ^= 1;
            CHECK(mcx_sakke_decapsulate(k, sed, bad) == MCX_ERR_SAKKE_CHECK);
            mcxi_ct_unpoison(bad, sizeof bad);
            CHECK(mcxi_ct_is_zero(bad, sizeof bad) == 1);
        }
        mcxi_ct_unpoison(ssv, sizeof ssv);
        mcxi_ct_unpoison(out, sizeof out);
        CHECK(mcx_ct_eq(ssv, out, sizeof ssv));
    }
    mcx_wipe(ssv, sizeof ssv);
    mcx_wipe(out, sizeof out);
}

int main(void)
{
    uint8_t z[MCX_SAKKE_SCALAR_BYTES], Z[MCX_SAKKE_POINT_BYTES], Z2[MCX_SAKKE_POINT_BYTES];
    uint8_t rsk[MCX_SAKKE_POINT_BYTES], id[32];

    for (int n = 0; n < CT_KMS_KEYS; n++) {
        mcx_sakke_pub *pub = NULL;
        CHECK(mcx_sakke_kms_keygen(z, Z) == MCX_OK);
        CHECK(mcx_sakke_pub_new(&pub, Z) == MCX_OK);
        if (pub == NULL)
            break;
        /* KMS public key with z secret */
        mcxi_ct_poison(z, sizeof z);
        CHECK(mcx_sakke_kms_public(z, Z2) == MCX_OK);
        CHECK(memcmp(Z, Z2, sizeof Z) == 0);
        for (int i = 0; i < CT_IDS; i++) {
            mcx_sakke_rsk *k = NULL;
            uint8_t ssv[MCX_SAKKE_SSV_BYTES], sed[MCX_SAKKE_SED_BYTES];
            /* the identifier is public: a fresh random one (a UID is a hash output) */
            CHECK(mcx_random(id, sizeof id) == MCX_OK);
            /* RSK issue with z secret */
            CHECK(mcx_sakke_kms_issue(z, id, sizeof id, rsk) == MCX_OK);
            /* an encapsulation to the new identifier, with the SSV secret */
            CHECK(mcx_random(ssv, sizeof ssv) == MCX_OK);
            mcxi_ct_poison(ssv, sizeof ssv);
            CHECK(mcx_sakke_encapsulate(pub, id, sizeof id, ssv, sed) == MCX_OK);
            mcx_wipe(ssv, sizeof ssv);
            if (i >= CT_LOADED)
                continue;
            /* the receiver's RSK: validation and line precomputation with the RSK secret */
            CHECK(mcx_sakke_rsk_new(&k, pub, id, sizeof id, rsk) == MCX_OK);
            if (k == NULL)
                continue;
            if (i == 0) /* validation alone, once per KMS key (one pairing) */
                CHECK(mcx_sakke_validate_rsk(pub, id, sizeof id, rsk) == MCX_OK);
            encap_decap(pub, k, id, sizeof id);
            mcx_sakke_rsk_free(k);
        }
        mcx_sakke_pub_free(pub);
        mcx_wipe(z, sizeof z);
        mcx_wipe(rsk, sizeof rsk);
    }
    if (failures == 0)
        printf("ct_sakke: %d KMS keys x %d identifiers (%d loaded x %d SSVs): all checks passed\n",
               CT_KMS_KEYS, CT_IDS, CT_LOADED, CT_SSVS);
    return failures != 0;
}
