/*
 * sakke — SAKKE (RFC 6508) with parameter set 1 (RFC 6509 App. A): KMS key generation and RSK
 * issue (§6.1.1), RSK validation (§6.1.2), encapsulation (§6.2.1), decapsulation with the
 * mandatory re-computation check (§6.2.2). Public API in include/mcxsec/sakke.h.
 *
 * Speed: every secret scalar multiplication is by a fixed base through a signed comb (P: built
 * once per process; Z: built in mcx_sakke_pub_new), using [r]([b]P + Z) = [r*b mod q]P + [r]Z;
 * g^r uses a comb over 1 + i*g; decapsulation evaluates the pairing from lines precomputed from
 * the RSK in mcx_sakke_rsk_new; RSK validation evaluates fixed lines of P and Z at the RSK.
 * docs/internals/sakke.md has the design and the measured figures.
 *
 * Constant time: no branch or memory index depends on z, the RSK, the SSV or r. Values declassified
 * on purpose (mcxi_ct_unpoison) are marked where that happens: outputs, and accept/reject verdicts.
 */
#include "mcxsec/sakke.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/pairing.h"
#include "crypto/sakke_int.h"
#include "mcxsec/util.h"
#include "util/ct.h"

struct mcx_sakke_pub {
    mcxi_eca Z;
    struct mcxi_comb zc;
    /* Miller-loop lines of Z (public), built by the first RSK validation: a cache behind an
     * otherwise read-only object, hence the mutex */
    pthread_mutex_t lines_mu;
    struct mcxi_lines *zlines;
};

struct mcx_sakke_rsk {
    const mcx_sakke_pub *pub;
    uint8_t *id;
    size_t id_len;
    uint64_t b[16];   /* identifier mod q (public) */
    mcxi_eca K;       /* the RSK (secret) */
    struct mcxi_lines lines; /* Miller-loop lines of K (secret) */
    struct mcxi_comb qc;     /* comb table of the receiver's own point [b]P + Z (public) */
};

/* ---- RFC 6508 §5.1 HashToIntegerRange with SHA-256 ------------------------------------------- */

static int sha256_2(uint8_t out[32], const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned int len = 0;
    int ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
             EVP_DigestUpdate(ctx, a, na) == 1 && (nb == 0 || EVP_DigestUpdate(ctx, b, nb) == 1) &&
             EVP_DigestFinal_ex(ctx, out, &len) == 1 && len == 32;
    EVP_MD_CTX_free(ctx);
    return ok;
}

/* v_1 .. v_l of §5.1: A = H(s); h_0 = 0^32; h_i = H(h_(i-1)); v_i = H(h_i || A). */
static mcx_err htir_blocks(uint8_t *v, size_t l, const uint8_t *s1, size_t n1, const uint8_t *s2,
                           size_t n2)
{
    uint8_t A[32], h[32];
    mcx_err rc = MCX_ERR_INTERNAL;
    if (!sha256_2(A, s1, n1, s2, n2))
        goto out;
    memset(h, 0, sizeof h);
    for (size_t i = 0; i < l; i++) {
        if (!sha256_2(h, h, 32, NULL, 0))
            goto out;
        if (!sha256_2(v + 32 * i, h, 32, A, 32))
            goto out;
    }
    rc = MCX_OK;
out:
    mcx_wipe(A, sizeof A);
    return rc;
}

mcx_err mcxi_sakke_hash_to_q(uint64_t out[16], const uint8_t *s1, size_t n1, const uint8_t *s2,
                             size_t n2)
{
    /* n = q: l = ceil(ceil(lg q)/256) = ceil(1022/256) = 4 */
    uint8_t v[128];
    uint64_t t[16];
    mcx_err rc = htir_blocks(v, 4, s1, n1, s2, n2);
    if (rc == MCX_OK) {
        mcxi_limbs_from_be(t, v);
        mcxi_mod_to_mont(t, t, &mcxi_mod_q);
        mcxi_mod_from_mont(out, t, &mcxi_mod_q);
    }
    mcx_wipe(v, sizeof v);
    mcx_wipe(t, sizeof t);
    return rc;
}

mcx_err mcxi_sakke_hash_to_mask(uint8_t out[16], const uint8_t *s, size_t n)
{
    /* n = 2^128: l = 1, v = v_1 mod 2^128 = its last 16 octets */
    uint8_t v[32];
    mcx_err rc = htir_blocks(v, 1, s, n, NULL, 0);
    if (rc == MCX_OK)
        memcpy(out, v + 16, 16);
    mcx_wipe(v, sizeof v);
    return rc;
}

/* ---- helpers --------------------------------------------------------------------------------- */

/* z from 128 octets; 1 if 1 <= z < q (constant time) */
static uint64_t load_z(uint64_t z[16], const uint8_t in[MCX_SAKKE_SCALAR_BYTES])
{
    mcxi_limbs_from_be(z, in);
    return mcxi_limbs_lt(z, mcxi_mod_q.m) & (mcxi_limbs_is_zero(z) ^ 1);
}

/* r = a*b mod q for plain a, b < q */
static void mulmod_q(uint64_t r[16], const uint64_t a[16], const uint64_t b[16])
{
    mcxi_mod_mul(r, a, b, &mcxi_mod_q);        /* a b / R */
    mcxi_mod_mul(r, r, mcxi_mod_q.r2, &mcxi_mod_q); /* a b */
}

/* Jacobian -> encoded point. */
static void encode_jac(uint8_t out[MCX_SAKKE_POINT_BYTES], const mcxi_ecj *p)
{
    mcxi_eca a;
    (void)mcxi_ec_to_affine(&a, p); /* callers have excluded O */
    mcxi_ec_encode(out, &a);
    mcx_wipe(&a, sizeof a);
}

/*
 * [r]([b]P + Z) = [r*b mod q]P + [r]Z (RFC 6508 §6.2.1 step 2 / §6.2.2 step 5) and g^r (step 3),
 * both to their affine / PF_p values, sharing one inversion. Returns 1 if the point is O.
 */
static uint64_t encap_core(uint8_t Rout[MCX_SAKKE_POINT_BYTES], mcxi_fp *w,
                           const mcx_sakke_pub *pub, const uint64_t b[16], const uint64_t r[16])
{
    const struct mcxi_comb *pc = mcxi_sakke_P_comb();
    const struct mcxi_comb2 *gc = mcxi_sakke_g_comb();
    uint64_t rb[16];
    mcxi_ecj R;
    mcxi_fp2 gr;
    mcxi_fp t, ti, zi, ai;
    mulmod_q(rb, r, b);
    /* b = 0 (an identifier that is 0 mod q, public): [r]Z alone, since 0 has no comb recoding */
    uint64_t inf = mcxi_limbs_is_zero(b) ? mcxi_comb_mul(&R, &pub->zc, r, NULL, NULL)
                                         : mcxi_comb_mul(&R, pc, rb, &pub->zc, r);
    mcxi_comb2_pow(&gr, gc, r);
    /* one inversion for Z_R and the real part of g^r (Montgomery's trick) */
    mcxi_fp_mul(&t, &R.z, &gr.a);
    mcxi_fp_inv(&ti, &t);
    mcxi_fp_mul(&zi, &ti, &gr.a);
    mcxi_fp_mul(&ai, &ti, &R.z);
    mcxi_fp_mul(w, &gr.b, &ai); /* PF_p value x2/x1 */
    {
        mcxi_eca a;
        mcxi_fp z2;
        mcxi_fp_sqr(&z2, &zi);
        mcxi_fp_mul(&a.x, &R.x, &z2);
        mcxi_fp_mul(&z2, &z2, &zi);
        mcxi_fp_mul(&a.y, &R.y, &z2);
        mcxi_ec_encode(Rout, &a);
        mcx_wipe(&a, sizeof a);
        mcx_wipe(&z2, sizeof z2);
    }
    mcx_wipe(rb, sizeof rb);
    mcx_wipe(&R, sizeof R);
    mcx_wipe(&gr, sizeof gr);
    mcx_wipe(&t, sizeof t);
    mcx_wipe(&ti, sizeof ti);
    mcx_wipe(&zi, sizeof zi);
    mcx_wipe(&ai, sizeof ai);
    return inf;
}

/*
 * RFC 6508 §6.2.2 step 5: 1 if TEST = [r]([b]P + Z) equals the affine point R. The receiver's own
 * point [b]P + Z is a fixed base for its key period, so its comb table is built in
 * mcx_sakke_rsk_new. Compared in Jacobian coordinates (X == Rx Z^2, Y == Ry Z^3, Z != 0) so no
 * inversion is needed. Constant time.
 */
static uint64_t recompute_matches(const mcx_sakke_rsk *k, const uint64_t r[16], const mcxi_eca *R)
{
    mcxi_ecj T;
    mcxi_fp z2, t;
    uint64_t inf = mcxi_comb_mul(&T, &k->qc, r, NULL, NULL);
    mcxi_fp_sqr(&z2, &T.z);
    mcxi_fp_mul(&t, &R->x, &z2);
    uint64_t eq = mcxi_fp_eq(&t, &T.x);
    mcxi_fp_mul(&z2, &z2, &T.z);
    mcxi_fp_mul(&t, &R->y, &z2);
    eq &= mcxi_fp_eq(&t, &T.y) & (inf ^ 1);
    mcx_wipe(&T, sizeof T);
    mcx_wipe(&z2, sizeof z2);
    mcx_wipe(&t, sizeof t);
    return eq;
}

/* ---- KMS ------------------------------------------------------------------------------------- */

mcx_err mcx_sakke_kms_public(const uint8_t z[MCX_SAKKE_SCALAR_BYTES],
                             uint8_t Z[MCX_SAKKE_POINT_BYTES])
{
    uint64_t zl[16];
    mcxi_ecj Zj;
    mcx_err rc = MCX_OK;
    if (z == NULL || Z == NULL) {
        if (Z != NULL)
            mcx_wipe(Z, MCX_SAKKE_POINT_BYTES);
        return MCX_ERR_ARG;
    }
    const struct mcxi_comb *pc = mcxi_sakke_P_comb();
    if (pc == NULL) {
        mcx_wipe(Z, MCX_SAKKE_POINT_BYTES);
        return MCX_ERR_NOMEM;
    }
    uint64_t ok = load_z(zl, z);
    mcxi_ct_unpoison(&ok, sizeof ok); /* accept/reject verdict on the input is public */
    if (!ok) {
        mcx_wipe(Z, MCX_SAKKE_POINT_BYTES); /* no partial output on any failure */
        rc = MCX_ERR_SCALAR_RANGE;
        goto out;
    }
    /* RFC 6508 §2.2: "Z_T = [z_T]P" */
    (void)mcxi_comb_mul(&Zj, pc, zl, NULL, NULL); /* z in [1, q-1]: never O */
    encode_jac(Z, &Zj);
    mcxi_ct_unpoison(Z, MCX_SAKKE_POINT_BYTES); /* the public key is public */
out:
    mcx_wipe(zl, sizeof zl);
    mcx_wipe(&Zj, sizeof Zj);
    return rc;
}

mcx_err mcx_sakke_kms_keygen(uint8_t z[MCX_SAKKE_SCALAR_BYTES], uint8_t Z[MCX_SAKKE_POINT_BYTES])
{
    uint64_t zl[16];
    mcx_err rc;
    if (z == NULL || Z == NULL)
        return MCX_ERR_ARG;
    /* rejection sampling of z in [1, q-1] over 1022-bit candidates (acceptance ~ 0.6); whether a
     * discarded candidate was out of range says nothing about the accepted one */
    for (;;) {
        if ((rc = mcx_random(z, MCX_SAKKE_SCALAR_BYTES)) != MCX_OK)
            goto out;
        z[0] &= 0x3f;
        uint64_t ok = load_z(zl, z);
        mcxi_ct_unpoison(&ok, sizeof ok);
        if (ok)
            break;
    }
    rc = mcx_sakke_kms_public(z, Z);
out:
    if (rc != MCX_OK) {
        mcx_wipe(z, MCX_SAKKE_SCALAR_BYTES);
        mcx_wipe(Z, MCX_SAKKE_POINT_BYTES);
    }
    mcx_wipe(zl, sizeof zl);
    return rc;
}

mcx_err mcx_sakke_kms_issue(const uint8_t z[MCX_SAKKE_SCALAR_BYTES], const uint8_t *id,
                            size_t id_len, uint8_t rsk[MCX_SAKKE_POINT_BYTES])
{
    uint64_t zl[16], b[16], s[16];
    mcxi_ecj K;
    mcx_err rc = MCX_OK;
    if (rsk != NULL)
        mcx_wipe(rsk, MCX_SAKKE_POINT_BYTES); /* no partial output on any failure */
    if (z == NULL || rsk == NULL || (id == NULL && id_len > 0))
        return MCX_ERR_ARG;
    if (id_len == 0)
        return MCX_ERR_EMPTY_ID;
    const struct mcxi_comb *pc = mcxi_sakke_P_comb();
    if (pc == NULL)
        return MCX_ERR_NOMEM;
    uint64_t ok = load_z(zl, z);
    mcxi_ct_unpoison(&ok, sizeof ok); /* verdict on the input is public */
    if (!ok) {
        rc = MCX_ERR_SCALAR_RANGE;
        goto out;
    }
    /* RFC 6508 §6.1.1: "K_(a,T) = [(a + z_T)^-1]P"; a is the identifier as an integer, mod q */
    mcxi_mod_reduce_be(b, id, id_len, &mcxi_mod_q);
    mcxi_mod_add(s, b, zl, &mcxi_mod_q);
    uint64_t zero = mcxi_limbs_is_zero(s);
    mcxi_ct_unpoison(&zero, sizeof zero); /* no key exists for this identifier: a public failure */
    if (zero) {
        rc = MCX_ERR_SCALAR_RANGE;
        goto out;
    }
    mcxi_mod_to_mont(s, s, &mcxi_mod_q);
    mcxi_mod_inv(s, s, &mcxi_mod_q); /* safegcd: constant time */
    mcxi_mod_from_mont(s, s, &mcxi_mod_q);
    (void)mcxi_comb_mul(&K, pc, s, NULL, NULL); /* s in [1, q-1]: never O */
    encode_jac(rsk, &K);
out:
    mcx_wipe(zl, sizeof zl);
    mcx_wipe(s, sizeof s);
    mcx_wipe(&K, sizeof K);
    return rc;
}

/* ---- KMS public key -------------------------------------------------------------------------- */

mcx_err mcx_sakke_pub_new(mcx_sakke_pub **out, const uint8_t Z[MCX_SAKKE_POINT_BYTES])
{
    mcx_sakke_pub *pub = NULL;
    mcxi_ecj t;
    mcx_err rc;
    if (out == NULL || Z == NULL)
        return MCX_ERR_ARG;
    *out = NULL;
    pub = malloc(sizeof *pub);
    if (pub == NULL)
        return MCX_ERR_NOMEM;
    if ((rc = mcxi_ec_decode(&pub->Z, Z)) != MCX_OK)
        goto out;
    /* Z must lie in the order-q group generated by P (cofactor 4): [q]Z = O. Z is public. */
    mcxi_ec_mul_vartime(&t, &pub->Z, mcxi_mod_q.m);
    if (!mcxi_fp_is_zero(&t.z)) {
        rc = MCX_ERR_NOT_ON_CURVE;
        goto out;
    }
    if (mcxi_sakke_P_comb() == NULL || mcxi_sakke_g_comb() == NULL) {
        rc = MCX_ERR_NOMEM;
        goto out;
    }
    rc = mcxi_comb_build(&pub->zc, &pub->Z);
    pub->zlines = NULL;
    if (rc == MCX_OK && pthread_mutex_init(&pub->lines_mu, NULL) != 0)
        rc = MCX_ERR_INTERNAL;
out:
    if (rc != MCX_OK) {
        free(pub);
        return rc;
    }
    *out = pub;
    return MCX_OK;
}

void mcx_sakke_pub_free(mcx_sakke_pub *pub)
{
    if (pub == NULL)
        return;
    pthread_mutex_destroy(&pub->lines_mu);
    free(pub->zlines);
    mcx_wipe(pub, sizeof *pub);
    free(pub);
}

/* ---- encapsulation (RFC 6508 §6.2.1) --------------------------------------------------------- */

mcx_err mcx_sakke_encapsulate(const mcx_sakke_pub *pub, const uint8_t *id, size_t id_len,
                              const uint8_t ssv[MCX_SAKKE_SSV_BYTES],
                              uint8_t sed[MCX_SAKKE_SED_BYTES])
{
    uint64_t b[16], r[16];
    uint8_t wb[MCX_SAKKE_FIELD_BYTES], mask[16];
    mcxi_fp w;
    mcx_err rc;
    if (sed != NULL)
        mcx_wipe(sed, MCX_SAKKE_SED_BYTES); /* no partial output on any failure */
    if (pub == NULL || ssv == NULL || sed == NULL || (id == NULL && id_len > 0))
        return MCX_ERR_ARG;
    if (id_len == 0)
        return MCX_ERR_EMPTY_ID;
    if (mcxi_sakke_P_comb() == NULL || mcxi_sakke_g_comb() == NULL)
        return MCX_ERR_NOMEM;
    mcxi_mod_reduce_be(b, id, id_len, &mcxi_mod_q);
    /* step 1: "r = HashToIntegerRange( SSV || b, q, Hash )" */
    if ((rc = mcxi_sakke_hash_to_q(r, ssv, MCX_SAKKE_SSV_BYTES, id, id_len)) != MCX_OK)
        goto out;
    /* step 2: "R_(b,S) = [r]([b]P + Z_S)"; step 3 needs g^r */
    uint64_t inf = encap_core(sed, &w, pub, b, r);
    mcxi_ct_unpoison(&inf, sizeof inf); /* r = 0 (never for a hash output in practice) */
    if (inf) {
        rc = MCX_ERR_SCALAR_RANGE;
        goto out;
    }
    /* step 3: "H = SSV XOR HashToIntegerRange( g^r, 2^n, Hash )" */
    mcxi_fp_to_bytes(wb, &w);
    if ((rc = mcxi_sakke_hash_to_mask(mask, wb, sizeof wb)) != MCX_OK)
        goto out;
    for (size_t i = 0; i < MCX_SAKKE_SSV_BYTES; i++)
        sed[MCX_SAKKE_POINT_BYTES + i] = (uint8_t)(ssv[i] ^ mask[i]);
    /* step 4: Encapsulated Data = R_(b,S) || H -- the output is public */
    mcxi_ct_unpoison(sed, MCX_SAKKE_SED_BYTES);
out:
    if (rc != MCX_OK)
        mcx_wipe(sed, MCX_SAKKE_SED_BYTES);
    mcx_wipe(r, sizeof r);
    mcx_wipe(wb, sizeof wb);
    mcx_wipe(mask, sizeof mask);
    mcx_wipe(&w, sizeof w);
    return rc;
}

/* ---- receiver -------------------------------------------------------------------------------- */

/* Q = [b]P + Z (public) in affine form. */
static mcx_err point_bPZ(mcxi_eca *Q, const mcx_sakke_pub *pub, const uint64_t b[16])
{
    static const uint64_t one[16] = {1};
    const struct mcxi_comb *pc = mcxi_sakke_P_comb();
    mcxi_ecj t;
    if (pc == NULL)
        return MCX_ERR_NOMEM;
    if (mcxi_limbs_is_zero(b)) { /* public; 0 has no comb recoding */
        *Q = pub->Z;
        return MCX_OK;
    }
    uint64_t inf = mcxi_comb_mul(&t, pc, b, &pub->zc, one);
    (void)mcxi_ec_to_affine(Q, &t);
    /* b = -z mod q: no RSK can exist for this identifier */
    return inf ? MCX_ERR_KEY_INVALID : MCX_OK;
}

/* 1 if the F_p^2 pairing value v represents g in PF_p: v.b == g * v.a and v.a != 0. */
static uint64_t is_g(const mcxi_fp2 *v)
{
    mcxi_fp t;
    mcxi_fp_mul(&t, mcxi_sakke_g(), &v->a);
    uint64_t ok = mcxi_fp_eq(&t, &v->b) & (mcxi_fp_is_zero(&v->a) ^ 1);
    mcx_wipe(&t, sizeof t);
    return ok;
}

/* The lines of P (built once per process) and of the KMS key Z (once per pub object). */
static struct mcxi_lines *P_lines;
static pthread_once_t P_lines_once = PTHREAD_ONCE_INIT;

static void build_P_lines(void)
{
    struct mcxi_lines *L = malloc(sizeof *L);
    if (L != NULL && mcxi_pairing_lines(L, mcxi_sakke_P()) != MCX_OK) {
        free(L);
        L = NULL;
    }
    P_lines = L;
}

static const struct mcxi_lines *pub_Z_lines(const mcx_sakke_pub *cpub)
{
    mcx_sakke_pub *pub = (mcx_sakke_pub *)cpub; /* the lines are a cache: see the struct */
    struct mcxi_lines *L;
    if (pthread_mutex_lock(&pub->lines_mu) != 0)
        return NULL;
    if (pub->zlines == NULL && (L = malloc(sizeof *L)) != NULL) {
        if (mcxi_pairing_lines(L, &pub->Z) == MCX_OK)
            pub->zlines = L;
        else
            free(L);
    }
    L = pub->zlines;
    pthread_mutex_unlock(&pub->lines_mu);
    return L;
}

/*
 * RFC 6508 §6.1.2: "verify that < [a]P + Z_T, K_(a,T) > = g". By bilinearity the left side is
 * <P, K>^a * <Z, K>, and both pairings have a fixed first argument whose Miller-loop lines are
 * precomputed, so this costs two line evaluations at K and one exponentiation by the public a
 * instead of a pairing that walks [a]P + Z (about 1.6 times faster). The F_p factors the line
 * evaluations leave out are irrelevant in PF_p, which is a group homomorphism image.
 */
mcx_err mcx_sakke_validate_rsk(const mcx_sakke_pub *pub, const uint8_t *id, size_t id_len,
                               const uint8_t rsk[MCX_SAKKE_POINT_BYTES])
{
    uint64_t b[16];
    mcxi_eca K;
    mcxi_fp2 vp, vz;
    mcx_err rc;
    if (pub == NULL || rsk == NULL || (id == NULL && id_len > 0))
        return MCX_ERR_ARG;
    if (id_len == 0)
        return MCX_ERR_EMPTY_ID;
    if (pthread_once(&P_lines_once, build_P_lines) != 0 || P_lines == NULL)
        return MCX_ERR_NOMEM;
    const struct mcxi_lines *zl = pub_Z_lines(pub);
    if (zl == NULL)
        return MCX_ERR_NOMEM;
    if ((rc = mcxi_ec_decode(&K, rsk)) != MCX_OK)
        goto out;
    mcxi_mod_reduce_be(b, id, id_len, &mcxi_mod_q);
    mcxi_pairing_eval(&vp, P_lines, &K);
    mcxi_pairing_eval(&vz, zl, &K);
    mcxi_fp2_pow_public(&vp, &vp, b);
    mcxi_fp2_mul(&vp, &vp, &vz);
    uint64_t ok = is_g(&vp);
    mcxi_ct_unpoison(&ok, sizeof ok); /* the verdict is public */
    rc = ok ? MCX_OK : MCX_ERR_KEY_INVALID;
out:
    mcx_wipe(&K, sizeof K);
    mcx_wipe(&vp, sizeof vp);
    mcx_wipe(&vz, sizeof vz);
    return rc;
}

mcx_err mcx_sakke_rsk_new(mcx_sakke_rsk **out, const mcx_sakke_pub *pub, const uint8_t *id,
                          size_t id_len, const uint8_t rsk[MCX_SAKKE_POINT_BYTES])
{
    mcx_sakke_rsk *k = NULL;
    mcxi_eca Q;
    mcxi_fp2 v;
    mcx_err rc;
    if (out == NULL || pub == NULL || rsk == NULL || (id == NULL && id_len > 0))
        return MCX_ERR_ARG;
    *out = NULL;
    if (id_len == 0)
        return MCX_ERR_EMPTY_ID;
    k = calloc(1, sizeof *k);
    if (k == NULL)
        return MCX_ERR_NOMEM;
    k->pub = pub;
    k->id = malloc(id_len);
    if (k->id == NULL) {
        rc = MCX_ERR_NOMEM;
        goto out;
    }
    memcpy(k->id, id, id_len);
    k->id_len = id_len;
    if ((rc = mcxi_ec_decode(&k->K, rsk)) != MCX_OK)
        goto out;
    mcxi_mod_reduce_be(k->b, id, id_len, &mcxi_mod_q);
    if ((rc = point_bPZ(&Q, pub, k->b)) != MCX_OK)
        goto out;
    if ((rc = mcxi_pairing_lines(&k->lines, &k->K)) != MCX_OK)
        goto out;
    /* RFC 6508 §6.1.2 validation, as e(K, [b]P + Z) from K's lines (symmetric pairing) */
    mcxi_pairing_eval(&v, &k->lines, &Q);
    uint64_t ok = is_g(&v);
    mcxi_ct_unpoison(&ok, sizeof ok); /* the verdict is public */
    if (!ok) {
        rc = MCX_ERR_KEY_INVALID;
        goto out;
    }
    rc = mcxi_comb_build(&k->qc, &Q);
out:
    mcx_wipe(&v, sizeof v);
    if (rc != MCX_OK) {
        mcx_sakke_rsk_free(k);
        return rc;
    }
    *out = k;
    return MCX_OK;
}

void mcx_sakke_rsk_free(mcx_sakke_rsk *k)
{
    if (k == NULL)
        return;
    if (k->id != NULL)
        mcx_wipe(k->id, k->id_len);
    free(k->id);
    mcx_wipe(k, sizeof *k);
    free(k);
}

mcx_err mcx_sakke_decapsulate(const mcx_sakke_rsk *k, const uint8_t sed[MCX_SAKKE_SED_BYTES],
                              uint8_t ssv[MCX_SAKKE_SSV_BYTES])
{
    mcxi_eca R;
    mcxi_fp2 v;
    mcxi_fp w;
    uint64_t r[16];
    uint8_t wb[MCX_SAKKE_FIELD_BYTES], mask[16], s[MCX_SAKKE_SSV_BYTES];
    mcx_err rc;
    if (ssv != NULL)
        mcx_wipe(ssv, MCX_SAKKE_SSV_BYTES);
    if (k == NULL || sed == NULL || ssv == NULL)
        return MCX_ERR_ARG;
    /* step 1: parse R_(b,S) || H */
    if ((rc = mcxi_ec_decode(&R, sed)) != MCX_OK)
        goto out;
    /* step 2: "w = < R_(b,S), K_(b,S) >" (= e(K, R), lines of K precomputed) */
    mcxi_pairing_eval(&v, &k->lines, &R);
    mcxi_pfp_value(&w, &v);
    /* step 3: "SSV = H XOR HashToIntegerRange( w, 2^n, Hash )" */
    mcxi_fp_to_bytes(wb, &w);
    if ((rc = mcxi_sakke_hash_to_mask(mask, wb, sizeof wb)) != MCX_OK)
        goto out;
    for (size_t i = 0; i < MCX_SAKKE_SSV_BYTES; i++)
        s[i] = (uint8_t)(sed[MCX_SAKKE_POINT_BYTES + i] ^ mask[i]);
    /* step 4: "r = HashToIntegerRange( SSV || b, q, Hash )" */
    if ((rc = mcxi_sakke_hash_to_q(r, s, sizeof s, k->id, k->id_len)) != MCX_OK)
        goto out;
    /* step 5: "TEST = [r]([b]P + Z_S)"; "If TEST does not equal R_(b,S), then ... fail" */
    uint64_t eq = recompute_matches(k, r, &R);
    mcxi_ct_unpoison(&eq, sizeof eq); /* accept/reject is public (the caller learns it anyway) */
    if (!eq) {
        rc = MCX_ERR_SAKKE_CHECK;
        goto out;
    }
    /* step 6: output SSV -- released to the caller, so no longer secret from the library's view */
    memcpy(ssv, s, sizeof s);
    mcxi_ct_unpoison(ssv, MCX_SAKKE_SSV_BYTES);
out:
    mcx_wipe(&R, sizeof R);
    mcx_wipe(&v, sizeof v);
    mcx_wipe(&w, sizeof w);
    mcx_wipe(r, sizeof r);
    mcx_wipe(wb, sizeof wb);
    mcx_wipe(mask, sizeof mask);
    mcx_wipe(s, sizeof s);
    return rc;
}
