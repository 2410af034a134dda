/*
 * Constant-time test ("ctgrind") of ECCSI key issue, validation and signing (RFC 6507) and of the
 * key derivations (TS 33.220 KDF, RFC 3830 PRF, GUK-ID). Run by ctest under valgrind memcheck
 * against the MCX_CTGRIND library variant: the secret inputs (KSAK, SSK, v, j, KDF/PRF keys) are
 * marked undefined, and the library itself marks its fresh nonces (v, j, β) undefined, so any
 * branch, loop bound or memory index that depends on a secret is reported by valgrind as a use of
 * an uninitialised value and fails the test (--error-exitcode=1). The library declassifies only
 * public values (outputs, blinded values, decision bits), each with a comment.
 * Results are unpoisoned and checked against the RFC 6507 Appendix A values, so the test also
 * fails when the code under test is wrong.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "crypto/eccsi_internal.h"
#include "mcxsec/eccsi.h"
#include "mcxsec/kdf.h"
#include "util/ct.h"

static int failures;

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "ct_eccsi: check failed at line %d: %s\n", __LINE__, #c);              \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static void unhex(uint8_t *out, const char *hex, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            v = 0;
        out[i] = (uint8_t)v;
    }
}

/* RFC 6507 Appendix A (tests/vectors/rfc6507_appA.txt) */
static const char ID_HEX[] = "323031312d30320074656c3a2b34343737303039303031323300";
static const char KPAK_HEX[] = "0450d4670bde75244f28d2838a0d25558a7a72686d4522d4c8273fb6442aebfa93"
                               "dbdd37551afd263b5dfd617f3960c65a8c298850ff99f20366dce7d4367217f4";
static const char PVT_HEX[] = "04758a142779be89e829e71984cb40ef758cc4ad775fc5b9a3e1c8ed52f6fa36d9"
                              "a79d247692f4eda3a6bdab77d6aa6474a464ae4934663c5265ba7018ba091f79";
static const char SSK_HEX[] = "23f374ae1f4033f3e9dbddaaef20f4cf0b86bbd5a138a5ae9e7e006b34489a0d";
static const char S_HEX[] = "e09b528d0ef8d6df1aa3ecbf80110cfcec9fc68252cebb679f4134846940ccfd";
static const char R_HEX[] = "269d4c8fdeb66a74e4ef8c0d5dcc597ddfe6029c2affc4936008cd2cc1045d81";

int main(void)
{
    uint8_t id[26], kpak[65], pvt[65], ssk[32], s_want[32], r_want[32];
    uint8_t ksak[32] = {0}, v[32] = {0}, j[32] = {0};
    uint8_t out_kpak[65], out_ssk[32], out_pvt[65], sig[129], hs[32];
    static const uint8_t msg[] = {0x6d, 0x65, 0x73, 0x73, 0x61, 0x67, 0x65, 0x00};
    mcx_err rc;

    unhex(id, ID_HEX, sizeof id);
    unhex(kpak, KPAK_HEX, sizeof kpak);
    unhex(pvt, PVT_HEX, sizeof pvt);
    unhex(ssk, SSK_HEX, sizeof ssk);
    unhex(s_want, S_HEX, sizeof s_want);
    unhex(r_want, R_HEX, sizeof r_want);
    ksak[29] = 0x01, ksak[30] = 0x23, ksak[31] = 0x45;
    v[29] = 0x02, v[30] = 0x34, v[31] = 0x56;
    j[29] = 0x03, j[30] = 0x45, j[31] = 0x67;

    /* KPAK = [KSAK]G with KSAK secret */
    mcxi_ct_poison(ksak, sizeof ksak);
    rc = mcx_eccsi_kms_public(ksak, out_kpak);
    CHECK(rc == MCX_OK);
    mcxi_ct_unpoison(out_kpak, sizeof out_kpak);
    CHECK(memcmp(out_kpak, kpak, sizeof kpak) == 0);

    /* key issue with KSAK and v secret (the RFC's v) */
    mcxi_ct_poison(v, sizeof v);
    rc = mcxi_eccsi_kms_issue_with_v(ksak, id, sizeof id, v, out_ssk, out_pvt);
    CHECK(rc == MCX_OK);
    mcxi_ct_unpoison(out_ssk, sizeof out_ssk);
    CHECK(memcmp(out_ssk, ssk, sizeof ssk) == 0);
    CHECK(memcmp(out_pvt, pvt, sizeof pvt) == 0);

    /* key issue with a random v (poisoned inside the library) */
    rc = mcx_eccsi_kms_issue(ksak, id, sizeof id, out_ssk, out_pvt);
    CHECK(rc == MCX_OK);
    mcxi_ct_unpoison(out_ssk, sizeof out_ssk);
    CHECK(mcx_eccsi_validate(kpak, id, sizeof id, out_ssk, out_pvt, NULL) == MCX_OK);

    /* KMS key generation (KSAK drawn and poisoned inside the library) */
    uint8_t k2[32], kp2[65];
    CHECK(mcx_eccsi_kms_keygen(k2, kp2) == MCX_OK);

    /* user-side validation with SSK secret */
    mcxi_ct_poison(ssk, sizeof ssk);
    rc = mcx_eccsi_validate(kpak, id, sizeof id, ssk, pvt, hs);
    CHECK(rc == MCX_OK);
    /* a wrong SSK is rejected, still without secret-dependent branches */
    uint8_t ssk_bad[32];
    memcpy(ssk_bad, ssk, sizeof ssk_bad);
    ssk_bad[31] ^= 1;
    CHECK(mcx_eccsi_validate(kpak, id, sizeof id, ssk_bad, pvt, NULL) == MCX_ERR_KEY_INVALID);

    /* signing with SSK and j secret (the RFC's j), then with random j */
    mcx_eccsi_signer *sg = NULL;
    rc = mcx_eccsi_signer_new(&sg, kpak, id, sizeof id, ssk, pvt);
    CHECK(rc == MCX_OK);
    if (sg != NULL) {
        mcxi_ct_poison(j, sizeof j);
        rc = mcxi_eccsi_sign_with_j(sg, msg, sizeof msg, j, sig);
        CHECK(rc == MCX_OK);
        CHECK(memcmp(sig, r_want, 32) == 0 && memcmp(sig + 32, s_want, 32) == 0);
        for (int i = 0; i < 3; i++) {
            rc = mcx_eccsi_sign(sg, msg, sizeof msg, sig);
            CHECK(rc == MCX_OK);
            CHECK(mcx_eccsi_verify(kpak, id, sizeof id, msg, sizeof msg, sig) == MCX_OK);
        }
        mcx_eccsi_signer_free(sg);
    }

    /* derivations with the key secret */
    uint8_t gmk[16] = {0x07, 0xd1, 0xa1, 0x67, 0x7a, 0xc3, 0x6d, 0x8e,
                       0x81, 0x62, 0x04, 0x84, 0x68, 0x9b, 0x3c, 0x2d};
    static const char uri[] = "sip:alice@streamwide.com";
    struct mcx_kdf_param p0 = {(const uint8_t *)uri, sizeof uri - 1};
    uint8_t kdf_out[32], prf_out[16];
    uint32_t guk = 0;
    static const uint8_t rnd[16] = {0xca, 0x2f, 0x5d, 0x51, 0xff, 0x08, 0x66, 0x36,
                                    0x2c, 0x1d, 0x85, 0xa5, 0x6f, 0x84, 0x65, 0x1e};
    mcxi_ct_poison(gmk, sizeof gmk);
    CHECK(mcx_kdf_3gpp(gmk, sizeof gmk, 0x50, &p0, 1, kdf_out) == MCX_OK);
    /* the GUK-ID is public (it is carried in the clear as the CSB-ID) */
    CHECK(mcx_guk_id(gmk, sizeof gmk, 0x0df9bc39u, uri, &guk) == MCX_OK);
    mcxi_ct_unpoison(&guk, sizeof guk);
    CHECK(guk == 0x06a12aeau);
    CHECK(mcx_mikey_derive(MCX_PRF_HMAC_SHA256, gmk, sizeof gmk, MCX_PRF_CONST_TEK, 4, 0x06a12aeau,
                           rnd, sizeof rnd, prf_out, sizeof prf_out) == MCX_OK);
    CHECK(mcx_mikey_derive(MCX_PRF_MIKEY_1, gmk, sizeof gmk, MCX_PRF_CONST_TEK, 4, 0x06a12aeau, rnd,
                           sizeof rnd, prf_out, sizeof prf_out) == MCX_OK);
    mcxi_ct_unpoison(prf_out, sizeof prf_out);
    static const uint8_t sha1_want[16] = {0xa4, 0xb6, 0x7b, 0x92, 0xa7, 0xa2, 0xf9, 0x86,
                                          0x36, 0x73, 0x4f, 0x97, 0x40, 0xc1, 0xe8, 0xf0};
    CHECK(memcmp(prf_out, sha1_want, sizeof sha1_want) == 0);

    if (failures == 0)
        printf("ct_eccsi: all checks passed\n");
    return failures != 0;
}
