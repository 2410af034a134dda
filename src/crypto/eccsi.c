/*
 * ECCSI identity-based signatures (RFC 6507) on NIST P-256 with SHA-256, as profiled by RFC 6509
 * and TS 33.180 for MCX: KMS key generation (§4.2), SSK/PVT issue (§5.1.1), user-side validation
 * (§5.1.2), signing (§5.2.1) and verification (§5.2.2), plus a verifier that caches
 * Y = [HS]PVT + KPAK per signer.
 *
 * Point arithmetic is OpenSSL's: the group is created by NID so the constant-time nistz256 code
 * (with its precomputed generator table) is used. Every scalar computation mod q on a secret
 * (KSAK, SSK, v, j) is done by the fixed-width constant-time code of p256n.c, never by BN; BN only
 * carries scalars into EC_POINT_mul, flagged BN_FLG_CONSTTIME.
 */

/*
 * EC_POINTs_mul is deprecated in OpenSSL 3.0 but is still the only public multi-scalar
 * multiplication, and on P-256 it runs the nistz256 interleaved windowed code, which makes an
 * uncached verification one 3-term multiplication instead of two. Without the deprecated API the
 * code falls back to two multiplications (see verify_uncached).
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "mcxsec/eccsi.h"

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/eccsi_internal.h"
#include "crypto/p256n.h"
#include "mcxsec/util.h"
#include "util/ct.h"

#define SB MCX_ECCSI_SCALAR_BYTES
#define PB MCX_ECCSI_POINT_BYTES

/* The field prime p of P-256, big-endian (coordinates must be < p). */
static const uint8_t P256_P[32] = {0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
                                   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF,
                                   0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

/* One-time state: the group, the encoded generator, and a pre-fetched SHA-256. Read-only after
 * initialisation, so it is shared by all threads. */
static struct {
    EC_GROUP *group;
    EVP_MD *sha256;
    BIGNUM *p; /* the field prime */
    uint8_t g_oct[PB];
    int ok;
} g_ecc;
static pthread_once_t g_ecc_once = PTHREAD_ONCE_INIT;

static void ecc_init_once(void)
{
    g_ecc.group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    g_ecc.sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    if (g_ecc.group == NULL || g_ecc.sha256 == NULL)
        return;
    const EC_POINT *g = EC_GROUP_get0_generator(g_ecc.group);
    if (g == NULL || EC_POINT_point2oct(g_ecc.group, g, POINT_CONVERSION_UNCOMPRESSED, g_ecc.g_oct,
                                        PB, NULL) != PB)
        return;
    if ((g_ecc.p = BN_bin2bn(P256_P, sizeof P256_P, NULL)) == NULL)
        return;
    g_ecc.ok = 1;
}

static mcx_err ecc_init(void)
{
    if (pthread_once(&g_ecc_once, ecc_init_once) != 0 || !g_ecc.ok)
        return MCX_ERR_INTERNAL;
    return MCX_OK;
}

/* ---- small helpers ------------------------------------------------------------------------------
 */

/* Declassify a 0/1 decision bit: the caller documents why the decision is public. */
static uint64_t declassify(uint64_t bit)
{
    mcxi_ct_unpoison(&bit, sizeof bit);
    return bit;
}

/* SHA-256 over up to four parts. */
struct part {
    const uint8_t *p;
    size_t n;
};

static mcx_err sha256_parts(const struct part *parts, size_t nparts, uint8_t out[32])
{
    mcx_err rc = MCX_ERR_INTERNAL;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (c == NULL)
        return MCX_ERR_NOMEM;
    if (EVP_DigestInit_ex(c, g_ecc.sha256, NULL) != 1)
        goto out;
    for (size_t i = 0; i < nparts; i++)
        if (parts[i].n > 0 && EVP_DigestUpdate(c, parts[i].p, parts[i].n) != 1)
            goto out;
    if (EVP_DigestFinal_ex(c, out, NULL) != 1)
        goto out;
    rc = MCX_OK;
out:
    EVP_MD_CTX_free(c);
    return rc;
}

/* RFC 6507 §5.1.1 step 3: HS = hash(G || KPAK || ID || PVT), points uncompressed. */
static mcx_err compute_hs(const uint8_t kpak[PB], const uint8_t *id, size_t id_len,
                          const uint8_t pvt[PB], uint8_t hs[32])
{
    const struct part parts[4] = {{g_ecc.g_oct, PB}, {kpak, PB}, {id, id_len}, {pvt, PB}};
    return sha256_parts(parts, 4, hs);
}

/* RFC 6507 §5.2.1 step 3: HE = hash(HS || r || M). */
static mcx_err compute_he(const uint8_t hs[32], const uint8_t r[SB], const uint8_t *msg,
                          size_t msg_len, uint8_t he[32])
{
    const struct part parts[3] = {{hs, 32}, {r, SB}, {msg, msg_len}};
    return sha256_parts(parts, 3, he);
}

/* Load a scalar (< 2^256) into a BN for EC_POINT_mul, flagged constant-time. BN_bin2bn skips
 * leading zero octets in a data-dependent loop, which for a secret scalar would reveal whether its
 * top octet is zero (probability 2^-8). A constant 0x01 octet in front means there are none, and
 * BN_clear_bit takes the 2^256 off again; what remains is BN's top-limb bookkeeping
 * (bn_correct_top), revealing only whether the top 64-bit limb is zero (probability 2^-64; see
 * tests/ct/openssl.supp). */
static __attribute__((noinline)) int scalar_to_bn(BIGNUM *bn, const uint64_t k[4])
{
    uint8_t b[1 + SB];
    b[0] = 0x01;
    mcxi_p256n_to_be(b + 1, k);
    int ok = BN_bin2bn(b, (int)sizeof b, bn) != NULL && BN_clear_bit(bn, 8 * SB) == 1;
    BN_set_flags(bn, BN_FLG_CONSTTIME);
    mcx_wipe(b, sizeof b);
    return ok;
}

/* 1 if the big-endian integer a[0..n) is less than b[0..n). Public data only (memcmp is not used
 * in src/crypto, so that no comparison of secrets can slip in as one). */
static int be_less(const uint8_t *a, const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return a[i] < b[i];
    return 0;
}

/* Decode a public point 0x04 || x || y with the specific error for each defect. */
static mcx_err point_decode(const uint8_t in[PB], EC_POINT *out, BN_CTX *ctx)
{
    mcx_err rc = MCX_OK;
    /* SEC 1 §2.3.4: a leading 0x00 octet encodes the point at infinity */
    if (in[0] == 0x00)
        return MCX_ERR_INFINITY;
    if (in[0] != 0x04)
        return MCX_ERR_POINT_FORMAT;
    /* public data: an ordinary comparison is fine */
    if (!be_less(in + 1, P256_P, 32) || !be_less(in + 33, P256_P, 32))
        return MCX_ERR_POINT_RANGE;
    BN_CTX_start(ctx);
    BIGNUM *x = BN_CTX_get(ctx);
    BIGNUM *y = BN_CTX_get(ctx);
    if (y == NULL || BN_bin2bn(in + 1, 32, x) == NULL || BN_bin2bn(in + 33, 32, y) == NULL) {
        rc = MCX_ERR_NOMEM;
        goto out;
    }
    /* EC_POINT_set_affine_coordinates rejects points off the curve (cofactor 1: on the curve
     * means in the prime-order group). */
    if (EC_POINT_set_affine_coordinates(g_ecc.group, out, x, y, ctx) != 1) {
        ERR_clear_error();
        rc = MCX_ERR_NOT_ON_CURVE;
    }
out:
    BN_CTX_end(ctx);
    return rc;
}

static __attribute__((noinline)) mcx_err point_encode(const EC_POINT *p, uint8_t out[PB],
                                                      BN_CTX *ctx)
{
    if (EC_POINT_is_at_infinity(g_ecc.group, p))
        return MCX_ERR_INFINITY;
    if (EC_POINT_point2oct(g_ecc.group, p, POINT_CONVERSION_UNCOMPRESSED, out, PB, ctx) != PB)
        return MCX_ERR_INTERNAL;
    return MCX_OK;
}

/* out = the 32-octet x coordinate of p (not at infinity). A separate, non-inlined function so that
 * the constant-time test's suppressions can name it (tests/ct/openssl.supp, ECCSI block). */
static __attribute__((noinline)) mcx_err affine_x(const EC_POINT *p, uint8_t out[SB], BN_CTX *ctx)
{
    mcx_err rc = MCX_OK;
    BN_CTX_start(ctx);
    BIGNUM *x = BN_CTX_get(ctx);
    if (x == NULL)
        rc = MCX_ERR_NOMEM;
    else if (EC_POINT_get_affine_coordinates(g_ecc.group, p, x, NULL, ctx) != 1 ||
             BN_bn2binpad(x, out, SB) != SB)
        rc = MCX_ERR_INTERNAL;
    if (x != NULL)
        BN_clear(x);
    BN_CTX_end(ctx);
    return rc;
}

/* R = [k]G for a secret k: nistz256's constant-time fixed-base multiplication. */
static __attribute__((noinline)) mcx_err mul_gen(EC_POINT *r, const uint64_t k[4], BN_CTX *ctx)
{
    mcx_err rc = MCX_OK;
    BN_CTX_start(ctx);
    BIGNUM *kb = BN_CTX_get(ctx);
    if (kb == NULL || !scalar_to_bn(kb, k))
        rc = MCX_ERR_NOMEM;
    else if (EC_POINT_mul(g_ecc.group, r, kb, NULL, NULL, ctx) != 1)
        rc = MCX_ERR_INTERNAL;
    if (kb != NULL)
        BN_clear(kb);
    BN_CTX_end(ctx);
    return rc;
}

/* Draw `count` (<= 2) independent uniformly random scalars in [1, q-1] from one RNG call, by
 * rejection sampling (a candidate is out of range with probability about 2^-32). */
static mcx_err random_scalars(uint64_t k[][4], size_t count)
{
    uint8_t b[2 * SB];
    mcx_err rc = MCX_ERR_RNG;
    if (count > 2)
        return MCX_ERR_ARG;
    for (int tries = 0; tries < 64; tries++) {
        if ((rc = mcx_random(b, count * SB)) != MCX_OK)
            break;
        /* The fresh nonces are secret from here on (ctgrind builds track them). */
        mcxi_ct_poison(b, sizeof b);
        uint64_t ok = 1;
        for (size_t i = 0; i < count; i++) {
            mcxi_p256n_from_be(k[i], b + i * SB);
            ok &= mcxi_p256n_in_range(k[i]);
        }
        /* Rejecting a draw reveals only that that draw was out of range, which is independent of
         * the values finally accepted: the decision bit is public. */
        if (declassify(ok)) {
            rc = MCX_OK;
            break;
        }
        rc = MCX_ERR_RNG;
    }
    mcx_wipe(b, sizeof b);
    if (rc != MCX_OK)
        mcx_wipe(k, count * sizeof k[0]);
    return rc;
}

static mcx_err random_scalar(uint64_t k[4])
{
    return random_scalars((uint64_t(*)[4])k, 1);
}

/* ---- KMS side -----------------------------------------------------------------------------------
 */

/* KPAK = [KSAK]G, with the range check on KSAK. */
static mcx_err kms_public(const uint64_t ksak[4], uint8_t kpak[PB], BN_CTX *ctx)
{
    mcx_err rc;
    /* RFC 6507 §4.2: KSAK in [1, q-1]. Whether a supplied KSAK is valid is public (it decides
     * the error returned). */
    if (!declassify(mcxi_p256n_in_range(ksak)))
        return MCX_ERR_SCALAR_RANGE;
    EC_POINT *kp = EC_POINT_new(g_ecc.group);
    if (kp == NULL)
        return MCX_ERR_NOMEM;
    if ((rc = mul_gen(kp, ksak, ctx)) == MCX_OK)
        rc = point_encode(kp, kpak, ctx);
    EC_POINT_clear_free(kp);
    /* KPAK is the KMS public key */
    mcxi_ct_unpoison(kpak, PB);
    return rc;
}

mcx_err mcx_eccsi_kms_public(const uint8_t ksak[SB], uint8_t kpak[PB])
{
    mcx_err rc;
    uint64_t k[4];
    BN_CTX *ctx = NULL;
    if (ksak == NULL || kpak == NULL)
        return MCX_ERR_ARG;
    memset(kpak, 0, PB);
    if ((rc = ecc_init()) != MCX_OK)
        return rc;
    if ((ctx = BN_CTX_new()) == NULL)
        return MCX_ERR_NOMEM;
    mcxi_p256n_from_be(k, ksak);
    rc = kms_public(k, kpak, ctx);
    if (rc != MCX_OK)
        memset(kpak, 0, PB);
    mcx_wipe(k, sizeof k);
    BN_CTX_free(ctx);
    return rc;
}

mcx_err mcx_eccsi_kms_keygen(uint8_t ksak[SB], uint8_t kpak[PB])
{
    mcx_err rc;
    uint64_t k[4];
    BN_CTX *ctx = NULL;
    if (ksak == NULL || kpak == NULL)
        return MCX_ERR_ARG;
    mcx_wipe(ksak, SB);
    memset(kpak, 0, PB);
    if ((rc = ecc_init()) != MCX_OK)
        return rc;
    if ((ctx = BN_CTX_new()) == NULL)
        return MCX_ERR_NOMEM;
    if ((rc = random_scalar(k)) != MCX_OK)
        goto out;
    if ((rc = kms_public(k, kpak, ctx)) != MCX_OK)
        goto out;
    mcxi_p256n_to_be(ksak, k);
out:
    if (rc != MCX_OK) {
        mcx_wipe(ksak, SB);
        memset(kpak, 0, PB);
    }
    mcx_wipe(k, sizeof k);
    BN_CTX_free(ctx);
    return rc;
}

/* One attempt of RFC 6507 §5.1.1 with a given v (both secret, both in [1, q-1] already). */
static mcx_err issue_attempt(const uint64_t ksak[4], const uint8_t kpak[PB], const uint8_t *id,
                             size_t id_len, const uint64_t v[4], uint8_t ssk[SB], uint8_t pvt[PB],
                             BN_CTX *ctx)
{
    mcx_err rc;
    uint8_t hs[32];
    uint64_t h[4], t[4];
    EC_POINT *pv = EC_POINT_new(g_ecc.group);
    if (pv == NULL)
        return MCX_ERR_NOMEM;
    /* §5.1.1 step 2: "Compute PVT = [v]G" */
    if ((rc = mul_gen(pv, v, ctx)) != MCX_OK || (rc = point_encode(pv, pvt, ctx)) != MCX_OK)
        goto out;
    /* PVT is published with the SSK: public from here on */
    mcxi_ct_unpoison(pvt, PB);
    /* step 3: HS = hash(G || KPAK || ID || PVT) */
    if ((rc = compute_hs(kpak, id, id_len, pvt, hs)) != MCX_OK)
        goto out;
    mcxi_p256n_from_be(h, hs);
    mcxi_p256n_reduce(h, h);
    /* "if HS = 0 (mod q) ... discard v and restart": HS is public */
    if (mcxi_p256n_is_zero(h)) {
        rc = MCX_ERR_STATE;
        goto out;
    }
    /* step 4: SSK = (KSAK + HS·v) mod q */
    mcxi_p256n_mul(t, h, v);
    mcxi_p256n_add(t, t, ksak);
    /* step 5: "if SSK = 0 ... restart": whether this v gave SSK = 0 is public (the v is then
     * discarded; the decision says nothing about the SSK finally issued). */
    if (declassify(mcxi_p256n_is_zero(t))) {
        rc = MCX_ERR_STATE;
        goto out;
    }
    mcxi_p256n_to_be(ssk, t);
out:
    mcx_wipe(t, sizeof t);
    EC_POINT_clear_free(pv);
    return rc;
}

static mcx_err issue_common(const uint8_t ksak_b[SB], const uint8_t *id, size_t id_len,
                            const uint8_t *v_b, uint8_t ssk[SB], uint8_t pvt[PB])
{
    mcx_err rc;
    uint64_t ksak[4], v[4];
    uint8_t kpak[PB];
    BN_CTX *ctx = NULL;
    if (ksak_b == NULL || ssk == NULL || pvt == NULL || (id == NULL && id_len > 0))
        return MCX_ERR_ARG;
    mcx_wipe(ssk, SB);
    memset(pvt, 0, PB);
    if (id_len == 0)
        return MCX_ERR_EMPTY_ID;
    if ((rc = ecc_init()) != MCX_OK)
        return rc;
    if ((ctx = BN_CTX_new()) == NULL)
        return MCX_ERR_NOMEM;
    mcxi_p256n_from_be(ksak, ksak_b);
    if ((rc = kms_public(ksak, kpak, ctx)) != MCX_OK)
        goto out;
    if (v_b != NULL) {
        mcxi_p256n_from_be(v, v_b);
        /* the caller's v: its validity decides the error returned */
        if (!declassify(mcxi_p256n_in_range(v))) {
            rc = MCX_ERR_SCALAR_RANGE;
            goto out;
        }
        rc = issue_attempt(ksak, kpak, id, id_len, v, ssk, pvt, ctx);
    } else {
        rc = MCX_ERR_RNG;
        for (int tries = 0; tries < 16; tries++) {
            if ((rc = random_scalar(v)) != MCX_OK)
                break;
            rc = issue_attempt(ksak, kpak, id, id_len, v, ssk, pvt, ctx);
            if (rc != MCX_ERR_STATE)
                break;
        }
        if (rc == MCX_ERR_STATE)
            rc = MCX_ERR_RNG;
    }
out:
    if (rc != MCX_OK) {
        mcx_wipe(ssk, SB);
        memset(pvt, 0, PB);
    }
    mcx_wipe(ksak, sizeof ksak);
    mcx_wipe(v, sizeof v);
    BN_CTX_free(ctx);
    return rc;
}

mcx_err mcx_eccsi_kms_issue(const uint8_t ksak[SB], const uint8_t *id, size_t id_len,
                            uint8_t ssk[SB], uint8_t pvt[PB])
{
    return issue_common(ksak, id, id_len, NULL, ssk, pvt);
}

mcx_err mcxi_eccsi_kms_issue_with_v(const uint8_t ksak[SB], const uint8_t *id, size_t id_len,
                                    const uint8_t v[SB], uint8_t ssk[SB], uint8_t pvt[PB])
{
    if (v == NULL)
        return MCX_ERR_ARG;
    return issue_common(ksak, id, id_len, v, ssk, pvt);
}

/* ---- user side: validation and signing
 * ------------------------------------------------------------ */

struct mcx_eccsi_signer {
    uint64_t ssk[4]; /* secret, in [1, q-1] */
    uint8_t hs[32];  /* HS as hashed (the octets go into HE) */
    uint8_t pvt[PB];
};

/* RFC 6507 §5.1.2. ssk is secret; everything else is public. */
static mcx_err validate_core(const uint8_t kpak[PB], const uint8_t *id, size_t id_len,
                             const uint64_t ssk[4], const uint8_t pvt[PB], uint8_t hs[32],
                             BN_CTX *ctx)
{
    mcx_err rc;
    uint8_t lhs_oct[PB], rhs_oct[PB];
    uint64_t h[4];
    EC_POINT *kp = EC_POINT_new(g_ecc.group);
    EC_POINT *pv = EC_POINT_new(g_ecc.group);
    EC_POINT *lhs = EC_POINT_new(g_ecc.group);
    EC_POINT *rhs = EC_POINT_new(g_ecc.group);
    BIGNUM *hb = BN_new();
    if (kp == NULL || pv == NULL || lhs == NULL || rhs == NULL || hb == NULL) {
        rc = MCX_ERR_NOMEM;
        goto out;
    }
    if ((rc = point_decode(kpak, kp, ctx)) != MCX_OK)
        goto out;
    /* §5.1.2 step 1: "Validate that the PVT lies on the elliptic curve E" */
    if ((rc = point_decode(pvt, pv, ctx)) != MCX_OK)
        goto out;
    /* SSK must be a scalar in [1, q-1]; its validity decides the error returned. */
    if (!declassify(mcxi_p256n_in_range(ssk))) {
        rc = MCX_ERR_SCALAR_RANGE;
        goto out;
    }
    /* step 2: HS = hash(G || KPAK || ID || PVT) */
    if ((rc = compute_hs(kpak, id, id_len, pvt, hs)) != MCX_OK)
        goto out;
    mcxi_p256n_from_be(h, hs);
    mcxi_p256n_reduce(h, h);
    /* step 3: "Validate that KPAK = [SSK]G - [HS]PVT", i.e. [SSK]G == KPAK + [HS]PVT */
    if (!scalar_to_bn(hb, h)) {
        rc = MCX_ERR_NOMEM;
        goto out;
    }
    if (EC_POINT_mul(g_ecc.group, rhs, NULL, pv, hb, ctx) != 1 ||
        EC_POINT_add(g_ecc.group, rhs, rhs, kp, ctx) != 1) {
        rc = MCX_ERR_INTERNAL;
        goto out;
    }
    if ((rc = mul_gen(lhs, ssk, ctx)) != MCX_OK)
        goto out;
    /* [SSK]G is, for a valid key, the public value KPAK + [HS]PVT; it is a public-key image of
     * SSK and reveals nothing about SSK itself. rhs at infinity cannot equal [SSK]G (SSK != 0). */
    if (point_encode(lhs, lhs_oct, ctx) != MCX_OK) {
        rc = MCX_ERR_INTERNAL;
        goto out;
    }
    mcxi_ct_unpoison(lhs_oct, PB);
    if (point_encode(rhs, rhs_oct, ctx) != MCX_OK || !mcx_ct_eq(lhs_oct, rhs_oct, PB)) {
        rc = MCX_ERR_KEY_INVALID;
        goto out;
    }
    rc = MCX_OK;
out:
    EC_POINT_free(kp);
    EC_POINT_free(pv);
    EC_POINT_clear_free(lhs);
    EC_POINT_free(rhs);
    BN_free(hb);
    return rc;
}

static mcx_err validate_entry(const uint8_t kpak[PB], const uint8_t *id, size_t id_len,
                              const uint8_t ssk_b[SB], const uint8_t pvt[PB], uint64_t ssk[4],
                              uint8_t hs[32])
{
    mcx_err rc;
    BN_CTX *ctx;
    if (kpak == NULL || ssk_b == NULL || pvt == NULL || (id == NULL && id_len > 0))
        return MCX_ERR_ARG;
    if (id_len == 0)
        return MCX_ERR_EMPTY_ID;
    if ((rc = ecc_init()) != MCX_OK)
        return rc;
    if ((ctx = BN_CTX_new()) == NULL)
        return MCX_ERR_NOMEM;
    mcxi_p256n_from_be(ssk, ssk_b);
    rc = validate_core(kpak, id, id_len, ssk, pvt, hs, ctx);
    BN_CTX_free(ctx);
    return rc;
}

mcx_err mcx_eccsi_validate(const uint8_t kpak[PB], const uint8_t *id, size_t id_len,
                           const uint8_t ssk[SB], const uint8_t pvt[PB], uint8_t hs_out[32])
{
    uint64_t k[4];
    uint8_t hs[32];
    if (hs_out != NULL)
        memset(hs_out, 0, 32);
    mcx_err rc = validate_entry(kpak, id, id_len, ssk, pvt, k, hs);
    if (rc == MCX_OK && hs_out != NULL)
        memcpy(hs_out, hs, 32);
    mcx_wipe(k, sizeof k);
    return rc;
}

mcx_err mcx_eccsi_signer_new(mcx_eccsi_signer **out, const uint8_t kpak[PB], const uint8_t *id,
                             size_t id_len, const uint8_t ssk[SB], const uint8_t pvt[PB])
{
    if (out == NULL)
        return MCX_ERR_ARG;
    *out = NULL;
    mcx_eccsi_signer *s = calloc(1, sizeof *s);
    if (s == NULL)
        return MCX_ERR_NOMEM;
    mcx_err rc = validate_entry(kpak, id, id_len, ssk, pvt, s->ssk, s->hs);
    if (rc != MCX_OK) {
        mcx_eccsi_signer_free(s);
        return rc;
    }
    memcpy(s->pvt, pvt, PB);
    *out = s;
    return MCX_OK;
}

void mcx_eccsi_signer_free(mcx_eccsi_signer *s)
{
    if (s == NULL)
        return;
    mcx_wipe(s, sizeof *s);
    free(s);
}

/* One attempt of RFC 6507 §5.2.1 with a given secret j in [1, q-1]. */
static mcx_err sign_attempt(const mcx_eccsi_signer *sg, const uint8_t *msg, size_t msg_len,
                            const uint64_t j[4], const uint64_t beta[4],
                            uint8_t sig[MCX_ECCSI_SIG_BYTES], BN_CTX *ctx, EC_POINT *jp)
{
    mcx_err rc;
    uint8_t he[32];
    uint64_t r[4], e[4], t[4], s[4], u[4];
    /* step 2: "Compute J = [j]G ... Assign to r the N-octet integer Jx" */
    if ((rc = mul_gen(jp, j, ctx)) != MCX_OK || (rc = affine_x(jp, sig, ctx)) != MCX_OK)
        goto out;
    /* r is published in the signature */
    mcxi_ct_unpoison(sig, SB);
    mcxi_p256n_from_be(r, sig);
    /* A verifier requires r in [1, q-1] (§5.2.2 step 1); Jx in [q, p) has probability ~2^-128:
     * draw another j. */
    if (!mcxi_p256n_in_range(r)) {
        rc = MCX_ERR_STATE;
        goto out;
    }
    /* step 3: HE = hash(HS || r || M) */
    if ((rc = compute_he(sg->hs, sig, msg, msg_len, he)) != MCX_OK)
        goto out;
    mcxi_p256n_from_be(e, he);
    mcxi_p256n_reduce(e, e);
    /* step 4: "Verify that HE + r * SSK is non-zero (mod q)"; a zero discards j (public bit) */
    mcxi_p256n_mul(t, r, sg->ssk);
    mcxi_p256n_add(t, t, e);
    if (declassify(mcxi_p256n_is_zero(t))) {
        rc = MCX_ERR_STATE;
        goto out;
    }
    /* step 5: s' = ((HE + r * SSK)^-1 * j) mod q, inverted under multiplicative blinding:
     * u = t·β with β fresh and uniform in [1, q-1] is itself uniform in [1, q-1] and independent
     * of t, so declassifying u and inverting it in variable time reveals nothing about t, SSK or
     * j. Then t^-1 = u^-1·β and s' = j·β·u^-1. */
    mcxi_p256n_mul(u, t, beta);
    mcxi_ct_unpoison(u, sizeof u);
    mcxi_p256n_inv_vartime(u, u);
    mcxi_p256n_mul(t, j, beta);
    mcxi_p256n_mul(s, t, u);
    /* step 6: s = s' (s' < q always fits N = 32 octets). s is published in the signature. */
    mcxi_p256n_to_be(sig + SB, s);
    mcxi_ct_unpoison(sig + SB, SB);
    /* step 7: Sig = r || s || PVT */
    memcpy(sig + 2 * SB, sg->pvt, PB);
    rc = MCX_OK;
out:
    mcx_wipe(t, sizeof t);
    mcx_wipe(s, sizeof s);
    mcx_wipe(u, sizeof u);
    return rc;
}

static mcx_err sign_common(const mcx_eccsi_signer *sg, const uint8_t *msg, size_t msg_len,
                           const uint8_t *j_b, uint8_t sig[MCX_ECCSI_SIG_BYTES])
{
    mcx_err rc;
    uint64_t j[4], beta[4];
    BN_CTX *ctx = NULL;
    EC_POINT *jp = NULL;
    if (sg == NULL || sig == NULL || (msg == NULL && msg_len > 0))
        return MCX_ERR_ARG;
    memset(sig, 0, MCX_ECCSI_SIG_BYTES);
    if ((rc = ecc_init()) != MCX_OK)
        return rc;
    if ((ctx = BN_CTX_new()) == NULL || (jp = EC_POINT_new(g_ecc.group)) == NULL) {
        rc = MCX_ERR_NOMEM;
        goto out;
    }
    if (j_b != NULL) {
        mcxi_p256n_from_be(j, j_b);
        if (!declassify(mcxi_p256n_in_range(j))) {
            rc = MCX_ERR_SCALAR_RANGE;
            goto out;
        }
        if ((rc = random_scalar(beta)) != MCX_OK)
            goto out;
        rc = sign_attempt(sg, msg, msg_len, j, beta, sig, ctx, jp);
    } else {
        rc = MCX_ERR_RNG;
        for (int tries = 0; tries < 16; tries++) {
            /* step 1: "Choose a random (ephemeral) non-zero value j in F_q"; β is the blinding
             * factor of the inversion, drawn in the same RNG call. */
            uint64_t jb[2][4];
            if ((rc = random_scalars(jb, 2)) != MCX_OK)
                break;
            memcpy(j, jb[0], sizeof j);
            memcpy(beta, jb[1], sizeof beta);
            mcx_wipe(jb, sizeof jb);
            rc = sign_attempt(sg, msg, msg_len, j, beta, sig, ctx, jp);
            if (rc != MCX_ERR_STATE)
                break;
        }
        if (rc == MCX_ERR_STATE)
            rc = MCX_ERR_RNG;
    }
out:
    if (rc != MCX_OK)
        memset(sig, 0, MCX_ECCSI_SIG_BYTES);
    mcx_wipe(j, sizeof j);
    mcx_wipe(beta, sizeof beta);
    EC_POINT_clear_free(jp);
    BN_CTX_free(ctx);
    return rc;
}

mcx_err mcx_eccsi_sign(const mcx_eccsi_signer *s, const uint8_t *msg, size_t msg_len,
                       uint8_t sig[MCX_ECCSI_SIG_BYTES])
{
    return sign_common(s, msg, msg_len, NULL, sig);
}

mcx_err mcxi_eccsi_sign_with_j(const mcx_eccsi_signer *s, const uint8_t *msg, size_t msg_len,
                               const uint8_t j[SB], uint8_t sig[MCX_ECCSI_SIG_BYTES])
{
    if (j == NULL)
        return MCX_ERR_ARG;
    return sign_common(s, msg, msg_len, j, sig);
}

/* ---- verification (all inputs public)
 * -------------------------------------------------------------- */

struct vinput {
    uint64_t r[4], s[4];
    uint64_t h[4]; /* HS mod q */
    uint64_t e[4]; /* HE mod q */
    uint8_t hs[32];
};

/* §5.2.2 steps 1–3 up to HE: range of r and s, PVT decoding, HS and HE. */
static mcx_err verify_parse(const uint8_t kpak[PB], const uint8_t *id, size_t id_len,
                            const uint8_t *msg, size_t msg_len,
                            const uint8_t sig[MCX_ECCSI_SIG_BYTES], EC_POINT *pv, struct vinput *in,
                            BN_CTX *ctx)
{
    mcx_err rc;
    uint8_t he[32];
    mcxi_p256n_from_be(in->r, sig);
    mcxi_p256n_from_be(in->s, sig + SB);
    /* r and s must be integers in [1, q-1] */
    if (!mcxi_p256n_in_range(in->r) || !mcxi_p256n_in_range(in->s))
        return MCX_ERR_SCALAR_RANGE;
    /* step 1: "Check that PVT lies on the elliptic curve E" */
    if ((rc = point_decode(sig + 2 * SB, pv, ctx)) != MCX_OK)
        return rc;
    /* step 2: HS = hash(G || KPAK || ID || PVT) */
    if ((rc = compute_hs(kpak, id, id_len, sig + 2 * SB, in->hs)) != MCX_OK)
        return rc;
    /* step 3: HE = hash(HS || r || M) */
    if ((rc = compute_he(in->hs, sig, msg, msg_len, he)) != MCX_OK)
        return rc;
    mcxi_p256n_from_be(in->h, in->hs);
    mcxi_p256n_reduce(in->h, in->h);
    mcxi_p256n_from_be(in->e, he);
    mcxi_p256n_reduce(in->e, in->e);
    return MCX_OK;
}

/* §5.2.2 step 6: "Check that Jx = r modulo p, and that Jx modulo p is non-zero"; J != O. */
static mcx_err verify_final(const EC_POINT *jp, const uint8_t r[SB], BN_CTX *ctx)
{
    mcx_err rc;
    if (EC_POINT_is_at_infinity(g_ecc.group, jp))
        return MCX_ERR_VERIFY;
#ifndef OPENSSL_NO_DEPRECATED_3_0
    /* All public: compare in Jacobian coordinates, Jx = X / Z^2, so Jx == r <=> X == r·Z^2
     * (mod p); this saves the field inversion of an affine conversion. */
    rc = MCX_ERR_INTERNAL;
    BN_CTX_start(ctx);
    BIGNUM *x = BN_CTX_get(ctx);
    BIGNUM *z = BN_CTX_get(ctx);
    BIGNUM *t = BN_CTX_get(ctx);
    if (t == NULL) {
        rc = MCX_ERR_NOMEM;
    } else if (EC_POINT_get_Jprojective_coordinates_GFp(g_ecc.group, jp, x, NULL, z, ctx) == 1 &&
               BN_bin2bn(r, SB, t) != NULL && BN_mod_sqr(z, z, g_ecc.p, ctx) == 1 &&
               BN_mod_mul(t, t, z, g_ecc.p, ctx) == 1 && BN_nnmod(x, x, g_ecc.p, ctx) == 1) {
        /* r is in [1, q-1] already, so Jx != 0 follows from Jx == r */
        rc = BN_cmp(t, x) == 0 ? MCX_OK : MCX_ERR_VERIFY;
    }
    BN_CTX_end(ctx);
    return rc;
#else
    uint8_t x[SB];
    if ((rc = affine_x(jp, x, ctx)) != MCX_OK)
        return rc;
    /* r is in [1, q-1] already, so Jx != 0 follows from Jx == r */
    return mcx_ct_eq(x, r, SB) ? MCX_OK : MCX_ERR_VERIFY;
#endif
}

/* J = [u1]G + [u2]Q (one double multiplication). */
static mcx_err mul2(EC_POINT *jp, const uint64_t u1[4], const EC_POINT *q, const uint64_t u2[4],
                    BN_CTX *ctx)
{
    mcx_err rc = MCX_OK;
    BN_CTX_start(ctx);
    BIGNUM *a = BN_CTX_get(ctx);
    BIGNUM *b = BN_CTX_get(ctx);
    if (b == NULL || !scalar_to_bn(a, u1) || !scalar_to_bn(b, u2))
        rc = MCX_ERR_NOMEM;
    else if (EC_POINT_mul(g_ecc.group, jp, a, q, b, ctx) != 1)
        rc = MCX_ERR_INTERNAL;
    BN_CTX_end(ctx);
    return rc;
}

/* Y = [HS]PVT + KPAK (§5.2.2 step 4) */
static mcx_err compute_y(EC_POINT *y, const EC_POINT *pv, const EC_POINT *kp, const uint64_t h[4],
                         BN_CTX *ctx)
{
    mcx_err rc = MCX_OK;
    BN_CTX_start(ctx);
    BIGNUM *hb = BN_CTX_get(ctx);
    if (hb == NULL || !scalar_to_bn(hb, h))
        rc = MCX_ERR_NOMEM;
    else if (EC_POINT_mul(g_ecc.group, y, NULL, pv, hb, ctx) != 1 ||
             EC_POINT_add(g_ecc.group, y, y, kp, ctx) != 1)
        rc = MCX_ERR_INTERNAL;
    BN_CTX_end(ctx);
    return rc;
}

/* Steps 4–5 without a cache: J = [s]([HE]G + [r]Y) = [s·HE]G + [s·r·HS]PVT + [s·r]KPAK. */
static mcx_err verify_uncached(EC_POINT *jp, const EC_POINT *pv, const EC_POINT *kp,
                               const struct vinput *in, BN_CTX *ctx)
{
    uint64_t u1[4], u2[4], u3[4];
    mcxi_p256n_mul(u1, in->s, in->e);
    mcxi_p256n_mul(u2, in->s, in->r);
    mcxi_p256n_mul(u3, u2, in->h);
#ifndef OPENSSL_NO_DEPRECATED_3_0
    mcx_err rc = MCX_OK;
    BN_CTX_start(ctx);
    BIGNUM *a = BN_CTX_get(ctx);
    BIGNUM *b = BN_CTX_get(ctx);
    BIGNUM *c = BN_CTX_get(ctx);
    if (c == NULL || !scalar_to_bn(a, u1) || !scalar_to_bn(b, u3) || !scalar_to_bn(c, u2)) {
        rc = MCX_ERR_NOMEM;
    } else {
        const EC_POINT *pts[2] = {pv, kp};
        const BIGNUM *scs[2] = {b, c};
        if (EC_POINTs_mul(g_ecc.group, jp, a, 2, pts, scs, ctx) != 1)
            rc = MCX_ERR_INTERNAL;
    }
    BN_CTX_end(ctx);
    return rc;
#else
    mcx_err rc;
    EC_POINT *y = EC_POINT_new(g_ecc.group);
    if (y == NULL)
        return MCX_ERR_NOMEM;
    if ((rc = compute_y(y, pv, kp, in->h, ctx)) == MCX_OK)
        rc = mul2(jp, u1, y, u2, ctx);
    EC_POINT_free(y);
    (void)u3;
    return rc;
#endif
}

mcx_err mcx_eccsi_verify(const uint8_t kpak[PB], const uint8_t *id, size_t id_len,
                         const uint8_t *msg, size_t msg_len, const uint8_t sig[MCX_ECCSI_SIG_BYTES])
{
    mcx_err rc;
    struct vinput in;
    BN_CTX *ctx = NULL;
    EC_POINT *kp = NULL, *pv = NULL, *jp = NULL;
    if (kpak == NULL || sig == NULL || (id == NULL && id_len > 0) || (msg == NULL && msg_len > 0))
        return MCX_ERR_ARG;
    if (id_len == 0)
        return MCX_ERR_EMPTY_ID;
    if ((rc = ecc_init()) != MCX_OK)
        return rc;
    if ((ctx = BN_CTX_new()) == NULL || (kp = EC_POINT_new(g_ecc.group)) == NULL ||
        (pv = EC_POINT_new(g_ecc.group)) == NULL || (jp = EC_POINT_new(g_ecc.group)) == NULL) {
        rc = MCX_ERR_NOMEM;
        goto out;
    }
    if ((rc = point_decode(kpak, kp, ctx)) != MCX_OK)
        goto out;
    if ((rc = verify_parse(kpak, id, id_len, msg, msg_len, sig, pv, &in, ctx)) != MCX_OK)
        goto out;
    if ((rc = verify_uncached(jp, pv, kp, &in, ctx)) != MCX_OK)
        goto out;
    rc = verify_final(jp, sig, ctx);
out:
    EC_POINT_free(kp);
    EC_POINT_free(pv);
    EC_POINT_free(jp);
    BN_CTX_free(ctx);
    return rc;
}

/* ---- the caching verifier
 * --------------------------------------------------------------------------- */

#define VNIL UINT32_MAX
#define VERIFIER_DEFAULT_CAPACITY 1024u
#define VERIFIER_MAX_CAPACITY (1u << 22)

struct ventry {
    uint8_t hs[32];  /* HS binds KPAK, ID and PVT; the cache key */
    uint8_t pvt[PB]; /* compared too, so a hit is exact even without trusting the hash */
    EC_POINT *y;     /* Y = [HS]PVT + KPAK, affine */
    uint32_t prev, next, hnext;
};

struct mcx_eccsi_verifier {
    uint8_t kpak[PB];
    EC_POINT *kp;
    pthread_mutex_t mu;
    uint32_t cap, count, head, tail; /* LRU list: head = most recent */
    uint32_t nbuckets;               /* power of two */
    uint32_t *buckets;
    struct ventry *e;
};

static uint32_t vbucket(const mcx_eccsi_verifier *v, const uint8_t hs[32])
{
    uint32_t h = (uint32_t)hs[0] << 24 | (uint32_t)hs[1] << 16 | (uint32_t)hs[2] << 8 | hs[3];
    return h & (v->nbuckets - 1);
}

static uint32_t vfind(const mcx_eccsi_verifier *v, const uint8_t hs[32], const uint8_t pvt[PB])
{
    for (uint32_t i = v->buckets[vbucket(v, hs)]; i != VNIL; i = v->e[i].hnext)
        if (mcx_ct_eq(v->e[i].hs, hs, 32) && mcx_ct_eq(v->e[i].pvt, pvt, PB))
            return i;
    return VNIL;
}

static void lru_unlink(mcx_eccsi_verifier *v, uint32_t i)
{
    struct ventry *x = &v->e[i];
    if (x->prev != VNIL)
        v->e[x->prev].next = x->next;
    else
        v->head = x->next;
    if (x->next != VNIL)
        v->e[x->next].prev = x->prev;
    else
        v->tail = x->prev;
    x->prev = x->next = VNIL;
}

static void lru_push_front(mcx_eccsi_verifier *v, uint32_t i)
{
    struct ventry *x = &v->e[i];
    x->prev = VNIL;
    x->next = v->head;
    if (v->head != VNIL)
        v->e[v->head].prev = i;
    v->head = i;
    if (v->tail == VNIL)
        v->tail = i;
}

static void lru_push_back(mcx_eccsi_verifier *v, uint32_t i)
{
    struct ventry *x = &v->e[i];
    x->next = VNIL;
    x->prev = v->tail;
    if (v->tail != VNIL)
        v->e[v->tail].next = i;
    v->tail = i;
    if (v->head == VNIL)
        v->head = i;
}

static void hash_unlink(mcx_eccsi_verifier *v, uint32_t i)
{
    uint32_t *pp = &v->buckets[vbucket(v, v->e[i].hs)];
    while (*pp != VNIL && *pp != i)
        pp = &v->e[*pp].hnext;
    if (*pp == i)
        *pp = v->e[i].hnext;
    v->e[i].hnext = VNIL;
}

mcx_err mcx_eccsi_verifier_new(mcx_eccsi_verifier **out, const uint8_t kpak[PB], size_t capacity)
{
    mcx_err rc;
    BN_CTX *ctx = NULL;
    mcx_eccsi_verifier *v = NULL;
    if (out == NULL || kpak == NULL)
        return MCX_ERR_ARG;
    *out = NULL;
    if (capacity == 0)
        capacity = VERIFIER_DEFAULT_CAPACITY;
    if (capacity > VERIFIER_MAX_CAPACITY)
        return MCX_ERR_LIMIT;
    if ((rc = ecc_init()) != MCX_OK)
        return rc;
    if ((v = calloc(1, sizeof *v)) == NULL)
        return MCX_ERR_NOMEM;
    v->cap = (uint32_t)capacity;
    v->head = v->tail = VNIL;
    v->nbuckets = 16;
    while (v->nbuckets < 2 * v->cap)
        v->nbuckets <<= 1;
    if (pthread_mutex_init(&v->mu, NULL) != 0) {
        free(v);
        return MCX_ERR_INTERNAL;
    }
    v->buckets = malloc(v->nbuckets * sizeof v->buckets[0]);
    v->e = calloc(v->cap, sizeof v->e[0]);
    ctx = BN_CTX_new();
    v->kp = EC_POINT_new(g_ecc.group);
    if (v->buckets == NULL || v->e == NULL || ctx == NULL || v->kp == NULL) {
        rc = MCX_ERR_NOMEM;
        goto out;
    }
    memset(v->buckets, 0xFF, v->nbuckets * sizeof v->buckets[0]);
    if ((rc = point_decode(kpak, v->kp, ctx)) != MCX_OK)
        goto out;
    memcpy(v->kpak, kpak, PB);
    *out = v;
    v = NULL;
out:
    BN_CTX_free(ctx);
    mcx_eccsi_verifier_free(v);
    return rc;
}

void mcx_eccsi_verifier_free(mcx_eccsi_verifier *v)
{
    if (v == NULL)
        return;
    if (v->e != NULL)
        for (uint32_t i = 0; i < v->cap; i++)
            EC_POINT_free(v->e[i].y);
    free(v->e);
    free(v->buckets);
    EC_POINT_free(v->kp);
    pthread_mutex_destroy(&v->mu);
    free(v);
}

size_t mcxi_eccsi_verifier_count(mcx_eccsi_verifier *v)
{
    size_t n;
    pthread_mutex_lock(&v->mu);
    n = v->count;
    pthread_mutex_unlock(&v->mu);
    return n;
}

/* Look up (HS, PVT); on a hit copy Y into y and refresh its LRU position. */
static int vcache_get(mcx_eccsi_verifier *v, const uint8_t hs[32], const uint8_t pvt[PB],
                      EC_POINT *y)
{
    int hit = 0;
    pthread_mutex_lock(&v->mu);
    uint32_t i = vfind(v, hs, pvt);
    if (i != VNIL && EC_POINT_copy(y, v->e[i].y) == 1) {
        lru_unlink(v, i);
        lru_push_front(v, i);
        hit = 1;
    }
    pthread_mutex_unlock(&v->mu);
    return hit;
}

/* Insert Y for (HS, PVT), evicting the least recently used entry when full. */
static void vcache_put(mcx_eccsi_verifier *v, const uint8_t hs[32], const uint8_t pvt[PB],
                       const EC_POINT *y)
{
    pthread_mutex_lock(&v->mu);
    if (vfind(v, hs, pvt) != VNIL)
        goto out; /* another thread got there first */
    uint32_t i;
    if (v->count < v->cap) {
        i = v->count;
        if (v->e[i].y == NULL && (v->e[i].y = EC_POINT_new(g_ecc.group)) == NULL)
            goto out;
        v->e[i].prev = v->e[i].next = v->e[i].hnext = VNIL;
        v->count++;
    } else {
        i = v->tail;
        lru_unlink(v, i);
        hash_unlink(v, i);
    }
    struct ventry *x = &v->e[i];
    if (EC_POINT_copy(x->y, y) != 1) {
        /* out of memory: keep the slot reusable as the LRU tail, reachable by no key */
        memset(x->hs, 0, sizeof x->hs);
        memset(x->pvt, 0, sizeof x->pvt);
        lru_push_back(v, i);
        goto out;
    }
    memcpy(x->hs, hs, 32);
    memcpy(x->pvt, pvt, PB);
    uint32_t b = vbucket(v, hs);
    x->hnext = v->buckets[b];
    v->buckets[b] = i;
    lru_push_front(v, i);
out:
    pthread_mutex_unlock(&v->mu);
}

mcx_err mcx_eccsi_verifier_verify(mcx_eccsi_verifier *v, const uint8_t *id, size_t id_len,
                                  const uint8_t *msg, size_t msg_len,
                                  const uint8_t sig[MCX_ECCSI_SIG_BYTES])
{
    mcx_err rc;
    struct vinput in;
    BN_CTX *ctx = NULL;
    EC_POINT *pv = NULL, *y = NULL, *jp = NULL;
    uint64_t u1[4], u2[4];
    int hit;
    if (v == NULL || sig == NULL || (id == NULL && id_len > 0) || (msg == NULL && msg_len > 0))
        return MCX_ERR_ARG;
    if (id_len == 0)
        return MCX_ERR_EMPTY_ID;
    if ((ctx = BN_CTX_new()) == NULL || (pv = EC_POINT_new(g_ecc.group)) == NULL ||
        (y = EC_POINT_new(g_ecc.group)) == NULL || (jp = EC_POINT_new(g_ecc.group)) == NULL) {
        rc = MCX_ERR_NOMEM;
        goto out;
    }
    if ((rc = verify_parse(v->kpak, id, id_len, msg, msg_len, sig, pv, &in, ctx)) != MCX_OK)
        goto out;
    hit = vcache_get(v, in.hs, sig + 2 * SB, y);
    if (!hit) {
        /* step 4: Y = [HS]PVT + KPAK, kept affine for the cache */
        if ((rc = compute_y(y, pv, v->kp, in.h, ctx)) != MCX_OK)
            goto out;
        if (EC_POINT_make_affine(g_ecc.group, y, ctx) != 1) {
            rc = MCX_ERR_INTERNAL;
            goto out;
        }
    }
    /* step 5: J = [s]([HE]G + [r]Y) = [s·HE]G + [s·r]Y */
    mcxi_p256n_mul(u1, in.s, in.e);
    mcxi_p256n_mul(u2, in.s, in.r);
    if ((rc = mul2(jp, u1, y, u2, ctx)) != MCX_OK)
        goto out;
    rc = verify_final(jp, sig, ctx);
    /* Only signers that produced a valid signature enter the cache, so forged (ID, PVT) pairs
     * cannot evict genuine ones. */
    if (rc == MCX_OK && !hit)
        vcache_put(v, in.hs, sig + 2 * SB, y);
out:
    EC_POINT_free(pv);
    EC_POINT_free(y);
    EC_POINT_free(jp);
    BN_CTX_free(ctx);
    return rc;
}

mcx_err mcxi_eccsi_point_check(const uint8_t p[PB])
{
    mcx_err rc;
    BN_CTX *ctx;
    EC_POINT *pt;
    if (p == NULL)
        return MCX_ERR_ARG;
    if ((rc = ecc_init()) != MCX_OK)
        return rc;
    ctx = BN_CTX_new();
    pt = EC_POINT_new(g_ecc.group);
    rc = (ctx == NULL || pt == NULL) ? MCX_ERR_NOMEM : point_decode(p, pt, ctx);
    EC_POINT_free(pt);
    BN_CTX_free(ctx);
    return rc;
}
