/*
 * test_sakke_variants — the RFC 6508 Appendix A vector (KMS public key, RSK issue, RSK validation,
 * encapsulation, decapsulation) and random round trips under every arithmetic variant the CPU
 * has: the portable, BMI2/ADX and AVX-512 IFMA Montgomery multiplications (src/crypto/fp1024*.c)
 * crossed with the SSE2, AVX2 and AVX-512 table scans (src/crypto/sakke_ec.c). The library picks
 * the fastest of each at load time; this makes sure the slower ones, which other machines use,
 * compute the same bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/fp1024.h"
#include "crypto/sakke_ec.h"
#include "helpers/vectors.h"
#include "mcxsec/sakke.h"
#include "mcxsec/util.h"

static void expect_hex(const struct mcxt_record *r, const char *key, const uint8_t *got, size_t n)
{
    size_t len;
    uint8_t *want = mcxt_hex(mcxt_need(r, key), &len);
    assert_int_equal(len, n);
    assert_memory_equal(want, got, n);
    free(want);
}

static void appA_and_round_trips(const struct mcxt_record *r)
{
    size_t zl, idl, ssvl;
    uint8_t *z = mcxt_hex(mcxt_need(r, "z"), &zl), *id = mcxt_hex(mcxt_need(r, "id"), &idl);
    uint8_t *ssv = mcxt_hex(mcxt_need(r, "ssv"), &ssvl);
    uint8_t Z[MCX_SAKKE_POINT_BYTES], K[MCX_SAKKE_POINT_BYTES], sed[MCX_SAKKE_SED_BYTES], out[16];
    assert_int_equal(zl, MCX_SAKKE_SCALAR_BYTES);
    assert_int_equal(ssvl, 16);
    assert_int_equal(mcx_sakke_kms_public(z, Z), MCX_OK);
    expect_hex(r, "Z", Z, sizeof Z);
    assert_int_equal(mcx_sakke_kms_issue(z, id, idl, K), MCX_OK);
    expect_hex(r, "rsk", K, sizeof K);
    mcx_sakke_pub *pub = NULL;
    mcx_sakke_rsk *k = NULL;
    assert_int_equal(mcx_sakke_pub_new(&pub, Z), MCX_OK);
    assert_int_equal(mcx_sakke_validate_rsk(pub, id, idl, K), MCX_OK);
    assert_int_equal(mcx_sakke_encapsulate(pub, id, idl, ssv, sed), MCX_OK);
    expect_hex(r, "sed", sed, sizeof sed);
    assert_int_equal(mcx_sakke_rsk_new(&k, pub, id, idl, K), MCX_OK);
    assert_int_equal(mcx_sakke_decapsulate(k, sed, out), MCX_OK);
    assert_memory_equal(out, ssv, 16);
    /* a flipped bit of the RSK fails validation (the RSK is then off the curve or wrong) */
    K[200] ^= 0x01;
    assert_int_not_equal(mcx_sakke_validate_rsk(pub, id, idl, K), MCX_OK);
    /* random SSVs both ways */
    for (int i = 0; i < 4; i++) {
        uint8_t s[16];
        assert_int_equal(mcx_random(s, sizeof s), MCX_OK);
        assert_int_equal(mcx_sakke_encapsulate(pub, id, idl, s, sed), MCX_OK);
        assert_int_equal(mcx_sakke_decapsulate(k, sed, out), MCX_OK);
        assert_memory_equal(out, s, 16);
    }
    mcx_sakke_rsk_free(k);
    mcx_sakke_pub_free(pub);
    free(z);
    free(id);
    free(ssv);
}

static void test_every_variant(void **state)
{
    (void)state;
    static const char *const fp_names[] = {"portable", "BMI2/ADX", "AVX-512 IFMA"};
    static const char *const scan_names[] = {"SSE2", "AVX2", "AVX-512"};
    struct mcxt_vecfile vf;
    struct mcxt_record r = {0};
    mcxt_vec_open(&vf, "rfc6508_appA.txt");
    assert_int_equal(mcxt_vec_next(&vf, &r), 1);
    int ran = 0;
    for (int fp = MCXI_FP_PORTABLE; fp <= MCXI_FP_IFMA; fp++) {
        if (mcxi_fp_set_backend(fp) < 0) {
            print_message("field backend %s: not on this CPU, skipped\n", fp_names[fp]);
            continue;
        }
        for (int scan = MCXI_SCAN_SSE2; scan <= MCXI_SCAN_AVX512; scan++) {
            if (mcxi_ec_set_scan(scan) < 0)
                continue;
            print_message("field backend %s, scan %s\n", fp_names[fp], scan_names[scan]);
            appA_and_round_trips(&r);
            ran++;
        }
    }
    assert_true(ran >= 1);
    assert_true(mcxi_fp_set_backend(-1) >= 0);
    assert_true(mcxi_ec_set_scan(-1) >= 0);
    mcxt_record_free(&r);
    mcxt_vec_close(&vf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_variant),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
