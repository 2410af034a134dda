/*
 * Unit tests of the KMS issuer (services/kms/lib/issuer.c, issue 4 item 3): a stored key set is
 * served only after it opens and passes the same self-check as a fresh one (RFC 6507 §5.1.2,
 * RFC 6508 §6.1.2), the result is cached per stored row (repeats are cheap, a changed row is
 * checked again), and a stored set that opens but holds wrong keys is refused with nothing secret
 * left in the output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers/tmpdir.h"
#include "issuer.h"
#include "kmsdb.h"
#include "secrets.h"

static const struct kms_kek_source kek = {NULL, "issuer unit test passphrase"};

struct fixture {
    struct kms_store *s;
    struct kms_issuer *iss;
    struct kms_community comm;
    uint8_t storage_key[32];
    uint64_t now_period;
};

static void open_issuer(struct fixture *f)
{
    char err[256] = "";
    mcx_err rc = kms_issuer_open(f->s, &kek, 0, &f->iss, err, sizeof err);
    if (rc != MCX_OK)
        fprintf(stderr, "%s\n", err);
    assert_int_equal(rc, MCX_OK);
}

static void setup_fixture(struct fixture *f)
{
    char url[300], err[256] = "";
    uint8_t master[KMS_MASTER_BYTES];
    memset(f, 0, sizeof *f);
    snprintf(url, sizeof url, "sqlite:%s/issuer.db", mcxt_tmpdir);
    assert_int_equal(kms_store_open(url, &f->s, err, sizeof err), MCX_OK);
    snprintf(f->comm.kms_uri, sizeof f->comm.kms_uri, "kms.example.org");
    snprintf(f->comm.issuer, sizeof f->comm.issuer, "unit test");
    f->comm.period = 86400;
    f->comm.param_set = 1;
    assert_int_equal(kms_community_generate(&f->comm, &kek, err, sizeof err), MCX_OK);
    assert_int_equal(kmsdb_community_create(f->s, &f->comm, "t"), MCX_OK);
    assert_int_equal(kmsdb_community_get(f->s, &f->comm), MCX_OK);
    /* the test plays a corrupted database: it needs the storage key to write rows that open */
    assert_int_equal(kms_master_open(&kek, f->comm.kms_uri, f->comm.secrets, f->comm.secrets_len,
                                     master, err, sizeof err),
                     MCX_OK);
    assert_int_equal(kms_storage_key(master, f->storage_key), MCX_OK);
    memset(master, 0, sizeof master);
    assert_int_equal(kms_period_at(&f->comm, kms_now(), &f->now_period), MCX_OK);
    open_issuer(f);
}

static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

/* Replace the stored row of (uri, period) by one that opens but holds the keys in k. */
static void store_row(struct fixture *f, const char *uri, uint64_t period,
                      const struct mcx_kms_keyset *k)
{
    static const char del[] = "DELETE FROM keysets WHERE uri = $1 AND period_no = $2";
    struct kms_val p[2] = {kms_text(uri), kms_int((int64_t)period)};
    struct kms_stored_keyset st;
    memset(&st, 0, sizeof st);
    assert_int_equal(kms_store_exec(f->s, del, p, 2, NULL, NULL, NULL), MCX_OK);
    st.period_no = period;
    st.issued = kms_now();
    memcpy(st.pvt, k->pvt, sizeof st.pvt);
    assert_int_equal(kms_keyset_seal(f->storage_key, uri, period, k->ssk, k->rsk, st.sealed),
                     MCX_OK);
    assert_int_equal(kmsdb_keyset_put(f->s, uri, &st), MCX_OK);
}

static void test_stored_sets_are_checked(void **state)
{
    (void)state;
    struct fixture f;
    struct mcx_kms_keyset k, again, bob;
    int fresh = 0;
    setup_fixture(&f);
    uint64_t p = f.now_period;

    /* fresh: self-checked before it was stored, so its first re-serve needs no check */
    assert_int_equal(kms_issue(f.iss, f.s, "sip:alice@example.org", p, &k, &fresh), MCX_OK);
    assert_int_equal(fresh, 1);
    assert_int_equal(kms_issue(f.iss, f.s, "sip:alice@example.org", p, &again, &fresh), MCX_OK);
    assert_int_equal(fresh, 0);
    assert_memory_equal(k.rsk, again.rsk, sizeof k.rsk);
    assert_int_equal(kms_issuer_validations(f.iss), 0);

    /* a new process (another node, a restart): stored sets are checked once, then cached */
    kms_issuer_free(f.iss);
    open_issuer(&f);
    assert_int_equal(kms_issue(f.iss, f.s, "sip:alice@example.org", p, &again, &fresh), MCX_OK);
    assert_int_equal(kms_issuer_validations(f.iss), 1);
    assert_int_equal(kms_issue(f.iss, f.s, "sip:alice@example.org", p, &again, &fresh), MCX_OK);
    assert_int_equal(kms_issuer_validations(f.iss), 1);

    /* a row that opens (right key, right AAD) but holds bob's keys under alice's name */
    assert_int_equal(kms_issue(f.iss, f.s, "sip:bob@example.org", p, &bob, &fresh), MCX_OK);
    store_row(&f, "sip:alice@example.org", p + 1, &bob);
    memset(&again, 0xA5, sizeof again);
    assert_int_equal(kms_issue(f.iss, f.s, "sip:alice@example.org", p + 1, &again, &fresh),
                     MCX_ERR_KEY_INVALID);
    assert_true(all_zero(again.ssk, sizeof again.ssk) && all_zero(again.rsk, sizeof again.rsk));

    /* the row alice was served from (validated, cached) is replaced: checked again, refused */
    struct mcx_kms_keyset bad = k;
    bad.rsk[100] ^= 1;
    store_row(&f, "sip:alice@example.org", p, &bad);
    assert_int_equal(kms_issue(f.iss, f.s, "sip:alice@example.org", p, &again, &fresh),
                     MCX_ERR_KEY_INVALID);
    bad = k;
    bad.ssk[5] ^= 1;
    store_row(&f, "sip:alice@example.org", p, &bad);
    assert_int_equal(kms_issue(f.iss, f.s, "sip:alice@example.org", p, &again, &fresh),
                     MCX_ERR_KEY_INVALID);
    /* the good row back: served (and checked, as a new row) */
    store_row(&f, "sip:alice@example.org", p, &k);
    assert_int_equal(kms_issue(f.iss, f.s, "sip:alice@example.org", p, &again, &fresh), MCX_OK);
    assert_memory_equal(k.ssk, again.ssk, sizeof k.ssk);

    memset(&k, 0, sizeof k);
    memset(&again, 0, sizeof again);
    memset(&bob, 0, sizeof bob);
    memset(&bad, 0, sizeof bad);
    kms_issuer_free(f.iss);
    kms_store_close(f.s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stored_sets_are_checked),
    };
    return cmocka_run_group_tests(tests, mcxt_tmpdir_setup, mcxt_tmpdir_teardown);
}
