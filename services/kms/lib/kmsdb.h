/*
 * services/kms/kmsdb.h — the KMS data model on top of the store (store.h): the community, users,
 * grants, external domains, issued key sets and the tamper-evident audit log. Shared by the
 * daemon (mcxsec-kmsd) and the administration CLI (mcxsec kms ...).
 */
#ifndef MCX_KMS_KMSDB_H
#define MCX_KMS_KMSDB_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mcxsec/eccsi.h"
#include "mcxsec/sakke.h"
#include "store.h"

#define KMS_URI_MAX 256
#define KMS_SEALED_SECRETS_MAX 256

/** The security domain this KMS serves (one per database). */
struct kms_community {
    char kms_uri[KMS_URI_MAX];
    char issuer[KMS_URI_MAX];
    uint64_t period;   /* UserKeyPeriod, seconds */
    uint64_t offset;   /* UserKeyOffset, seconds (NTP epoch) */
    unsigned param_set;
    uint8_t kpak[MCX_ECCSI_POINT_BYTES];
    uint8_t z_pub[MCX_SAKKE_POINT_BYTES];
    uint8_t secrets[KMS_SEALED_SECRETS_MAX]; /* sealed KSAK || z (secrets.h) */
    size_t secrets_len;
    int64_t created;
    uint64_t cache_num;
};

enum kms_user_kind { KMS_USER = 0, KMS_GMS = 1, KMS_SERVER = 2 };
const char *kms_kind_name(enum kms_user_kind k);
int kms_kind_parse(const char *s, enum kms_user_kind *k);

struct kms_user {
    char uri[KMS_URI_MAX];
    enum kms_user_kind kind;
    int revoked;
    int64_t created;
};

/** A stored key set: the PVT is public; SSK || RSK are sealed (secrets.h). */
#define KMS_SEALED_KEYSET_BYTES (12 + MCX_ECCSI_SCALAR_BYTES + MCX_SAKKE_POINT_BYTES + 16)
struct kms_stored_keyset {
    uint64_t period_no;
    int64_t issued;
    int revoked;
    uint8_t pvt[MCX_ECCSI_POINT_BYTES];
    uint8_t sealed[KMS_SEALED_KEYSET_BYTES];
};

/* ---- community ---------------------------------------------------------------------------------- */
mcx_err kmsdb_community_get(struct kms_store *s, struct kms_community *c); /* NOT_FOUND if none */
/* MCX_ERR_STATE if a community exists already. Audited. */
mcx_err kmsdb_community_create(struct kms_store *s, const struct kms_community *c, const char *actor);

/* ---- users and grants --------------------------------------------------------------------------- */
mcx_err kmsdb_user_add(struct kms_store *s, const char *uri, enum kms_user_kind kind,
                       const char *actor); /* MCX_ERR_STATE if present */
/* Add many users in one transaction (existing ones are skipped); one audit record. *added = count. */
mcx_err kmsdb_user_add_bulk(struct kms_store *s, const char *const *uris, size_t n, enum kms_user_kind kind,
                            const char *actor, uint64_t *added);
mcx_err kmsdb_user_get(struct kms_store *s, const char *uri, struct kms_user *u); /* NOT_FOUND */
typedef int (*kmsdb_user_cb)(void *ctx, const struct kms_user *u);
mcx_err kmsdb_user_list(struct kms_store *s, kmsdb_user_cb cb, void *ctx);
/* Marks the user and every stored key set of it revoked. NOT_FOUND if unknown. Audited. */
mcx_err kmsdb_user_revoke(struct kms_store *s, const char *uri, const char *actor);
/* kind "identity": holder may obtain the key sets of target; "domain": holder sees external domain
 * target in its cert cache. Audited. */
mcx_err kmsdb_grant(struct kms_store *s, const char *holder, const char *kind, const char *target,
                    const char *actor);
mcx_err kmsdb_grant_check(struct kms_store *s, const char *holder, const char *kind,
                          const char *target); /* MCX_OK or MCX_ERR_FORBIDDEN */

/* ---- external domains ------------------------------------------------------------------------- */
/* Adds or replaces; bumps the community's cache number. Audited. MCX_ERR_REVOKED when the domain
 * was revoked (a revoked domain stays revoked). */
mcx_err kmsdb_domain_add(struct kms_store *s, const char *kms_uri, const char *cert_xml,
                         const char *actor);
/* Marks an external domain revoked and replaces its stored certificate by revoked_xml (the same
 * certificate with Revoked=true, which the cert cache then serves); bumps the cache number.
 * Audited. MCX_ERR_NOT_FOUND if unknown. */
mcx_err kmsdb_domain_revoke(struct kms_store *s, const char *kms_uri, const char *revoked_xml,
                            const char *actor);
typedef int (*kmsdb_domain_cb)(void *ctx, const char *kms_uri, const char *cert_xml, int64_t added,
                               int revoked);
mcx_err kmsdb_domain_list(struct kms_store *s, kmsdb_domain_cb cb, void *ctx);
/* The domains `user` is permitted to see (grants of kind "domain", or "*" for all). */
mcx_err kmsdb_domain_list_for(struct kms_store *s, const char *user, kmsdb_domain_cb cb, void *ctx);

/* ---- issued key sets ------------------------------------------------------------------------- */
mcx_err kmsdb_keyset_get(struct kms_store *s, const char *uri, uint64_t period_no,
                         struct kms_stored_keyset *k); /* NOT_FOUND */
/* Store unless one exists already for (uri, period) — whichever was stored first wins, so every
 * node returns the same set; *k is then overwritten with the stored one. */
mcx_err kmsdb_keyset_put(struct kms_store *s, const char *uri, struct kms_stored_keyset *k);
/* The same, and when this call stored the set, append the audit record (actor, "keyprov", uri,
 * detail) in the same transaction (one commit: the log never misses an issued set). *stored = 1
 * when this call's set was stored. */
mcx_err kmsdb_keyset_put_audited(struct kms_store *s, const char *uri, struct kms_stored_keyset *k,
                                 const char *actor, const char *detail, int *stored);
mcx_err kmsdb_keyset_count(struct kms_store *s, uint64_t *n);
/** Visit up to `limit` stored key sets ordered by (uri, period), starting after (after_uri,
 *  after_period) — "" and -1 for the first page. malformed = 1 for a row whose PVT or sealed
 *  column has the wrong type or length (k then holds only the period). cb returns non-zero to
 *  stop. */
typedef int (*kmsdb_keyset_cb)(void *ctx, const char *uri, const struct kms_stored_keyset *k,
                               int malformed);
mcx_err kmsdb_keyset_page(struct kms_store *s, const char *after_uri, int64_t after_period,
                          unsigned limit, kmsdb_keyset_cb cb, void *ctx);
/** One key set of a batch: stored = 1 after kmsdb_keyset_put_batch when this batch stored it. */
struct kmsdb_batch_item {
    const char *uri;
    struct kms_stored_keyset k;
    int stored;
};
/* Store n key sets in one transaction (first writer wins, as kmsdb_keyset_put), each stored one
 * with its own audit record (actor, "keyprov", uri, "period=N <how>"). *stored = how many. */
mcx_err kmsdb_keyset_put_batch(struct kms_store *s, struct kmsdb_batch_item *items, size_t n,
                               const char *actor, const char *how, uint64_t *stored);

/* ---- audit log --------------------------------------------------------------------------------- */
struct kms_audit_rec {
    int64_t seq;
    int64_t ts;
    const char *actor, *action, *subject, *detail, *result;
    uint8_t prev[32], hash[32];
};
/* Append one record (own transaction). Never pass key material in any field. */
mcx_err kms_audit(struct kms_store *s, const char *actor, const char *action, const char *subject,
                  const char *detail, const char *result);
/* The same inside a kms_store_tx callback. */
mcx_err kms_audit_locked(struct kms_store *s, const char *actor, const char *action,
                         const char *subject, const char *detail, const char *result);
/* Also write every appended record as one JSON line to f (NULL: stop). */
void kms_audit_set_sink(FILE *f);
void kms_audit_print_json(FILE *f, const struct kms_audit_rec *r);
typedef int (*kms_audit_cb)(void *ctx, const struct kms_audit_rec *r);
mcx_err kms_audit_list(struct kms_store *s, int64_t from_seq, kms_audit_cb cb, void *ctx);
/* Walk the chain: MCX_OK if every record links to its predecessor, hashes match, sequence numbers
 * are contiguous and the head matches the last record; else MCX_ERR_VERIFY with *bad_seq set to
 * the first bad record (or the head's seq). */
mcx_err kms_audit_verify(struct kms_store *s, uint64_t *count, int64_t *bad_seq,
                         uint8_t head[32]);

int64_t kms_now(void);

#endif
