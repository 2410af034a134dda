/*
 * services/kms/lib/issuer.c — key-set issuing for the KMS (issuer.h).
 */
#define _GNU_SOURCE
#include "issuer.h"

#include <errno.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "mcxsec/kdf.h"
#include "mcxsec/util.h"

/* The "validated" cache: stored key sets that passed their self-check. Keyed by SHA-256 over
 * (identity, period, PVT, sealed SSK || RSK): a row that changes in the database (edited,
 * restored from an older backup, written by another node) is a new key and is checked again.
 * Direct-mapped, fixed size: memory does not grow with the number of requests. */
struct kms_valid_cache {
    pthread_mutex_t mu;
    uint8_t slot[KMS_VALID_CACHE_SLOTS][32];
};

struct kms_issuer {
    struct kms_community comm;
    uint8_t master[KMS_MASTER_BYTES]; /* KSAK || z */
    uint8_t storage_key[32];
    mcx_sakke_pub *pub;
    size_t map_len;
    int mlock_errno; /* 0: the page is locked */
    struct kms_valid_cache *valid; /* stored sets that passed their self-check (public data) */
    atomic_ullong validations;     /* self-checks of stored sets done */
};

int kms_issuer_available(void)
{
    return MCX_HAVE_KMS_CRYPTO;
}

const struct kms_community *kms_issuer_community(const struct kms_issuer *iss)
{
    return &iss->comm;
}

mcx_err kms_period_at(const struct kms_community *c, int64_t unix_time, uint64_t *period_no)
{
#if MCX_HAVE_KMS_CRYPTO
    return mcx_key_period_no((uint64_t)unix_time + MCX_NTP_UNIX_OFFSET, c->period, c->offset,
                             period_no);
#else
    uint64_t ntp = (uint64_t)unix_time + 2208988800u;
    if (c->period == 0 || ntp < c->offset)
        return MCX_ERR_ARG;
    *period_no = (ntp - c->offset) / c->period;
    return MCX_OK;
#endif
}

mcx_err kms_process_protect(char *err, size_t errlen)
{
    struct rlimit nocore = {0, 0};
    if (setrlimit(RLIMIT_CORE, &nocore) != 0) {
        snprintf(err, errlen, "cannot disable core files: %s", strerror(errno));
        return MCX_ERR_INTERNAL;
    }
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
        snprintf(err, errlen, "cannot make the process non-dumpable: %s", strerror(errno));
        return MCX_ERR_INTERNAL;
    }
    return MCX_OK;
}

int kms_issuer_mlock_errno(const struct kms_issuer *iss)
{
    return iss->mlock_errno;
}

static struct kms_issuer *secure_alloc(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t len = (sizeof(struct kms_issuer) + page - 1) / page * page;
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    /* Locked before anything secret is written, so the secrets never reach swap. This can fail
     * (RLIMIT_MEMLOCK without CAP_IPC_LOCK): kms_issuer_open decides whether that is fatal. */
    int lock_err = mlock(p, len) == 0 ? 0 : errno;
    (void)madvise(p, len, MADV_DONTDUMP); /* best effort: the process is non-dumpable anyway */
    memset(p, 0, len);
    ((struct kms_issuer *)p)->map_len = len;
    ((struct kms_issuer *)p)->mlock_errno = lock_err;
    return p;
}

void kms_issuer_free(struct kms_issuer *iss)
{
    if (iss == NULL)
        return;
#if MCX_HAVE_KMS_CRYPTO
    mcx_sakke_pub_free(iss->pub);
#endif
    if (iss->valid != NULL) {
        pthread_mutex_destroy(&iss->valid->mu);
        free(iss->valid);
    }
    size_t len = iss->map_len;
    int locked = iss->mlock_errno == 0;
    mcx_wipe(iss, len);
    if (locked)
        (void)munlock(iss, len); /* the mapping goes away next */
    (void)munmap(iss, len);
}

mcx_err kms_issuer_open(struct kms_store *s, const struct kms_kek_source *kek, unsigned flags,
                        struct kms_issuer **out, char *err, size_t errlen)
{
    mcx_err rc;
    struct kms_issuer *iss = secure_alloc();
    *out = NULL;
    if (iss == NULL)
        return MCX_ERR_NOMEM;
    if ((iss->valid = calloc(1, sizeof *iss->valid)) == NULL) {
        kms_issuer_free(iss);
        return MCX_ERR_NOMEM;
    }
    pthread_mutex_init(&iss->valid->mu, NULL);
    if ((flags & KMS_ISSUER_REQUIRE_MLOCK) && iss->mlock_errno != 0) {
        snprintf(err, errlen,
                 "cannot lock the master secrets in memory (%s); raise RLIMIT_MEMLOCK "
                 "(systemd LimitMEMLOCK=) or grant CAP_IPC_LOCK, or set [secrets] "
                 "require_mlock = no",
                 strerror(iss->mlock_errno));
        rc = MCX_ERR_STATE;
        goto fail;
    }
    if ((rc = kmsdb_community_get(s, &iss->comm)) != MCX_OK) {
        snprintf(err, errlen, rc == MCX_ERR_NOT_FOUND ? "no community: run mcxsec kms init first"
                                                      : "cannot read the community: %s", s->errmsg);
        goto fail;
    }
    rc = kms_master_open(kek, iss->comm.kms_uri, iss->comm.secrets, iss->comm.secrets_len,
                         iss->master, err, errlen);
    if (rc != MCX_OK)
        goto fail;
    if ((rc = kms_storage_key(iss->master, iss->storage_key)) != MCX_OK)
        goto fail;
#if MCX_HAVE_KMS_CRYPTO
    {
        /* The stored public keys must match the secrets (a swapped row would issue garbage). */
        uint8_t kpak[MCX_ECCSI_POINT_BYTES], Z[MCX_SAKKE_POINT_BYTES];
        if ((rc = mcx_eccsi_kms_public(iss->master, kpak)) != MCX_OK ||
            (rc = mcx_sakke_kms_public(iss->master + MCX_ECCSI_SCALAR_BYTES, Z)) != MCX_OK)
            goto fail;
        if (memcmp(kpak, iss->comm.kpak, sizeof kpak) != 0 || memcmp(Z, iss->comm.z_pub, sizeof Z) != 0) {
            snprintf(err, errlen, "the stored public keys do not match the master secrets");
            rc = MCX_ERR_VERIFY;
            goto fail;
        }
        if ((rc = mcx_sakke_pub_new(&iss->pub, iss->comm.z_pub)) != MCX_OK)
            goto fail;
    }
#endif
    *out = iss;
    return MCX_OK;
fail:
    kms_issuer_free(iss);
    return rc;
}

mcx_err kms_community_generate(struct kms_community *c, const struct kms_kek_source *kek, char *err,
                               size_t errlen)
{
#if MCX_HAVE_KMS_CRYPTO
    uint8_t master[KMS_MASTER_BYTES];
    mcx_err rc = mcx_eccsi_kms_keygen(master, c->kpak);
    if (rc == MCX_OK)
        rc = mcx_sakke_kms_keygen(master + MCX_ECCSI_SCALAR_BYTES, c->z_pub);
    if (rc == MCX_OK) {
        c->secrets_len = sizeof c->secrets;
        rc = kms_master_seal(kek, c->kms_uri, master, c->secrets, &c->secrets_len, err, errlen);
    }
    mcx_wipe(master, sizeof master);
    return rc;
#else
    (void)c;
    (void)kek;
    snprintf(err, errlen, "this build has no ECCSI/SAKKE core (crypto branches not merged yet)");
    return MCX_ERR_UNSUPPORTED;
#endif
}

void kms_issuer_cert(const struct kms_issuer *iss, struct mcx_kms_cert *cert)
{
    const struct kms_community *c = &iss->comm;
#if MCX_HAVE_KMSXML
    mcx_kms_cert_init(cert);
#else
    memset(cert, 0, sizeof *cert);
    cert->valid_from = cert->valid_to = INT64_MIN;
    cert->is_security_gateway = -1;
    snprintf(cert->version, sizeof cert->version, "1.0.0");
    snprintf(cert->user_id_format, sizeof cert->user_id_format, "2");
    cert->parameter_set = 1;
#endif
    cert->role = MCX_KMS_ROLE_ROOT;
    snprintf(cert->cert_uri, sizeof cert->cert_uri, "%s", c->kms_uri);
    snprintf(cert->kms_uri, sizeof cert->kms_uri, "%s", c->kms_uri);
    snprintf(cert->issuer, sizeof cert->issuer, "%s", c->issuer);
    cert->valid_from = c->created;
    cert->user_key_period = c->period;
    cert->user_key_offset = c->offset;
    memcpy(cert->pub_enc_key, c->z_pub, sizeof cert->pub_enc_key);
    memcpy(cert->pub_auth_key, c->kpak, sizeof cert->pub_auth_key);
    cert->parameter_set = c->param_set;
}

/* ---- the "validated" cache ------------------------------------------------------------------ */

static int valid_key(const char *uri, const struct kms_stored_keyset *st, uint8_t h[32])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned len = 0;
    uint8_t per[8];
    for (int i = 0; i < 8; i++)
        per[i] = (uint8_t)(st->period_no >> (56 - 8 * i));
    int ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
             EVP_DigestUpdate(md, "mcxsec-kms-validated-v1", 23) == 1 &&
             EVP_DigestUpdate(md, uri, strlen(uri) + 1) == 1 && EVP_DigestUpdate(md, per, 8) == 1 &&
             EVP_DigestUpdate(md, st->pvt, sizeof st->pvt) == 1 &&
             EVP_DigestUpdate(md, st->sealed, sizeof st->sealed) == 1 &&
             EVP_DigestFinal_ex(md, h, &len) == 1 && len == 32;
    EVP_MD_CTX_free(md);
    return ok ? 0 : -1;
}

static uint8_t *valid_slot(struct kms_valid_cache *vc, const uint8_t h[32])
{
    size_t i = ((size_t)h[0] << 16 | (size_t)h[1] << 8 | h[2]) % KMS_VALID_CACHE_SLOTS;
    return vc->slot[i];
}

static int valid_has(struct kms_valid_cache *vc, const uint8_t h[32])
{
    pthread_mutex_lock(&vc->mu);
    int hit = memcmp(valid_slot(vc, h), h, 32) == 0; /* a hash of stored (sealed) data */
    pthread_mutex_unlock(&vc->mu);
    return hit;
}

static void valid_put(struct kms_valid_cache *vc, const uint8_t h[32])
{
    pthread_mutex_lock(&vc->mu);
    memcpy(valid_slot(vc, h), h, 32);
    pthread_mutex_unlock(&vc->mu);
}

uint64_t kms_issuer_validations(const struct kms_issuer *iss)
{
    return atomic_load(&iss->validations);
}

#if MCX_HAVE_KMS_CRYPTO
static void fill_keyset(const struct kms_issuer *iss, const char *uri, uint64_t period_no,
                        const uint8_t uid[32], struct mcx_kms_keyset *k)
{
    const struct kms_community *c = &iss->comm;
    uint64_t start = period_no * c->period + c->offset; /* NTP seconds */
    mcx_kms_keyset_init(k);
    snprintf(k->kms_uri, sizeof k->kms_uri, "%s", c->kms_uri);
    snprintf(k->cert_uri, sizeof k->cert_uri, "%s", c->kms_uri);
    snprintf(k->issuer, sizeof k->issuer, "%s", c->issuer);
    snprintf(k->user_uri, sizeof k->user_uri, "%s", uri);
    memcpy(k->user_id, uid, 32);
    k->key_period_no = period_no;
    k->valid_from = (int64_t)start - (int64_t)MCX_NTP_UNIX_OFFSET;
    k->valid_to = k->valid_from + (int64_t)c->period - 1;
}

static void wipe_keys(struct mcx_kms_keyset *k)
{
    mcx_wipe(k->ssk, sizeof k->ssk);
    mcx_wipe(k->rsk, sizeof k->rsk);
}

/* RFC 6507 §5.1.2 and RFC 6508 §6.1.2 for ID = the UID of the period. */
static mcx_err self_check(const struct kms_issuer *iss, const struct mcx_kms_keyset *k)
{
    if (mcx_eccsi_validate(iss->comm.kpak, k->user_id, sizeof k->user_id, k->ssk, k->pvt, NULL) !=
            MCX_OK ||
        mcx_sakke_validate_rsk(iss->pub, k->user_id, sizeof k->user_id, k->rsk) != MCX_OK)
        return MCX_ERR_KEY_INVALID;
    return MCX_OK;
}

static mcx_err start_keyset(const struct kms_issuer *iss, const char *uri, uint64_t period_no,
                            struct mcx_kms_keyset *out)
{
    const struct kms_community *c = &iss->comm;
    uint8_t uid[MCX_UID_BYTES];
    if (period_no > UINT64_MAX / c->period)
        return MCX_ERR_ARG;
    mcx_err rc = mcx_uid(uri, c->kms_uri, c->period, c->offset, period_no, uid);
    if (rc == MCX_OK)
        fill_keyset(iss, uri, period_no, uid, out);
    return rc;
}
#endif

mcx_err kms_issue_generate(struct kms_issuer *iss, const char *uri, uint64_t period_no,
                           struct mcx_kms_keyset *out, struct kms_stored_keyset *st)
{
#if MCX_HAVE_KMS_CRYPTO
    mcx_err rc;
    memset(st, 0, sizeof *st);
    if ((rc = start_keyset(iss, uri, period_no, out)) != MCX_OK)
        return rc;
    /* RFC 6507 §5.1.1 and RFC 6508 §6.1.1, for ID = the UID of this period. */
    rc = mcx_eccsi_kms_issue(iss->master, out->user_id, sizeof out->user_id, out->ssk, out->pvt);
    if (rc == MCX_OK)
        rc = mcx_sakke_kms_issue(iss->master + MCX_ECCSI_SCALAR_BYTES, out->user_id,
                                 sizeof out->user_id, out->rsk);
    /* Self-check before anything is stored or served. */
    if (rc == MCX_OK)
        rc = self_check(iss, out);
    if (rc == MCX_OK) {
        st->period_no = period_no;
        st->issued = kms_now();
        memcpy(st->pvt, out->pvt, sizeof st->pvt);
        rc = kms_keyset_seal(iss->storage_key, uri, period_no, out->ssk, out->rsk, st->sealed);
    }
    if (rc != MCX_OK)
        wipe_keys(out);
    return rc;
#else
    (void)iss;
    (void)uri;
    (void)period_no;
    (void)out;
    (void)st;
    return MCX_ERR_UNSUPPORTED;
#endif
}

void kms_issuer_mark_valid(struct kms_issuer *iss, const char *uri,
                           const struct kms_stored_keyset *st)
{
    uint8_t h[32];
    if (valid_key(uri, st, h) == 0)
        valid_put(iss->valid, h);
}

mcx_err kms_issue_open_stored(struct kms_issuer *iss, const char *uri,
                              const struct kms_stored_keyset *st, struct mcx_kms_keyset *out)
{
#if MCX_HAVE_KMS_CRYPTO
    uint8_t h[32];
    mcx_err rc = start_keyset(iss, uri, st->period_no, out);
    if (rc != MCX_OK)
        return rc;
    out->revoked = st->revoked;
    memcpy(out->pvt, st->pvt, sizeof out->pvt);
    rc = kms_keyset_open(iss->storage_key, uri, st->period_no, st->sealed, out->ssk, out->rsk);
    if (rc != MCX_OK)
        goto out;
    /* A stored set is served only once it has passed the same self-check as a fresh one: the
     * database is outside the KMS's trust boundary for integrity of what it returns (a restored
     * backup of another community, a bug in a previous version, a corrupted row that still
     * opens). The result is remembered per stored row, so repeats cost one hash. */
    if ((rc = valid_key(uri, st, h) != 0 ? MCX_ERR_INTERNAL : MCX_OK) != MCX_OK)
        goto out;
    if (!valid_has(iss->valid, h)) {
        if ((rc = self_check(iss, out)) != MCX_OK)
            goto out;
        atomic_fetch_add(&iss->validations, 1);
        valid_put(iss->valid, h);
    }
out:
    if (rc != MCX_OK)
        wipe_keys(out);
    return rc;
#else
    (void)iss;
    (void)uri;
    (void)st;
    (void)out;
    return MCX_ERR_UNSUPPORTED;
#endif
}

mcx_err kms_issue(struct kms_issuer *iss, struct kms_store *s, const char *uri, uint64_t period_no,
                  struct mcx_kms_keyset *out, int *fresh)
{
    return kms_issue_audited(iss, s, uri, period_no, NULL, NULL, out, fresh);
}

mcx_err kms_issue_audited(struct kms_issuer *iss, struct kms_store *s, const char *uri,
                          uint64_t period_no, const char *actor, const char *detail,
                          struct mcx_kms_keyset *out, int *fresh)
{
    struct kms_stored_keyset st;
    mcx_err rc;
    *fresh = 0;
    memset(&st, 0, sizeof st);
    rc = kmsdb_keyset_get(s, uri, period_no, &st);
    if (rc == MCX_ERR_NOT_FOUND) {
        if ((rc = kms_issue_generate(iss, uri, period_no, out, &st)) != MCX_OK)
            goto out;
        int stored = 0;
        if (actor != NULL) {
            rc = kmsdb_keyset_put_audited(s, uri, &st, actor, detail ? detail : "", &stored);
        } else {
            uint8_t pvt_mine[MCX_ECCSI_POINT_BYTES];
            memcpy(pvt_mine, st.pvt, sizeof pvt_mine);
            rc = kmsdb_keyset_put(s, uri, &st);
            stored = memcmp(pvt_mine, st.pvt, sizeof pvt_mine) == 0;
        }
        if (rc != MCX_OK)
            goto out;
        if (stored) {
            kms_issuer_mark_valid(iss, uri, &st); /* it was self-checked before it was stored */
            *fresh = 1;
            goto out;
        }
        /* Lost the race to another request or node: serve the stored set below. */
    } else if (rc != MCX_OK) {
        goto out;
    }
    rc = kms_issue_open_stored(iss, uri, &st, out);
out:
    mcx_wipe(&st, sizeof st);
    if (rc != MCX_OK)
        wipe_keys(out);
    return rc;
}

/* ---- mcxsec kms check ----------------------------------------------------------------------- */

#define CHECK_PAGE 256

struct check_page {
    size_t n;
    char uri[CHECK_PAGE][KMS_URI_MAX];
    struct kms_stored_keyset k[CHECK_PAGE];
    int malformed[CHECK_PAGE];
};

static int check_collect(void *ctx, const char *uri, const struct kms_stored_keyset *k,
                         int malformed)
{
    struct check_page *pg = ctx;
    snprintf(pg->uri[pg->n], KMS_URI_MAX, "%s", uri);
    pg->malformed[pg->n] = malformed;
    pg->k[pg->n++] = *k;
    return pg->n == CHECK_PAGE;
}

static void check_one(struct kms_issuer *iss, int validate, const char *uri,
                      const struct kms_stored_keyset *k, int malformed,
                      struct kms_check_report *r)
{
    const char *why = NULL;
    uint8_t ssk[MCX_ECCSI_SCALAR_BYTES], rsk[MCX_SAKKE_POINT_BYTES];
    r->keysets++;
    if (malformed) {
        why = "malformed row (PVT or sealed keys of the wrong type or length)";
    } else if (kms_keyset_open(iss->storage_key, uri, k->period_no, k->sealed, ssk, rsk) !=
               MCX_OK) {
        why = "does not open (AEAD)";
    } else {
        r->opened++;
#if MCX_HAVE_KMS_CRYPTO
        if (validate) {
            struct mcx_kms_keyset ks;
            if (kms_issue_open_stored(iss, uri, k, &ks) == MCX_OK)
                r->validated++;
            else
                why = "fails its self-check (RFC 6507 5.1.2 / RFC 6508 6.1.2)";
            mcx_wipe(&ks, sizeof ks);
        }
#else
        (void)validate;
#endif
    }
    mcx_wipe(ssk, sizeof ssk);
    mcx_wipe(rsk, sizeof rsk);
    if (why != NULL) {
        if (r->bad++ == 0)
            snprintf(r->first_bad, sizeof r->first_bad, "%.250s period %llu: %s", uri,
                     (unsigned long long)k->period_no, why);
    }
}

mcx_err kms_check(struct kms_issuer *iss, struct kms_store *s, int validate,
                  struct kms_check_report *r)
{
    mcx_err rc;
    memset(r, 0, sizeof *r);
    r->audit_bad_seq = -1;
    rc = kms_store_integrity(s, r->db, sizeof r->db);
    r->db_ok = rc == MCX_OK;
    if (rc != MCX_OK)
        return rc;
    struct check_page *pg = malloc(sizeof *pg);
    if (pg == NULL)
        return MCX_ERR_NOMEM;
    char after[KMS_URI_MAX] = "";
    int64_t after_period = -1;
    for (;;) {
        pg->n = 0;
        rc = kmsdb_keyset_page(s, after, after_period, CHECK_PAGE, check_collect, pg);
        if (rc != MCX_OK)
            break;
        for (size_t i = 0; i < pg->n; i++)
            check_one(iss, validate, pg->uri[i], &pg->k[i], pg->malformed[i], r);
        if (pg->n < CHECK_PAGE)
            break;
        snprintf(after, sizeof after, "%s", pg->uri[pg->n - 1]);
        after_period = (int64_t)pg->k[pg->n - 1].period_no;
    }
    mcx_wipe(pg, sizeof *pg);
    free(pg);
    if (rc != MCX_OK)
        return rc;
    rc = kms_audit_verify(s, &r->audit_records, &r->audit_bad_seq, NULL);
    r->audit_ok = rc == MCX_OK;
    if (rc != MCX_OK && rc != MCX_ERR_VERIFY)
        return rc;
    return r->bad == 0 && r->audit_ok ? MCX_OK : MCX_ERR_VERIFY;
}
