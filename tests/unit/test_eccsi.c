/*
 * ECCSI (RFC 6507) tests: the Appendix A vector through every step (issue with v, KPAK, validation,
 * sign with j, verify cached and uncached), its negative siblings with exact error codes, argument
 * and range errors, the LRU verifier cache, constant-time scalar arithmetic against OpenSSL BN, and
 * 1,000 random sign -> verify round trips (cached verifier == uncached verifier).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/bn.h>
#include <openssl/rand.h>
#include <pthread.h>

#include "crypto/eccsi_internal.h"
#include "crypto/p256n.h"
#include "helpers/vectors.h"
#include "mcxsec/eccsi.h"
#include "mcxsec/util.h"

#define SB MCX_ECCSI_SCALAR_BYTES
#define PB MCX_ECCSI_POINT_BYTES
#define SIGB MCX_ECCSI_SIG_BYTES

static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

static const char *Q_HEX = "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551";

struct appa {
    uint8_t *id;
    size_t id_len;
    uint8_t ksak[SB], v[SB], j[SB], kpak[PB], pvt[PB], hs[32], ssk[SB], r[SB], s[SB], sig[SIGB];
    uint8_t *msg;
    size_t msg_len;
};

static void load_appa(struct appa *a)
{
    struct mcxt_vecfile vf;
    struct mcxt_record r = {0};
    mcxt_vec_open(&vf, "rfc6507_appA.txt");
    int found = 0;
    while (mcxt_vec_next(&vf, &r)) {
        if (strcmp(mcxt_need(&r, "type"), "vector") != 0)
            continue;
        a->id = mcxt_hex(mcxt_need(&r, "id"), &a->id_len);
        a->msg = mcxt_hex(mcxt_need(&r, "msg"), &a->msg_len);
        mcxt_hex_exact(&r, "ksak", a->ksak, SB);
        mcxt_hex_exact(&r, "v", a->v, SB);
        mcxt_hex_exact(&r, "j", a->j, SB);
        mcxt_hex_exact(&r, "kpak", a->kpak, PB);
        mcxt_hex_exact(&r, "pvt", a->pvt, PB);
        mcxt_hex_exact(&r, "hs", a->hs, 32);
        mcxt_hex_exact(&r, "ssk", a->ssk, SB);
        mcxt_hex_exact(&r, "r", a->r, SB);
        mcxt_hex_exact(&r, "s", a->s, SB);
        mcxt_hex_exact(&r, "sig", a->sig, SIGB);
        found = 1;
        break;
    }
    mcxt_record_free(&r);
    mcxt_vec_close(&vf);
    assert_true(found);
}

static void free_appa(struct appa *a)
{
    free(a->id);
    free(a->msg);
}

static void test_rfc6507_appendix_a(void **state)
{
    (void)state;
    struct appa a;
    uint8_t kpak[PB], ssk[SB], pvt[PB], hs[32], sig[SIGB];
    mcx_eccsi_signer *sg = NULL;
    mcx_eccsi_verifier *vf = NULL;
    load_appa(&a);

    /* §4.2: KPAK = [KSAK]G */
    assert_int_equal(mcx_eccsi_kms_public(a.ksak, kpak), MCX_OK);
    assert_memory_equal(kpak, a.kpak, PB);
    /* §5.1.1 with v = 0x23456 */
    assert_int_equal(mcxi_eccsi_kms_issue_with_v(a.ksak, a.id, a.id_len, a.v, ssk, pvt), MCX_OK);
    assert_memory_equal(pvt, a.pvt, PB);
    assert_memory_equal(ssk, a.ssk, SB);
    /* §5.1.2 */
    assert_int_equal(mcx_eccsi_validate(a.kpak, a.id, a.id_len, a.ssk, a.pvt, hs), MCX_OK);
    assert_memory_equal(hs, a.hs, 32);
    assert_int_equal(mcx_eccsi_validate(a.kpak, a.id, a.id_len, a.ssk, a.pvt, NULL), MCX_OK);
    /* §5.2.1 with j = 0x34567 */
    assert_int_equal(mcx_eccsi_signer_new(&sg, a.kpak, a.id, a.id_len, a.ssk, a.pvt), MCX_OK);
    assert_int_equal(mcxi_eccsi_sign_with_j(sg, a.msg, a.msg_len, a.j, sig), MCX_OK);
    assert_memory_equal(sig, a.r, SB);
    assert_memory_equal(sig + SB, a.s, SB);
    assert_memory_equal(sig, a.sig, SIGB);
    /* §5.2.2 */
    assert_int_equal(mcx_eccsi_verify(a.kpak, a.id, a.id_len, a.msg, a.msg_len, a.sig), MCX_OK);
    assert_int_equal(mcx_eccsi_verifier_new(&vf, a.kpak, 4), MCX_OK);
    assert_int_equal(mcx_eccsi_verifier_verify(vf, a.id, a.id_len, a.msg, a.msg_len, a.sig),
                     MCX_OK);
    assert_int_equal(mcxi_eccsi_verifier_count(vf), 1);
    assert_int_equal(mcx_eccsi_verifier_verify(vf, a.id, a.id_len, a.msg, a.msg_len, a.sig),
                     MCX_OK);
    assert_int_equal(mcxi_eccsi_verifier_count(vf), 1);
    /* a random-j signature of the same signer verifies too, and differs */
    assert_int_equal(mcx_eccsi_sign(sg, a.msg, a.msg_len, sig), MCX_OK);
    assert_memory_not_equal(sig, a.sig, SB);
    assert_memory_equal(sig + 2 * SB, a.pvt, PB);
    assert_int_equal(mcx_eccsi_verify(a.kpak, a.id, a.id_len, a.msg, a.msg_len, sig), MCX_OK);
    assert_int_equal(mcx_eccsi_verifier_verify(vf, a.id, a.id_len, a.msg, a.msg_len, sig), MCX_OK);
    mcx_eccsi_verifier_free(vf);
    mcx_eccsi_signer_free(sg);
    free_appa(&a);
}

/* Every negative sibling of the vector file fails with exactly the expected error, cached or not.
 */
static void test_rfc6507_negatives(void **state)
{
    (void)state;
    struct mcxt_vecfile vfile;
    struct mcxt_record r = {0};
    int nverify = 0, nvalidate = 0;
    mcxt_vec_open(&vfile, "rfc6507_appA.txt");
    while (mcxt_vec_next(&vfile, &r)) {
        const char *type = mcxt_need(&r, "type");
        if (strcmp(type, "verify") == 0) {
            uint8_t kpak[PB], sig[SIGB];
            size_t id_len, msg_len;
            mcxt_hex_exact(&r, "kpak", kpak, PB);
            mcxt_hex_exact(&r, "sig", sig, SIGB);
            uint8_t *id = mcxt_hex(mcxt_need(&r, "id"), &id_len);
            uint8_t *msg = mcxt_hex(mcxt_need(&r, "msg"), &msg_len);
            const char *expect = mcxt_need(&r, "expect");
            mcx_err rc = mcx_eccsi_verify(kpak, id, id_len, msg, msg_len, sig);
            if (strcmp(mcx_errname(rc), expect) != 0)
                fail_msg("line %u (%s): verify gave %s, expected %s", r.line, mcxt_need(&r, "note"),
                         mcx_errname(rc), expect);
            mcx_eccsi_verifier *vf = NULL;
            rc = mcx_eccsi_verifier_new(&vf, kpak, 8);
            if (rc == MCX_OK) {
                rc = mcx_eccsi_verifier_verify(vf, id, id_len, msg, msg_len, sig);
                assert_int_equal(mcxi_eccsi_verifier_count(vf), 0);
                mcx_eccsi_verifier_free(vf);
            } else {
                assert_null(vf);
            }
            if (strcmp(mcx_errname(rc), expect) != 0)
                fail_msg("line %u (%s): cached verify gave %s, expected %s", r.line,
                         mcxt_need(&r, "note"), mcx_errname(rc), expect);
            free(id);
            free(msg);
            nverify++;
        } else if (strcmp(type, "validate") == 0) {
            uint8_t kpak[PB], ssk[SB], pvt[PB], hs[32];
            size_t id_len;
            mcxt_hex_exact(&r, "kpak", kpak, PB);
            mcxt_hex_exact(&r, "ssk", ssk, SB);
            mcxt_hex_exact(&r, "pvt", pvt, PB);
            uint8_t *id = mcxt_hex(mcxt_need(&r, "id"), &id_len);
            const char *expect = mcxt_need(&r, "expect");
            memset(hs, 0xAA, sizeof hs);
            mcx_err rc = mcx_eccsi_validate(kpak, id, id_len, ssk, pvt, hs);
            if (strcmp(mcx_errname(rc), expect) != 0)
                fail_msg("line %u (%s): validate gave %s, expected %s", r.line,
                         mcxt_need(&r, "note"), mcx_errname(rc), expect);
            /* no partial output */
            assert_true(all_zero(hs, sizeof hs));
            mcx_eccsi_signer *sg = (mcx_eccsi_signer *)(uintptr_t)1;
            assert_int_equal(mcx_eccsi_signer_new(&sg, kpak, id, id_len, ssk, pvt), rc);
            assert_null(sg);
            free(id);
            nvalidate++;
        }
    }
    mcxt_record_free(&r);
    mcxt_vec_close(&vfile);
    assert_true(nverify >= 10);
    assert_true(nvalidate >= 5);
}

static void q_bytes(uint8_t q[SB])
{
    BIGNUM *b = NULL;
    assert_true(BN_hex2bn(&b, Q_HEX) > 0);
    assert_int_equal(BN_bn2binpad(b, q, SB), SB);
    BN_free(b);
}

/* Argument, range and empty-identifier errors, with zeroed outputs. */
static void test_errors(void **state)
{
    (void)state;
    struct appa a;
    uint8_t q[SB], zero[SB] = {0}, ssk[SB], pvt[PB], kpak[PB], ksak[SB], sig[SIGB];
    load_appa(&a);
    q_bytes(q);

    assert_int_equal(mcx_eccsi_kms_public(zero, kpak), MCX_ERR_SCALAR_RANGE);
    assert_true(all_zero(kpak, PB));
    assert_int_equal(mcx_eccsi_kms_public(q, kpak), MCX_ERR_SCALAR_RANGE);
    assert_int_equal(mcx_eccsi_kms_public(NULL, kpak), MCX_ERR_ARG);
    assert_int_equal(mcx_eccsi_kms_keygen(NULL, kpak), MCX_ERR_ARG);

    memset(ssk, 0xAA, SB);
    memset(pvt, 0xAA, PB);
    assert_int_equal(mcx_eccsi_kms_issue(a.ksak, a.id, 0, ssk, pvt), MCX_ERR_EMPTY_ID);
    assert_true(all_zero(ssk, SB) && all_zero(pvt, PB));
    assert_int_equal(mcx_eccsi_kms_issue(q, a.id, a.id_len, ssk, pvt), MCX_ERR_SCALAR_RANGE);
    assert_true(all_zero(ssk, SB) && all_zero(pvt, PB));
    assert_int_equal(mcx_eccsi_kms_issue(zero, a.id, a.id_len, ssk, pvt), MCX_ERR_SCALAR_RANGE);
    assert_int_equal(mcx_eccsi_kms_issue(a.ksak, NULL, 3, ssk, pvt), MCX_ERR_ARG);
    assert_int_equal(mcxi_eccsi_kms_issue_with_v(a.ksak, a.id, a.id_len, zero, ssk, pvt),
                     MCX_ERR_SCALAR_RANGE);
    assert_int_equal(mcxi_eccsi_kms_issue_with_v(a.ksak, a.id, a.id_len, q, ssk, pvt),
                     MCX_ERR_SCALAR_RANGE);

    mcx_eccsi_signer *sg = NULL;
    assert_int_equal(mcx_eccsi_signer_new(&sg, a.kpak, a.id, a.id_len, a.ssk, a.pvt), MCX_OK);
    memset(sig, 0xAA, SIGB);
    assert_int_equal(mcxi_eccsi_sign_with_j(sg, a.msg, a.msg_len, zero, sig), MCX_ERR_SCALAR_RANGE);
    assert_true(all_zero(sig, SIGB));
    assert_int_equal(mcxi_eccsi_sign_with_j(sg, a.msg, a.msg_len, q, sig), MCX_ERR_SCALAR_RANGE);
    assert_int_equal(mcx_eccsi_sign(NULL, a.msg, a.msg_len, sig), MCX_ERR_ARG);
    assert_int_equal(mcx_eccsi_sign(sg, NULL, 1, sig), MCX_ERR_ARG);
    /* an empty message is a valid message */
    assert_int_equal(mcx_eccsi_sign(sg, NULL, 0, sig), MCX_OK);
    assert_int_equal(mcx_eccsi_verify(a.kpak, a.id, a.id_len, NULL, 0, sig), MCX_OK);
    mcx_eccsi_signer_free(sg);
    mcx_eccsi_signer_free(NULL);

    assert_int_equal(mcx_eccsi_verify(NULL, a.id, a.id_len, a.msg, a.msg_len, a.sig), MCX_ERR_ARG);
    assert_int_equal(mcx_eccsi_verify(a.kpak, a.id, a.id_len, a.msg, a.msg_len, NULL), MCX_ERR_ARG);

    mcx_eccsi_verifier *vf = NULL;
    uint8_t badk[PB];
    memcpy(badk, a.kpak, PB);
    badk[0] = 0x03;
    assert_int_equal(mcx_eccsi_verifier_new(&vf, badk, 4), MCX_ERR_POINT_FORMAT);
    assert_null(vf);
    assert_int_equal(mcx_eccsi_verifier_new(&vf, a.kpak, (size_t)1 << 30), MCX_ERR_LIMIT);
    assert_int_equal(mcx_eccsi_verifier_new(&vf, a.kpak, 0), MCX_OK); /* default capacity */
    assert_int_equal(mcx_eccsi_verifier_verify(vf, a.id, 0, a.msg, a.msg_len, a.sig),
                     MCX_ERR_EMPTY_ID);
    assert_int_equal(mcx_eccsi_verifier_verify(NULL, a.id, a.id_len, a.msg, a.msg_len, a.sig),
                     MCX_ERR_ARG);
    mcx_eccsi_verifier_free(vf);
    mcx_eccsi_verifier_free(NULL);

    /* keygen gives a KSAK in range whose public key matches */
    assert_int_equal(mcx_eccsi_kms_keygen(ksak, kpak), MCX_OK);
    uint8_t kpak2[PB];
    assert_int_equal(mcx_eccsi_kms_public(ksak, kpak2), MCX_OK);
    assert_memory_equal(kpak, kpak2, PB);

    assert_int_equal(mcxi_eccsi_point_check(a.kpak), MCX_OK);
    assert_int_equal(mcxi_eccsi_point_check(badk), MCX_ERR_POINT_FORMAT);
    free_appa(&a);
}

/* LRU: a capacity-2 verifier with three signers keeps two, and stays correct. */
static void test_verifier_lru(void **state)
{
    (void)state;
    uint8_t ksak[SB], kpak[PB], ssk[3][SB], pvt[3][PB], sig[SIGB];
    uint8_t id[3][4] = {{'a', 0, 0, 1}, {'b', 0, 0, 2}, {'c', 0, 0, 3}};
    static const uint8_t msg[] = "lru";
    mcx_eccsi_signer *sg[3];
    mcx_eccsi_verifier *vf = NULL;
    assert_int_equal(mcx_eccsi_kms_keygen(ksak, kpak), MCX_OK);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(mcx_eccsi_kms_issue(ksak, id[i], 4, ssk[i], pvt[i]), MCX_OK);
        assert_int_equal(mcx_eccsi_signer_new(&sg[i], kpak, id[i], 4, ssk[i], pvt[i]), MCX_OK);
    }
    assert_int_equal(mcx_eccsi_verifier_new(&vf, kpak, 2), MCX_OK);
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < 3; i++) {
            assert_int_equal(mcx_eccsi_sign(sg[i], msg, sizeof msg, sig), MCX_OK);
            assert_int_equal(mcx_eccsi_verifier_verify(vf, id[i], 4, msg, sizeof msg, sig), MCX_OK);
            assert_true(mcxi_eccsi_verifier_count(vf) <= 2);
            /* the signature of signer i must not verify under signer (i+1)'s identifier */
            assert_int_equal(
                mcx_eccsi_verifier_verify(vf, id[(i + 1) % 3], 4, msg, sizeof msg, sig),
                MCX_ERR_VERIFY);
            sig[40] ^= 1;
            assert_int_equal(mcx_eccsi_verifier_verify(vf, id[i], 4, msg, sizeof msg, sig),
                             MCX_ERR_VERIFY);
        }
    }
    assert_int_equal(mcxi_eccsi_verifier_count(vf), 2);
    mcx_eccsi_verifier_free(vf);
    for (int i = 0; i < 3; i++)
        mcx_eccsi_signer_free(sg[i]);
    mcx_wipe(ssk, sizeof ssk);
    mcx_wipe(ksak, sizeof ksak);
}

/* The constant-time scalar arithmetic mod q agrees with OpenSSL BN on random and edge inputs. */
static void test_p256n_vs_bn(void **state)
{
    (void)state;
    BN_CTX *ctx = BN_CTX_new();
    BIGNUM *q = NULL, *a = BN_new(), *b = BN_new(), *r = BN_new();
    assert_non_null(ctx);
    assert_true(BN_hex2bn(&q, Q_HEX) > 0);
    for (int it = 0; it < 2000; it++) {
        uint8_t ab[SB], bb[SB], out[SB], want[SB];
        uint64_t x[4], y[4], z[4];
        assert_int_equal(RAND_bytes(ab, SB), 1);
        assert_int_equal(RAND_bytes(bb, SB), 1);
        if (it == 0)
            memset(ab, 0xFF, SB); /* 2^256 - 1 */
        if (it == 1)
            BN_bn2binpad(q, ab, SB), ab[31] -= 1; /* q - 1 */
        mcxi_p256n_from_be(x, ab);
        mcxi_p256n_from_be(y, bb);
        /* reduce */
        mcxi_p256n_reduce(x, x);
        mcxi_p256n_reduce(y, y);
        BN_bin2bn(ab, SB, a);
        BN_bin2bn(bb, SB, b);
        BN_nnmod(a, a, q, ctx);
        BN_nnmod(b, b, q, ctx);
        mcxi_p256n_to_be(out, x);
        BN_bn2binpad(a, want, SB);
        assert_memory_equal(out, want, SB);
        assert_int_equal(mcxi_p256n_in_range(x), !BN_is_zero(a));
        /* add */
        mcxi_p256n_add(z, x, y);
        BN_mod_add(r, a, b, q, ctx);
        mcxi_p256n_to_be(out, z);
        BN_bn2binpad(r, want, SB);
        assert_memory_equal(out, want, SB);
        /* mul */
        mcxi_p256n_mul(z, x, y);
        BN_mod_mul(r, a, b, q, ctx);
        mcxi_p256n_to_be(out, z);
        BN_bn2binpad(r, want, SB);
        assert_memory_equal(out, want, SB);
        /* inv */
        mcxi_p256n_inv(z, x);
        if (BN_is_zero(a))
            BN_zero(r);
        else
            assert_non_null(BN_mod_inverse(r, a, q, ctx));
        mcxi_p256n_to_be(out, z);
        BN_bn2binpad(r, want, SB);
        assert_memory_equal(out, want, SB);
        mcxi_p256n_inv_vartime(z, x);
        mcxi_p256n_to_be(out, z);
        assert_memory_equal(out, want, SB);
    }
    uint64_t zero[4] = {0, 0, 0, 0}, inv[4];
    assert_int_equal(mcxi_p256n_is_zero(zero), 1);
    assert_int_equal(mcxi_p256n_in_range(zero), 0);
    mcxi_p256n_inv(inv, zero);
    assert_int_equal(mcxi_p256n_is_zero(inv), 1);
    mcxi_p256n_inv_vartime(inv, zero);
    assert_int_equal(mcxi_p256n_is_zero(inv), 1);
    uint64_t one[4] = {1, 0, 0, 0};
    mcxi_p256n_inv_vartime(inv, one);
    assert_memory_equal(inv, one, sizeof one);
    BN_free(q);
    BN_free(a);
    BN_free(b);
    BN_free(r);
    BN_CTX_free(ctx);
}

/* 1,000 random sign -> verify round trips: uncached and cached verification agree, and a one-bit
 * change in the message is rejected by both. */
static void test_roundtrip_1000(void **state)
{
    (void)state;
    uint8_t ksak[SB], kpak[PB];
    mcx_eccsi_verifier *vf = NULL;
    enum { NSIGNERS = 10, ROUNDS = 1000 };
    mcx_eccsi_signer *sg[NSIGNERS];
    uint8_t id[NSIGNERS][32];
    assert_int_equal(mcx_eccsi_kms_keygen(ksak, kpak), MCX_OK);
    assert_int_equal(mcx_eccsi_verifier_new(&vf, kpak, 6), MCX_OK);
    for (int i = 0; i < NSIGNERS; i++) {
        uint8_t ssk[SB], pvt[PB], hs[32];
        assert_int_equal(mcx_random(id[i], sizeof id[i]), MCX_OK);
        assert_int_equal(mcx_eccsi_kms_issue(ksak, id[i], sizeof id[i], ssk, pvt), MCX_OK);
        assert_int_equal(mcx_eccsi_validate(kpak, id[i], sizeof id[i], ssk, pvt, hs), MCX_OK);
        assert_int_equal(mcx_eccsi_signer_new(&sg[i], kpak, id[i], sizeof id[i], ssk, pvt), MCX_OK);
        mcx_wipe(ssk, sizeof ssk);
    }
    for (int n = 0; n < ROUNDS; n++) {
        uint8_t msg[64], sig[SIGB];
        int i = n % NSIGNERS;
        size_t mlen = (size_t)(n % 64);
        assert_int_equal(mcx_random(msg, sizeof msg), MCX_OK);
        assert_int_equal(mcx_eccsi_sign(sg[i], msg, mlen, sig), MCX_OK);
        mcx_err u = mcx_eccsi_verify(kpak, id[i], sizeof id[i], msg, mlen, sig);
        mcx_err c = mcx_eccsi_verifier_verify(vf, id[i], sizeof id[i], msg, mlen, sig);
        assert_int_equal(u, MCX_OK);
        assert_int_equal(c, MCX_OK);
        if (n % 10 == 0) {
            uint8_t bad = mlen ? 0 : 1;
            msg[0] ^= 1;
            mlen += bad;
            assert_int_equal(mcx_eccsi_verify(kpak, id[i], sizeof id[i], msg, mlen, sig),
                             MCX_ERR_VERIFY);
            assert_int_equal(mcx_eccsi_verifier_verify(vf, id[i], sizeof id[i], msg, mlen, sig),
                             MCX_ERR_VERIFY);
        }
    }
    for (int i = 0; i < NSIGNERS; i++)
        mcx_eccsi_signer_free(sg[i]);
    mcx_eccsi_verifier_free(vf);
    mcx_wipe(ksak, sizeof ksak);
}

/* Several threads share one signer and one small verifier (forcing evictions under the lock). */
struct mt_ctx {
    mcx_eccsi_verifier *vf;
    mcx_eccsi_signer **sg;
    uint8_t (*id)[8];
    int nsigners;
    int failures;
};

static void *mt_worker(void *arg)
{
    struct mt_ctx *c = arg;
    for (int n = 0; n < 60; n++) {
        uint8_t msg[16], sig[SIGB];
        int i = (n * 7) % c->nsigners;
        if (mcx_random(msg, sizeof msg) != MCX_OK ||
            mcx_eccsi_sign(c->sg[i], msg, sizeof msg, sig) != MCX_OK ||
            mcx_eccsi_verifier_verify(c->vf, c->id[i], 8, msg, sizeof msg, sig) != MCX_OK)
            c->failures++;
        sig[10] ^= 0x40;
        if (mcx_eccsi_verifier_verify(c->vf, c->id[i], 8, msg, sizeof msg, sig) != MCX_ERR_VERIFY)
            c->failures++;
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    enum { NS = 5, NT = 4 };
    uint8_t ksak[SB], kpak[PB], ssk[SB], pvt[PB];
    uint8_t id[NS][8];
    mcx_eccsi_signer *sg[NS];
    struct mt_ctx ctx[NT];
    pthread_t th[NT];
    mcx_eccsi_verifier *vf = NULL;
    assert_int_equal(mcx_eccsi_kms_keygen(ksak, kpak), MCX_OK);
    assert_int_equal(mcx_eccsi_verifier_new(&vf, kpak, 3), MCX_OK);
    for (int i = 0; i < NS; i++) {
        memset(id[i], 'a' + i, sizeof id[i]);
        assert_int_equal(mcx_eccsi_kms_issue(ksak, id[i], 8, ssk, pvt), MCX_OK);
        assert_int_equal(mcx_eccsi_signer_new(&sg[i], kpak, id[i], 8, ssk, pvt), MCX_OK);
    }
    for (int t = 0; t < NT; t++) {
        ctx[t] = (struct mt_ctx){vf, sg, id, NS, 0};
        assert_int_equal(pthread_create(&th[t], NULL, mt_worker, &ctx[t]), 0);
    }
    for (int t = 0; t < NT; t++) {
        assert_int_equal(pthread_join(th[t], NULL), 0);
        assert_int_equal(ctx[t].failures, 0);
    }
    assert_true(mcxi_eccsi_verifier_count(vf) <= 3);
    for (int i = 0; i < NS; i++)
        mcx_eccsi_signer_free(sg[i]);
    mcx_eccsi_verifier_free(vf);
    mcx_wipe(ksak, sizeof ksak);
    mcx_wipe(ssk, sizeof ssk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc6507_appendix_a),
        cmocka_unit_test(test_rfc6507_negatives),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_verifier_lru),
        cmocka_unit_test(test_p256n_vs_bn),
        cmocka_unit_test(test_roundtrip_1000),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
