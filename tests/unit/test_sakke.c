/*
 * test_sakke — SAKKE (RFC 6508, parameter set 1 of RFC 6509) end to end: the RFC 6508
 * Appendix A vector (tests/vectors/rfc6508_appA.txt) through every step, its negative siblings
 * (rfc6508_appA_neg.txt: malformed, out-of-range, off-curve and off-subgroup points for R, the RSK
 * and Z), argument and range errors, failures leaving no partial output, and random round
 * trips.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/fp1024.h"
#include "crypto/sakke_int.h"
#include "mcxsec/sakke.h"
#include "mcxsec/util.h"

/* ---- a minimal `key = hex` record reader ---------------------------------------------------- */

#define MAX_RECS 512
struct rec {
    char key[32];
    uint8_t *val;
    size_t len;
};
struct recs {
    struct rec r[MAX_RECS];
    size_t n;
};

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static void load(struct recs *rs, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", MCX_VECTOR_DIR, name);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[8192];
    rs->n = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        char *eq = strchr(line, '=');
        if (line[0] == '#' || eq == NULL)
            continue;
        assert_true(rs->n < MAX_RECS);
        struct rec *r = &rs->r[rs->n++];
        size_t kl = 0;
        for (char *p = line; p < eq && kl + 1 < sizeof r->key; p++)
            if (*p != ' ')
                r->key[kl++] = *p;
        r->key[kl] = '\0';
        char *v = eq + 1;
        while (*v == ' ')
            v++;
        size_t vl = strcspn(v, "\r\n");
        v[vl] = '\0';
        r->val = malloc(vl / 2 + 1);
        assert_non_null(r->val);
        r->len = 0;
        int text = strncmp(v, "MCX_", 4) == 0 || strcmp(r->key, "case") == 0 ||
                   strcmp(r->key, "op") == 0;
        if (text) { /* keep as a string */
            free(r->val);
            r->val = (uint8_t *)strdup(v);
            assert_non_null(r->val);
            r->len = vl;
            continue;
        }
        assert_true(vl % 2 == 0);
        for (size_t i = 0; i < vl; i += 2) {
            int hi = hexval(v[i]), lo = hexval(v[i + 1]);
            assert_true(hi >= 0 && lo >= 0);
            r->val[r->len++] = (uint8_t)(hi * 16 + lo);
        }
    }
    fclose(f);
}

static void unload(struct recs *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        free(rs->r[i].val);
    rs->n = 0;
}

/* the first record named key at or after index *from (advances *from past it) */
static const struct rec *get_from(const struct recs *rs, const char *key, size_t *from)
{
    for (size_t i = *from; i < rs->n; i++)
        if (strcmp(rs->r[i].key, key) == 0) {
            *from = i + 1;
            return &rs->r[i];
        }
    fail_msg("missing record %s", key);
    return NULL;
}

static const struct rec *get(const struct recs *rs, const char *key)
{
    size_t from = 0;
    return get_from(rs, key, &from);
}

static void expect_bytes(const struct rec *r, const uint8_t *got, size_t n)
{
    assert_int_equal(r->len, n);
    assert_memory_equal(r->val, got, n);
}

/* ---- the RFC 6508 Appendix A vector ---------------------------------------------------------- */

static void test_appA_kms(void **state)
{
    (void)state;
    struct recs v;
    load(&v, "rfc6508_appA.txt");
    const struct rec *z = get(&v, "z"), *id = get(&v, "id");
    uint8_t Z[MCX_SAKKE_POINT_BYTES], K[MCX_SAKKE_POINT_BYTES];
    assert_int_equal(z->len, MCX_SAKKE_SCALAR_BYTES);
    assert_int_equal(mcx_sakke_kms_public(z->val, Z), MCX_OK);
    expect_bytes(get(&v, "Z"), Z, sizeof Z);
    assert_int_equal(mcx_sakke_kms_issue(z->val, id->val, id->len, K), MCX_OK);
    expect_bytes(get(&v, "rsk"), K, sizeof K);
    unload(&v);
}

static void test_appA_encap(void **state)
{
    (void)state;
    struct recs v;
    load(&v, "rfc6508_appA.txt");
    const struct rec *id = get(&v, "id"), *ssv = get(&v, "ssv");
    /* step 1: r */
    uint64_t r[16];
    uint8_t rb[128];
    assert_int_equal(mcxi_sakke_hash_to_q(r, ssv->val, ssv->len, id->val, id->len), MCX_OK);
    mcxi_limbs_to_be(rb, r);
    expect_bytes(get(&v, "r"), rb, sizeof rb);
    /* step 3: mask from g^r */
    const struct rec *gr = get(&v, "g_r");
    uint8_t mask[16];
    assert_int_equal(mcxi_sakke_hash_to_mask(mask, gr->val, gr->len), MCX_OK);
    expect_bytes(get(&v, "mask"), mask, sizeof mask);
    /* the whole encapsulation */
    mcx_sakke_pub *pub = NULL;
    assert_int_equal(mcx_sakke_pub_new(&pub, get(&v, "Z")->val), MCX_OK);
    uint8_t sed[MCX_SAKKE_SED_BYTES];
    assert_int_equal(mcx_sakke_encapsulate(pub, id->val, id->len, ssv->val, sed), MCX_OK);
    expect_bytes(get(&v, "R"), sed, MCX_SAKKE_POINT_BYTES);
    expect_bytes(get(&v, "H"), sed + MCX_SAKKE_POINT_BYTES, 16);
    expect_bytes(get(&v, "sed"), sed, sizeof sed);
    mcx_sakke_pub_free(pub);
    unload(&v);
}

static void test_appA_decap(void **state)
{
    (void)state;
    struct recs v;
    load(&v, "rfc6508_appA.txt");
    const struct rec *id = get(&v, "id"), *rsk = get(&v, "rsk");
    mcx_sakke_pub *pub = NULL;
    mcx_sakke_rsk *k = NULL;
    assert_int_equal(mcx_sakke_pub_new(&pub, get(&v, "Z")->val), MCX_OK);
    assert_int_equal(mcx_sakke_validate_rsk(pub, id->val, id->len, rsk->val), MCX_OK);
    assert_int_equal(mcx_sakke_rsk_new(&k, pub, id->val, id->len, rsk->val), MCX_OK);
    uint8_t ssv[16];
    assert_int_equal(mcx_sakke_decapsulate(k, get(&v, "sed")->val, ssv), MCX_OK);
    expect_bytes(get(&v, "ssv"), ssv, sizeof ssv);
    mcx_sakke_rsk_free(k);
    mcx_sakke_pub_free(pub);
    unload(&v);
}

static mcx_err err_by_name(const char *s)
{
    static const mcx_err all[] = {MCX_ERR_POINT_FORMAT, MCX_ERR_POINT_RANGE, MCX_ERR_NOT_ON_CURVE,
                                  MCX_ERR_INFINITY,     MCX_ERR_KEY_INVALID, MCX_ERR_SAKKE_CHECK,
                                  MCX_ERR_EMPTY_ID,     MCX_ERR_SCALAR_RANGE};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(mcx_errname(all[i]), s) == 0)
            return all[i];
    fail_msg("unknown error name %s", s);
    return MCX_OK;
}

static void test_appA_negative(void **state)
{
    (void)state;
    struct recs v, n;
    load(&v, "rfc6508_appA.txt");
    load(&n, "rfc6508_appA_neg.txt");
    mcx_sakke_pub *pub = NULL;
    assert_int_equal(mcx_sakke_pub_new(&pub, get(&v, "Z")->val), MCX_OK);
    size_t at = 0, cases = 0;
    while (at < n.n) {
        const struct rec *c = get_from(&n, "case", &at);
        const struct rec *op = get_from(&n, "op", &at);
        if (strcmp((const char *)op->val, "pub") == 0) {
            const struct rec *Z = get_from(&n, "Z", &at);
            mcx_err want = err_by_name((const char *)get_from(&n, "expect", &at)->val);
            static char dummy;
            mcx_sakke_pub *bad = (mcx_sakke_pub *)(void *)&dummy; /* must be reset to NULL */
            assert_int_equal(Z->len, MCX_SAKKE_POINT_BYTES);
            mcx_err got = mcx_sakke_pub_new(&bad, Z->val);
            if (got != want)
                fail_msg("case %s: got %s, want %s", (const char *)c->val, mcx_errname(got),
                         mcx_errname(want));
            assert_null(bad);
            cases++;
            continue;
        }
        const struct rec *sed = get_from(&n, "sed", &at);
        const struct rec *rsk = get_from(&n, "rsk", &at);
        const struct rec *id = get_from(&n, "id", &at);
        mcx_err want = err_by_name((const char *)get_from(&n, "expect", &at)->val);
        mcx_sakke_rsk *k = NULL;
        mcx_err got;
        if (strcmp((const char *)op->val, "rsk") == 0) {
            got = mcx_sakke_validate_rsk(pub, id->val, id->len, rsk->val);
            if (got != want)
                fail_msg("case %s: validate gave %s", (const char *)c->val, mcx_errname(got));
            got = mcx_sakke_rsk_new(&k, pub, id->val, id->len, rsk->val);
            assert_null(k);
        } else {
            assert_int_equal(mcx_sakke_rsk_new(&k, pub, id->val, id->len, rsk->val), MCX_OK);
            uint8_t ssv[16];
            memset(ssv, 0xaa, sizeof ssv);
            got = mcx_sakke_decapsulate(k, sed->val, ssv);
            /* never release an SSV on failure */
            uint8_t zero[16] = {0};
            assert_memory_equal(ssv, zero, sizeof ssv);
            mcx_sakke_rsk_free(k);
        }
        if (got != want)
            fail_msg("case %s: got %s, want %s", (const char *)c->val, mcx_errname(got),
                     mcx_errname(want));
        cases++;
    }
    assert_true(cases >= 24);
    mcx_sakke_pub_free(pub);
    unload(&v);
    unload(&n);
}

/* ---- argument and range errors --------------------------------------------------------------- */

static void test_errors(void **state)
{
    (void)state;
    uint8_t z[MCX_SAKKE_SCALAR_BYTES], Z[MCX_SAKKE_POINT_BYTES], K[MCX_SAKKE_POINT_BYTES];
    const uint8_t id[4] = {1, 2, 3, 4};
    memset(z, 0, sizeof z);
    assert_int_equal(mcx_sakke_kms_public(z, Z), MCX_ERR_SCALAR_RANGE); /* z = 0 */
    mcxi_limbs_to_be(z, mcxi_mod_q.m);
    assert_int_equal(mcx_sakke_kms_public(z, Z), MCX_ERR_SCALAR_RANGE); /* z = q */
    assert_int_equal(mcx_sakke_kms_issue(z, id, sizeof id, K), MCX_ERR_SCALAR_RANGE);
    memset(z, 0xff, sizeof z);
    assert_int_equal(mcx_sakke_kms_public(z, Z), MCX_ERR_SCALAR_RANGE);
    /* z = q - b: b + z = 0 mod q, no key exists */
    uint64_t t[16], b[16];
    mcxi_mod_reduce_be(b, id, sizeof id, &mcxi_mod_q);
    uint64_t zero[16] = {0};
    mcxi_mod_sub(t, zero, b, &mcxi_mod_q);
    mcxi_limbs_to_be(z, t);
    assert_int_equal(mcx_sakke_kms_issue(z, id, sizeof id, K), MCX_ERR_SCALAR_RANGE);
    /* good key */
    assert_int_equal(mcx_sakke_kms_keygen(z, Z), MCX_OK);
    assert_int_equal(mcx_sakke_kms_issue(z, id, 0, K), MCX_ERR_EMPTY_ID);
    assert_int_equal(mcx_sakke_kms_issue(z, NULL, 3, K), MCX_ERR_ARG);
    mcx_sakke_pub *pub = NULL;
    assert_int_equal(mcx_sakke_pub_new(&pub, Z), MCX_OK);
    uint8_t sed[MCX_SAKKE_SED_BYTES], ssv[16] = {0};
    assert_int_equal(mcx_sakke_encapsulate(pub, id, 0, ssv, sed), MCX_ERR_EMPTY_ID);
    assert_int_equal(mcx_sakke_encapsulate(NULL, id, 4, ssv, sed), MCX_ERR_ARG);
    mcx_sakke_pub_free(pub);
    /* bad Z encodings */
    uint8_t bad[MCX_SAKKE_POINT_BYTES];
    memcpy(bad, Z, sizeof bad);
    bad[0] = 0x02;
    assert_int_equal(mcx_sakke_pub_new(&pub, bad), MCX_ERR_POINT_FORMAT);
    assert_null(pub);
    memcpy(bad, Z, sizeof bad);
    bad[77] ^= 0x10;
    assert_int_equal(mcx_sakke_pub_new(&pub, bad), MCX_ERR_NOT_ON_CURVE);
    memset(bad + 1, 0, 256);
    assert_int_equal(mcx_sakke_pub_new(&pub, bad), MCX_ERR_INFINITY);
    /* (0, 0) is on the curve but has order 2 ... same encoding as O here; use a point of order 4q:
     * P + (0,0) is on E but not in the order-q group -- covered by test_pairing's subgroup test */
    mcx_sakke_pub_free(NULL);
    mcx_sakke_rsk_free(NULL);
}

/* ---- failures leave no partial output -------------------------------------------------------- */

/* 1 if the n octets at p are all zero: the failed call wiped what the output held before. */
static int wiped(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

static void test_failure_outputs(void **state)
{
    (void)state;
    struct recs v;
    load(&v, "rfc6508_appA.txt");
    const struct rec *id = get(&v, "id"), *rsk = get(&v, "rsk"), *sed = get(&v, "sed");
    uint8_t z[MCX_SAKKE_SCALAR_BYTES], Z[MCX_SAKKE_POINT_BYTES], K[MCX_SAKKE_POINT_BYTES];
    uint8_t out[MCX_SAKKE_SED_BYTES], ssv[MCX_SAKKE_SSV_BYTES] = {1};
    mcx_sakke_pub *pub = NULL;
    mcx_sakke_rsk *k = NULL;
    assert_int_equal(mcx_sakke_pub_new(&pub, get(&v, "Z")->val), MCX_OK);

    /* KMS side: z out of range */
    memset(z, 0, sizeof z);
    memset(Z, 0xAA, sizeof Z);
    assert_int_equal(mcx_sakke_kms_public(z, Z), MCX_ERR_SCALAR_RANGE);
    assert_true(wiped(Z, sizeof Z));
    memset(K, 0xAA, sizeof K);
    assert_int_equal(mcx_sakke_kms_issue(z, id->val, id->len, K), MCX_ERR_SCALAR_RANGE);
    assert_true(wiped(K, sizeof K));
    memcpy(z, get(&v, "z")->val, sizeof z);
    assert_int_equal(mcx_sakke_kms_issue(z, id->val, 0, K), MCX_ERR_EMPTY_ID);
    assert_true(wiped(K, sizeof K));

    /* encapsulation: empty identifier */
    memset(out, 0xAA, sizeof out);
    assert_int_equal(mcx_sakke_encapsulate(pub, id->val, 0, ssv, out), MCX_ERR_EMPTY_ID);
    assert_true(wiped(out, sizeof out));

    /* decapsulation: the SSV output is zeroed on every failure, whatever it held */
    assert_int_equal(mcx_sakke_rsk_new(&k, pub, id->val, id->len, rsk->val), MCX_OK);
    memcpy(out, sed->val, MCX_SAKKE_SED_BYTES);
    out[MCX_SAKKE_POINT_BYTES] ^= 0x80;
    memset(ssv, 0xAA, sizeof ssv);
    assert_int_equal(mcx_sakke_decapsulate(k, out, ssv), MCX_ERR_SAKKE_CHECK);
    for (size_t i = 0; i < sizeof ssv; i++)
        assert_int_equal(ssv[i], 0);
    memset(ssv, 0xAA, sizeof ssv);
    assert_int_equal(mcx_sakke_decapsulate(k, NULL, ssv), MCX_ERR_ARG);
    for (size_t i = 0; i < sizeof ssv; i++)
        assert_int_equal(ssv[i], 0);
    mcx_sakke_rsk_free(k);

    /* a failed RSK load leaves no handle */
    static char dummy;
    k = (mcx_sakke_rsk *)(void *)&dummy;
    assert_int_equal(mcx_sakke_rsk_new(&k, pub, id->val, 0, rsk->val), MCX_ERR_EMPTY_ID);
    assert_null(k);
    mcx_sakke_pub_free(pub);
    unload(&v);
}

/* ---- random round trips ---------------------------------------------------------------------- */

#ifndef ROUND_TRIPS
#define ROUND_TRIPS 1000
#endif

static void test_round_trips(void **state)
{
    (void)state;
    uint8_t z[MCX_SAKKE_SCALAR_BYTES], Z[MCX_SAKKE_POINT_BYTES], K[MCX_SAKKE_POINT_BYTES];
    uint8_t id[32];
    assert_int_equal(mcx_sakke_kms_keygen(z, Z), MCX_OK);
    mcx_sakke_pub *pub = NULL;
    assert_int_equal(mcx_sakke_pub_new(&pub, Z), MCX_OK);
    mcx_sakke_rsk *k = NULL;
    const int per_key = 100;
    for (int i = 0; i < ROUND_TRIPS; i++) {
        if (i % per_key == 0) {
            mcx_sakke_rsk_free(k);
            assert_int_equal(mcx_random(id, sizeof id), MCX_OK);
            assert_int_equal(mcx_sakke_kms_issue(z, id, sizeof id, K), MCX_OK);
            assert_int_equal(mcx_sakke_rsk_new(&k, pub, id, sizeof id, K), MCX_OK);
        }
        uint8_t ssv[16], out[16], sed[MCX_SAKKE_SED_BYTES];
        assert_int_equal(mcx_random(ssv, sizeof ssv), MCX_OK);
        assert_int_equal(mcx_sakke_encapsulate(pub, id, sizeof id, ssv, sed), MCX_OK);
        assert_int_equal(mcx_sakke_decapsulate(k, sed, out), MCX_OK);
        assert_memory_equal(ssv, out, sizeof ssv);
        if (i % 97 == 0) { /* a tampered H must be refused */
            sed[MCX_SAKKE_POINT_BYTES + (size_t)(i % 16)] ^= 0x01;
            assert_int_equal(mcx_sakke_decapsulate(k, sed, out), MCX_ERR_SAKKE_CHECK);
        }
    }
    mcx_sakke_rsk_free(k);
    mcx_sakke_pub_free(pub);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_appA_kms),    cmocka_unit_test(test_appA_encap),
        cmocka_unit_test(test_appA_decap),  cmocka_unit_test(test_appA_negative),
        cmocka_unit_test(test_errors),      cmocka_unit_test(test_failure_outputs),
        cmocka_unit_test(test_round_trips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
