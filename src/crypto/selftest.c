/*
 * Known-answer self-tests of the crypto core (include/mcxsec/selftest.h, STYLE.md §1): RFC 6507
 * Appendix A (ECCSI), RFC 6508 Appendix A (SAKKE, parameter set 1 of RFC 6509), TS 33.220 B.2
 * (KDF), RFC 3830 §4.1.2 / RFC 6043 §6.1 (MIKEY PRF), TS 33.180 F.2.1.2 (UID) and F.1.3 (GUK-ID).
 * The values are those of tests/vectors/ (where their provenance is given). Every test also feeds
 * a one-bit change to the checking side and requires a refusal. Nothing here is secret: the
 * published test keys are public, so ordinary comparisons are used (never memcmp, by rule).
 */
#include "mcxsec/selftest.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/eccsi_internal.h"
#include "mcxsec/eccsi.h"
#include "mcxsec/kdf.h"
#include "mcxsec/sakke.h"
#include "mcxsec/util.h"

/* ---- the known answers ----------------------------------------------------------------------- */

/* RFC 6507/6508 Appendix A identifier "2011-02\0tel:+447700900123\0" */
static const char ID[] = "323031312d30320074656c3a2b34343737303039303031323300";

/* RFC 6507 Appendix A */
static const char ECCSI_KSAK[] = "12345";
static const char ECCSI_V[] = "23456";
static const char ECCSI_J[] = "34567";
static const char ECCSI_MSG[] = "6d65737361676500"; /* "message\0" */
static const char ECCSI_KPAK[] =
    "0450d4670bde75244f28d2838a0d25558a7a72686d4522d4c8273fb6442aebfa93dbdd37551afd263b5dfd61"
    "7f3960c65a8c298850ff99f20366dce7d4367217f4";
static const char ECCSI_PVT[] =
    "04758a142779be89e829e71984cb40ef758cc4ad775fc5b9a3e1c8ed52f6fa36d9a79d247692f4eda3a6bdab"
    "77d6aa6474a464ae4934663c5265ba7018ba091f79";
static const char ECCSI_HS[] = "490f3febbc1c902f6289723d7f8cbf79db88930849d19f38f0295b5c276c14d1";
static const char ECCSI_SSK[] = "23f374ae1f4033f3e9dbddaaef20f4cf0b86bbd5a138a5ae9e7e006b34489a0d";
static const char ECCSI_SIG[] =
    "269d4c8fdeb66a74e4ef8c0d5dcc597ddfe6029c2affc4936008cd2cc1045d81e09b528d0ef8d6df1aa3ecbf"
    "80110cfcec9fc68252cebb679f4134846940ccfd04758a142779be89e829e71984cb40ef758cc4ad775fc5b9"
    "a3e1c8ed52f6fa36d9a79d247692f4eda3a6bdab77d6aa6474a464ae4934663c5265ba7018ba091f79";

/* RFC 6508 Appendix A (z is left-padded to MCX_SAKKE_SCALAR_BYTES) */
static const char SAKKE_Z[] = "aff429d35f84b110d094803b3595a6e2998bc99f";
static const char SAKKE_ZPUB[] =
    "045958ef1b1679bf099b3a030df255aa6a23c1d8f143d4d23f753e69bd27a832f38cb4ad53ddef4260b0fe8b"
    "b45c4c1ff510effe300367a37b61f701d914aef09724825fa0707d61a6dff4fbd7273566cdde352a0b04b7c1"
    "6a78309be640697de747613a5fc195e8b9f328852a579db8f99b1d0034479ea9c5595f47c4b2f54ff21508d3"
    "7514dcf7a8e143a6058c09a6bf2c9858ca37c258065ae6bf7532bc8b5b63383866e0753c5ac0e72709f8445f"
    "2e6178e065857e0eda10f68206b63505ed87e534fb2831ff957fb7dc619dae61301eeacc2fda3680ea499925"
    "8a833cea8fc67c6d19487fb449059f26cc8aab655ab58b7cc796e24e9a394095754f5f8bae";
static const char SAKKE_RSK[] =
    "0493af67e5007ba6e6a80da793da300fa4b52d0a74e25e6e7b2b3d6ee9d18a9b5c5023597bd82d8062d34019"
    "563ba1d25c0dc56b7b979d74aa50f29fbf11cc2c93f5dfca615e609279f6175ceadb00b58c6bee1e7a2a47c4"
    "f0c456f05259a6fa94a634a40dae1df593d4fecf688d5fc678be7efc6df3d6835325b83b2c6e69036b155f0a"
    "27241094b04bfb0bdfac6c670a65c325d39a069f03659d44ca27d3be8df311172b554160181cbe94a2a78332"
    "0ced590bc42644702cf371271e496bf20f588b78a1bc01ecbb6559934bdd2fb65d2884318a33d1a42adf5e33"
    "cc5800280b28356497f87135bab9612a17260424409ac15fee996b744c332151235decb0f5";
static const char SAKKE_SSV[] = "123456789abcdef0123456789abcdef0";
static const char SAKKE_SED[] =
    "0444e8ad44ab8592a6a5a3ddca5cf896c718043606a01d650def37a01f37c228c332fc317354e2c274d4daf8"
    "ad001054c76ce57971c6f4486d5723043261c506ebf5be438f53de04f067c776e0dd3b71a6290133283725a5"
    "32f21af145126dc1d777ecc27be50835bd28098b8a73d9f801d893793a41ff5c49b87e79f2be4d56ce557e13"
    "4ad85bb1d4b9ce4f8be4b08a12babf55b1d6f1d7a638019ea28e15ab1c9f76375fdd1210d4f4351b9a009486"
    "b7f3ed46c965ded2d80dade4f38c6721d52c3ad103a10ebd2959248b4ef006836bf097448e6107c9edee9fb7"
    "04823df199f832c905ae45f8a247a072d8ef729eabc5e27574b07739b34be74a532f747b8689e0bc661aa1e9"
    "1638e6acc84e496507";

/* TS 33.220 B.2 KDF, FC 0x50, P0 = "sip:alice@streamwide.com" (tests/vectors/ts33220_kdf.txt) */
static const char KDF_KEY[] = "07d1a1677ac36d8e81620484689b3c2d";
static const char KDF_URI[] = "sip:alice@streamwide.com";
static const char KDF_OUT[] = "c46ce50eec7dcf4161d71448afe279b8698ddbc7ff36f14fb795e516db5896d3";
/* GUK-ID of that member for GMK-ID 0x0df9bc39 (tests/vectors/guk_id.txt) */
#define GUK_GMK_ID 0x0df9bc39u
#define GUK_WANT 0x06a12aeau

/* MIKEY PRF: TEK for CS-ID 4 (tests/vectors/mikey_prf.txt, Streamwide/Etherstack) */
static const char PRF_TGK[] = "fcfe65cd967c58d260b603ccb9a887a9";
static const char PRF_RAND[] = "6819e679461120e10ac458cce67b8024";
#define PRF_CSB_ID 0x01c8de7bu
static const char PRF_OUT[] = "64837d2b4d69a266e4489d3807353ad9";
/* ... and with the MIKEY-1 (HMAC-SHA-1) PRF, GMK Test 1 */
static const char PRF1_TGK[] = "07d1a1677ac36d8e81620484689b3c2d";
static const char PRF1_RAND[] = "ca2f5d51ff0866362c1d85a56f84651e";
#define PRF1_CSB_ID 0x06a12aeau
static const char PRF1_OUT[] = "a4b67b92a7a2f98636734f9740c1e8f0";

/* TS 33.180 F.2.1.2 UID (tests/vectors/ts33180_uid.txt) */
static const char UID_OUT[] = "3a81fb14c3b1d0fe43c9c577104d55a6d81788bfd2f09743c4557746a5a0353b";

/* ---- helpers -----------------------------------------------------------------------------------
 */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Decode hex into out[n], right-aligned (left-padded with zeros). 0 if it does not fit. */
static int unhex(uint8_t *out, size_t n, const char *hex)
{
    size_t digits = strlen(hex), bytes = (digits + 1) / 2;
    if (bytes > n)
        return 0;
    memset(out, 0, n);
    for (size_t i = 0; i < digits; i++) {
        int v = hexval(hex[digits - 1 - i]);
        if (v < 0)
            return 0;
        out[n - 1 - i / 2] |= (uint8_t)(i % 2 ? v << 4 : v);
    }
    return 1;
}

/* 1 if a[0..n) equals the hex value (of exactly n octets) */
static int eq_hex(const uint8_t *a, size_t n, const char *hex)
{
    uint8_t b[MCX_SAKKE_SED_BYTES];
    if (strlen(hex) != 2 * n || n > sizeof b || !unhex(b, n, hex))
        return 0;
    return mcx_ct_eq(a, b, n);
}

/* Map a failure of the code under test: its own error if it could not run (memory, RNG,
 * backend), MCX_ERR_SELFTEST for anything else. */
static mcx_err fail(mcx_err e)
{
    return e == MCX_ERR_NOMEM || e == MCX_ERR_RNG || e == MCX_ERR_INTERNAL ? e : MCX_ERR_SELFTEST;
}

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            rc = MCX_ERR_SELFTEST;                                                                 \
            goto out;                                                                              \
        }                                                                                          \
    } while (0)
#define RUN(call)                                                                                  \
    do {                                                                                           \
        mcx_err e_ = (call);                                                                       \
        if (e_ != MCX_OK) {                                                                        \
            rc = fail(e_);                                                                         \
            goto out;                                                                              \
        }                                                                                          \
    } while (0)

/* ---- the tests
 * ----------------------------------------------------------------------------------- */

/* RFC 6507 §4.2, §5.1.1, §5.1.2, §5.2.1, §5.2.2 on the Appendix A values */
static mcx_err test_eccsi(void)
{
    uint8_t id[26], ksak[32], v[32], j[32], msg[8], ssk[32], pvt[65], kpak[65], hs[32];
    uint8_t sig[MCX_ECCSI_SIG_BYTES], out_ssk[32], out_pvt[65];
    mcx_eccsi_signer *s = NULL;
    mcx_err rc = MCX_OK;
    CHECK(unhex(id, sizeof id, ID) && unhex(ksak, sizeof ksak, ECCSI_KSAK) &&
          unhex(v, sizeof v, ECCSI_V) && unhex(j, sizeof j, ECCSI_J) &&
          unhex(msg, sizeof msg, ECCSI_MSG) && unhex(sig, sizeof sig, ECCSI_SIG));
    /* KMS public key and key issue */
    RUN(mcx_eccsi_kms_public(ksak, kpak));
    CHECK(eq_hex(kpak, sizeof kpak, ECCSI_KPAK));
    RUN(mcxi_eccsi_kms_issue_with_v(ksak, id, sizeof id, v, ssk, pvt));
    CHECK(eq_hex(ssk, sizeof ssk, ECCSI_SSK) && eq_hex(pvt, sizeof pvt, ECCSI_PVT));
    /* user-side validation, and a wrong SSK refused */
    RUN(mcx_eccsi_validate(kpak, id, sizeof id, ssk, pvt, hs));
    CHECK(eq_hex(hs, sizeof hs, ECCSI_HS));
    ssk[31] ^= 1;
    CHECK(mcx_eccsi_validate(kpak, id, sizeof id, ssk, pvt, NULL) == MCX_ERR_KEY_INVALID);
    ssk[31] ^= 1;
    /* signing with the RFC's j, verification, and a one-bit change refused */
    RUN(mcx_eccsi_signer_new(&s, kpak, id, sizeof id, ssk, pvt));
    RUN(mcxi_eccsi_sign_with_j(s, msg, sizeof msg, j, sig));
    CHECK(eq_hex(sig, sizeof sig, ECCSI_SIG));
    RUN(mcx_eccsi_verify(kpak, id, sizeof id, msg, sizeof msg, sig));
    sig[40] ^= 0x10; /* in s */
    CHECK(mcx_eccsi_verify(kpak, id, sizeof id, msg, sizeof msg, sig) == MCX_ERR_VERIFY);
    sig[40] ^= 0x10;
    msg[0] ^= 1;
    CHECK(mcx_eccsi_verify(kpak, id, sizeof id, msg, sizeof msg, sig) == MCX_ERR_VERIFY);
    msg[0] ^= 1;
    /* and the randomised public functions: issue -> validate, sign -> verify */
    RUN(mcx_eccsi_kms_issue(ksak, id, sizeof id, out_ssk, out_pvt));
    RUN(mcx_eccsi_validate(kpak, id, sizeof id, out_ssk, out_pvt, NULL));
    RUN(mcx_eccsi_sign(s, msg, sizeof msg, sig));
    RUN(mcx_eccsi_verify(kpak, id, sizeof id, msg, sizeof msg, sig));
out:
    mcx_eccsi_signer_free(s);
    mcx_wipe(ssk, sizeof ssk);
    mcx_wipe(out_ssk, sizeof out_ssk);
    return rc;
}

/* RFC 6508 §2.2, §6.1.1, §6.1.2, §6.2.1, §6.2.2 on the Appendix A values */
static mcx_err test_sakke(void)
{
    uint8_t id[26], z[MCX_SAKKE_SCALAR_BYTES], Z[MCX_SAKKE_POINT_BYTES], rsk[MCX_SAKKE_POINT_BYTES];
    uint8_t ssv[MCX_SAKKE_SSV_BYTES], out[MCX_SAKKE_SSV_BYTES], sed[MCX_SAKKE_SED_BYTES];
    mcx_sakke_pub *pub = NULL;
    mcx_sakke_rsk *k = NULL;
    mcx_err rc = MCX_OK;
    CHECK(unhex(id, sizeof id, ID) && unhex(z, sizeof z, SAKKE_Z) &&
          unhex(ssv, sizeof ssv, SAKKE_SSV));
    /* KMS public key and RSK issue */
    RUN(mcx_sakke_kms_public(z, Z));
    CHECK(eq_hex(Z, sizeof Z, SAKKE_ZPUB));
    RUN(mcx_sakke_kms_issue(z, id, sizeof id, rsk));
    CHECK(eq_hex(rsk, sizeof rsk, SAKKE_RSK));
    /* encapsulation of the RFC's SSV is deterministic */
    RUN(mcx_sakke_pub_new(&pub, Z));
    RUN(mcx_sakke_encapsulate(pub, id, sizeof id, ssv, sed));
    CHECK(eq_hex(sed, sizeof sed, SAKKE_SED));
    /* RSK validation and decapsulation, and a one-bit change refused */
    RUN(mcx_sakke_rsk_new(&k, pub, id, sizeof id, rsk));
    RUN(mcx_sakke_decapsulate(k, sed, out));
    CHECK(mcx_ct_eq(out, ssv, sizeof ssv));
    sed[MCX_SAKKE_POINT_BYTES] ^= 1; /* in H */
    CHECK(mcx_sakke_decapsulate(k, sed, out) == MCX_ERR_SAKKE_CHECK);
    id[0] ^= 1;
    CHECK(mcx_sakke_validate_rsk(pub, id, sizeof id, rsk) == MCX_ERR_KEY_INVALID);
out:
    mcx_sakke_rsk_free(k);
    mcx_sakke_pub_free(pub);
    mcx_wipe(z, sizeof z);
    mcx_wipe(rsk, sizeof rsk);
    mcx_wipe(out, sizeof out);
    return rc;
}

/* TS 33.220 Annex B.2 */
static mcx_err test_kdf(void)
{
    uint8_t key[16], out[MCX_KDF_OUT_BYTES];
    struct mcx_kdf_param p = {(const uint8_t *)KDF_URI, sizeof KDF_URI - 1};
    mcx_err rc = MCX_OK;
    CHECK(unhex(key, sizeof key, KDF_KEY));
    RUN(mcx_kdf_3gpp(key, sizeof key, 0x50, &p, 1, out));
    CHECK(eq_hex(out, sizeof out, KDF_OUT));
    RUN(mcx_kdf_3gpp(key, sizeof key, 0x51, &p, 1, out));
    CHECK(!eq_hex(out, sizeof out, KDF_OUT));
out:
    return rc;
}

/* RFC 3830 §4.1.2 / §4.1.3 with PRF-HMAC-SHA-256 (RFC 6043 §6.1), and MIKEY-1 */
static mcx_err test_mikey_prf(void)
{
    uint8_t tgk[16], rnd[16], out[16];
    mcx_err rc = MCX_OK;
    CHECK(unhex(tgk, sizeof tgk, PRF_TGK) && unhex(rnd, sizeof rnd, PRF_RAND));
    RUN(mcx_mikey_derive(MCX_PRF_HMAC_SHA256, tgk, sizeof tgk, MCX_PRF_CONST_TEK, 4, PRF_CSB_ID,
                         rnd, sizeof rnd, out, sizeof out));
    CHECK(eq_hex(out, sizeof out, PRF_OUT));
    RUN(mcx_mikey_derive(MCX_PRF_HMAC_SHA256, tgk, sizeof tgk, MCX_PRF_CONST_TEK, 4,
                         PRF_CSB_ID ^ 1u, rnd, sizeof rnd, out, sizeof out));
    CHECK(!eq_hex(out, sizeof out, PRF_OUT));
    CHECK(unhex(tgk, sizeof tgk, PRF1_TGK) && unhex(rnd, sizeof rnd, PRF1_RAND));
    RUN(mcx_mikey_derive(MCX_PRF_MIKEY_1, tgk, sizeof tgk, MCX_PRF_CONST_TEK, 4, PRF1_CSB_ID, rnd,
                         sizeof rnd, out, sizeof out));
    CHECK(eq_hex(out, sizeof out, PRF1_OUT));
out:
    return rc;
}

/* TS 33.180 F.2.1.2: the UID of sip:user@example.org at kms.example.org, period no 1388 */
static mcx_err test_uid(void)
{
    uint8_t uid[MCX_UID_BYTES];
    uint64_t no = 0;
    mcx_err rc = MCX_OK;
    RUN(mcx_key_period_no(3599719634u, 2592000, 0, &no));
    CHECK(no == 1388);
    RUN(mcx_uid("sip:user@example.org", "kms.example.org", 2592000, 0, no, uid));
    CHECK(eq_hex(uid, sizeof uid, UID_OUT));
    RUN(mcx_uid("sip:user@example.org", "kms.example.org", 2592000, 0, no - 1, uid));
    CHECK(!eq_hex(uid, sizeof uid, UID_OUT));
out:
    return rc;
}

/* TS 33.180 §5.2.3 / F.1.3 GUK-ID, and its inverse */
static mcx_err test_guk_id(void)
{
    uint8_t gmk[16];
    uint32_t guk = 0, back = 0;
    mcx_err rc = MCX_OK;
    CHECK(unhex(gmk, sizeof gmk, KDF_KEY));
    RUN(mcx_guk_id(gmk, sizeof gmk, GUK_GMK_ID, KDF_URI, &guk));
    CHECK(guk == GUK_WANT);
    RUN(mcx_guk_id(gmk, sizeof gmk, guk, KDF_URI, &back));
    CHECK(back == GUK_GMK_ID);
    RUN(mcx_guk_id(gmk, sizeof gmk, GUK_GMK_ID, "sip:alice@streamwide.con", &guk));
    CHECK(guk != GUK_WANT);
out:
    return rc;
}

static const struct {
    const char *name;
    mcx_err (*run)(void);
} tests[] = {
    {"eccsi", test_eccsi},         {"sakke", test_sakke}, {"kdf", test_kdf},
    {"mikey_prf", test_mikey_prf}, {"uid", test_uid},     {"guk_id", test_guk_id},
};

size_t mcx_selftest_count(void)
{
    return sizeof tests / sizeof tests[0];
}

mcx_err mcx_selftest_one(size_t i, const char **name)
{
    if (name != NULL)
        *name = i < mcx_selftest_count() ? tests[i].name : NULL;
    if (i >= mcx_selftest_count())
        return MCX_ERR_ARG;
    return tests[i].run();
}

mcx_err mcx_selftest(const char **failed)
{
    if (failed != NULL)
        *failed = NULL;
    for (size_t i = 0; i < mcx_selftest_count(); i++) {
        const char *name = NULL;
        mcx_err rc = mcx_selftest_one(i, &name);
        if (rc != MCX_OK) {
            if (failed != NULL)
                *failed = name;
            return rc;
        }
    }
    return MCX_OK;
}
