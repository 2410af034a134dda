/*
 * services/kms/lib/auditq.h — the audit path for refusals (issue 4 items 7 and 8, TR 33.880
 * MCSEC-1.1-2): every refused request is recorded in the hash-chained audit log without letting a
 * flood of refusals turn into a flood of synchronous database transactions.
 *
 * Requests push records into a bounded in-memory queue and never wait for the database. One writer
 * thread commits what has queued in one transaction (group commit), at most one batch per window.
 * Per window, at most `capacity` records are recorded one by one, and at most `per_source` of them
 * from any one source address; everything beyond is counted per source and written, in the same
 * batch, as one honest summary record per source ("N refusals from <ip> not individually
 * recorded"). So the cost of refusals to the database is bounded (one transaction per window, at
 * most capacity + summary records in it) while no refusal goes unaccounted for.
 */
#ifndef MCX_KMS_AUDITQ_H
#define MCX_KMS_AUDITQ_H
#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct kms_auditq_cfg {
    size_t capacity;     /* records recorded one by one per window (>= 1) */
    unsigned per_source; /* of which at most this many from one source address (>= 1) */
    unsigned window_ms;  /* at most one committed batch per window (>= 1) */
    /* Called by the writer with one line per record it committed (and per summary), or NULL. */
    void (*log)(void *ctx, const char *line);
    void *log_ctx;
};

struct kms_auditq_stats {
    uint64_t pushed;     /* records handed to kms_auditq_push */
    uint64_t recorded;   /* written one by one */
    uint64_t summarised; /* counted in summary records instead */
    uint64_t summaries;  /* summary records written */
    uint64_t batches;    /* committed transactions */
    uint64_t lost;       /* records in batches whose transaction failed (logged) */
};

struct kms_auditq;

/** Start the writer thread. MCX_ERR_ARG for a zero setting, MCX_ERR_NOMEM, MCX_ERR_INTERNAL. */
mcx_err kms_auditq_start(struct kms_store *s, const struct kms_auditq_cfg *cfg,
                         struct kms_auditq **out);
/** Queue one record (never blocks on the database; strings are copied, over-long ones cut). */
void kms_auditq_push(struct kms_auditq *q, const char *source, const char *actor,
                     const char *action, const char *subject, const char *detail,
                     const char *result);
void kms_auditq_get_stats(struct kms_auditq *q, struct kms_auditq_stats *st);
/** Write everything still queued, stop the writer and free q (NULL: no-op). */
void kms_auditq_stop(struct kms_auditq *q);

#endif
