/*
 * services/kms/lib/issuer.c — key-set issuing for the KMS (issuer.h).
 */
#define _GNU_SOURCE
#include "issuer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mcxsec/kdf.h"
#include "mcxsec/util.h"

struct kms_issuer {
    struct kms_community comm;
    uint8_t master[KMS_MASTER_BYTES]; /* KSAK || z */
    uint8_t storage_key[32];
    mcx_sakke_pub *pub;
    size_t map_len;
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

static struct kms_issuer *secure_alloc(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t len = (sizeof(struct kms_issuer) + page - 1) / page * page;
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    /* Best effort: mlock may fail under RLIMIT_MEMLOCK; the daemon logs its own mlockall result. */
    (void)mlock(p, len);
    (void)madvise(p, len, MADV_DONTDUMP);
    memset(p, 0, len);
    ((struct kms_issuer *)p)->map_len = len;
    return p;
}

void kms_issuer_free(struct kms_issuer *iss)
{
    if (iss == NULL)
        return;
#if MCX_HAVE_KMS_CRYPTO
    mcx_sakke_pub_free(iss->pub);
#endif
    size_t len = iss->map_len;
    mcx_wipe(iss, len);
    munlock(iss, len);
    munmap(iss, len);
}

mcx_err kms_issuer_open(struct kms_store *s, const struct kms_kek_source *kek,
                        struct kms_issuer **out, char *err, size_t errlen)
{
    mcx_err rc;
    struct kms_issuer *iss = secure_alloc();
    *out = NULL;
    if (iss == NULL)
        return MCX_ERR_NOMEM;
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
#endif

mcx_err kms_issue(struct kms_issuer *iss, struct kms_store *s, const char *uri, uint64_t period_no,
                  struct mcx_kms_keyset *out, int *fresh)
{
    return kms_issue_audited(iss, s, uri, period_no, NULL, NULL, out, fresh);
}

mcx_err kms_issue_audited(struct kms_issuer *iss, struct kms_store *s, const char *uri, uint64_t period_no,
                          const char *actor, const char *detail, struct mcx_kms_keyset *out, int *fresh)
{
#if MCX_HAVE_KMS_CRYPTO
    const struct kms_community *c = &iss->comm;
    struct kms_stored_keyset st;
    uint8_t uid[MCX_UID_BYTES];
    mcx_err rc;
    *fresh = 0;
    memset(&st, 0, sizeof st);
    if (period_no > UINT64_MAX / c->period)
        return MCX_ERR_ARG;
    if ((rc = mcx_uid(uri, c->kms_uri, c->period, c->offset, period_no, uid)) != MCX_OK)
        return rc;
    fill_keyset(iss, uri, period_no, uid, out);
    rc = kmsdb_keyset_get(s, uri, period_no, &st);
    if (rc == MCX_ERR_NOT_FOUND) {
        /* RFC 6507 §5.1.1 and RFC 6508 §6.1.1, for ID = the UID of this period. */
        rc = mcx_eccsi_kms_issue(iss->master, uid, sizeof uid, out->ssk, out->pvt);
        if (rc == MCX_OK)
            rc = mcx_sakke_kms_issue(iss->master + MCX_ECCSI_SCALAR_BYTES, uid, sizeof uid, out->rsk);
        /* Self-check before anything is stored or served (RFC 6507 §5.1.2, RFC 6508 §6.1.2). */
        if (rc == MCX_OK && (mcx_eccsi_validate(c->kpak, uid, sizeof uid, out->ssk, out->pvt, NULL) != MCX_OK ||
                             mcx_sakke_validate_rsk(iss->pub, uid, sizeof uid, out->rsk) != MCX_OK))
            rc = MCX_ERR_KEY_INVALID;
        if (rc != MCX_OK)
            goto out;
        st.period_no = period_no;
        st.issued = kms_now();
        memcpy(st.pvt, out->pvt, sizeof st.pvt);
        if ((rc = kms_keyset_seal(iss->storage_key, uri, period_no, out->ssk, out->rsk, st.sealed)) != MCX_OK)
            goto out;
        int stored = 0;
        if (actor != NULL)
            rc = kmsdb_keyset_put_audited(s, uri, &st, actor, detail ? detail : "", &stored);
        else {
            uint8_t pvt_mine[MCX_ECCSI_POINT_BYTES];
            memcpy(pvt_mine, st.pvt, sizeof pvt_mine);
            rc = kmsdb_keyset_put(s, uri, &st);
            stored = memcmp(pvt_mine, st.pvt, sizeof pvt_mine) == 0;
        }
        if (rc != MCX_OK)
            goto out;
        if (stored) {
            *fresh = 1;
            goto out;
        }
        /* Lost the race to another request or node: serve the stored set below. */
    } else if (rc != MCX_OK) {
        goto out;
    }
    out->revoked = st.revoked;
    memcpy(out->pvt, st.pvt, sizeof out->pvt);
    if ((rc = kms_keyset_open(iss->storage_key, uri, period_no, st.sealed, out->ssk, out->rsk)) != MCX_OK)
        goto out;
out:
    mcx_wipe(&st, sizeof st);
    if (rc != MCX_OK) {
        mcx_wipe(out->ssk, sizeof out->ssk);
        mcx_wipe(out->rsk, sizeof out->rsk);
    }
    return rc;
#else
    (void)iss;
    (void)s;
    (void)uri;
    (void)period_no;
    (void)actor;
    (void)detail;
    (void)out;
    *fresh = 0;
    return MCX_ERR_UNSUPPORTED;
#endif
}
