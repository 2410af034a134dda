/*
 * services/kms/lib/auditq.c — bounded, group-committed audit records for refusals (auditq.h).
 *
 * Two record buffers: requests fill the front one under the queue mutex, the writer swaps it with
 * the back one once per window and commits the back one in a single transaction. The per-source
 * table (who placed how many records, how many were only counted) lives with the front buffer and
 * is reset by the swap, so budgets are per window. The table has a fixed size: a source that finds
 * no slot is counted under "other sources".
 */
#include "auditq.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kmsdb.h"

#define AQ_SOURCES 256
#define AQ_PROBE 8

struct aq_rec {
    char source[64];
    char actor[KMS_URI_MAX];
    char action[32];
    char subject[KMS_URI_MAX];
    char detail[400];
    char result[16];
};

struct aq_src {
    char source[64];
    unsigned placed;  /* recorded one by one in this window */
    uint64_t counted; /* only counted (summary) */
};

struct aq_buf {
    struct aq_rec *recs;
    size_t n;
    struct aq_src src[AQ_SOURCES];
    uint64_t other_counted; /* sources that found no slot */
    int dirty;              /* anything to write */
};

struct kms_auditq {
    struct kms_store *store;
    struct kms_auditq_cfg cfg;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t writer;
    struct aq_buf buf[2];
    struct aq_buf *front;
    int stopping;
    struct kms_auditq_stats st;
};

static void cut_copy(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s != NULL ? s : "");
}

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 16777619u;
    }
    return h;
}

static struct aq_src *source_slot(struct aq_buf *b, const char *source)
{
    uint32_t h = hash_str(source);
    for (unsigned i = 0; i < AQ_PROBE; i++) {
        struct aq_src *e = &b->src[(h + i) % AQ_SOURCES];
        if (e->source[0] == '\0') {
            cut_copy(e->source, sizeof e->source, source);
            return e;
        }
        if (strncmp(e->source, source, sizeof e->source - 1) == 0)
            return e;
    }
    return NULL;
}

void kms_auditq_push(struct kms_auditq *q, const char *source, const char *actor,
                     const char *action, const char *subject, const char *detail,
                     const char *result)
{
    const char *src = source != NULL && *source ? source : "unknown";
    pthread_mutex_lock(&q->mu);
    struct aq_buf *b = q->front;
    struct aq_src *e = source_slot(b, src);
    q->st.pushed++;
    b->dirty = 1;
    if (e != NULL && e->placed < q->cfg.per_source && b->n < q->cfg.capacity) {
        struct aq_rec *r = &b->recs[b->n++];
        cut_copy(r->source, sizeof r->source, src);
        cut_copy(r->actor, sizeof r->actor, actor);
        cut_copy(r->action, sizeof r->action, action);
        cut_copy(r->subject, sizeof r->subject, subject);
        cut_copy(r->detail, sizeof r->detail, detail);
        cut_copy(r->result, sizeof r->result, result);
        e->placed++;
    } else if (e != NULL) {
        e->counted++;
    } else {
        b->other_counted++;
    }
    pthread_cond_signal(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

struct batch_ctx {
    struct kms_auditq *q;
    struct aq_buf *b;
    uint64_t summaries, summarised;
};

static mcx_err summary(struct kms_store *s, struct batch_ctx *x, const char *source, uint64_t n)
{
    char detail[200];
    snprintf(detail, sizeof detail, "%llu refusals from %s not individually recorded",
             (unsigned long long)n, source);
    x->summaries++;
    x->summarised += n;
    return kms_audit_locked(s, "kmsd", "refusals.summary", source, detail, "summary");
}

static mcx_err batch_tx(struct kms_store *s, void *ctx)
{
    struct batch_ctx *x = ctx;
    struct aq_buf *b = x->b;
    mcx_err rc = MCX_OK;
    x->summaries = x->summarised = 0;
    for (size_t i = 0; i < b->n && rc == MCX_OK; i++) {
        struct aq_rec *r = &b->recs[i];
        rc = kms_audit_locked(s, r->actor, r->action, r->subject, r->detail, r->result);
    }
    for (size_t i = 0; i < AQ_SOURCES && rc == MCX_OK; i++)
        if (b->src[i].counted > 0)
            rc = summary(s, x, b->src[i].source, b->src[i].counted);
    if (rc == MCX_OK && b->other_counted > 0)
        rc = summary(s, x, "other sources", b->other_counted);
    return rc;
}

static void log_batch(struct kms_auditq *q, const struct aq_buf *b)
{
    char line[1200];
    if (q->cfg.log == NULL)
        return;
    for (size_t i = 0; i < b->n; i++) {
        const struct aq_rec *r = &b->recs[i];
        snprintf(line, sizeof line, "%s %s from %s user=%s: %s", r->result, r->action, r->source,
                 r->subject, r->detail);
        q->cfg.log(q->cfg.log_ctx, line);
    }
    for (size_t i = 0; i < AQ_SOURCES; i++)
        if (b->src[i].counted > 0) {
            snprintf(line, sizeof line, "%llu refusals from %s not individually recorded",
                     (unsigned long long)b->src[i].counted, b->src[i].source);
            q->cfg.log(q->cfg.log_ctx, line);
        }
    if (b->other_counted > 0) {
        snprintf(line, sizeof line, "%llu refusals from other sources not individually recorded",
                 (unsigned long long)b->other_counted);
        q->cfg.log(q->cfg.log_ctx, line);
    }
}

static void reset(struct aq_buf *b)
{
    b->n = 0;
    b->other_counted = 0;
    b->dirty = 0;
    memset(b->src, 0, sizeof b->src);
}

static double mono(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *writer(void *arg)
{
    struct kms_auditq *q = arg;
    double next_at = 0, window = q->cfg.window_ms / 1000.0;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        while (!q->front->dirty && !q->stopping)
            pthread_cond_wait(&q->cv, &q->mu);
        if (!q->front->dirty && q->stopping)
            break;
        double now = mono();
        if (now < next_at && !q->stopping) {
            /* Group commit: let the window fill before the next transaction. */
            struct timespec ts;
            ts.tv_sec = (time_t)next_at;
            ts.tv_nsec = (long)((next_at - (double)ts.tv_sec) * 1e9);
            pthread_cond_timedwait(&q->cv, &q->mu, &ts);
            continue;
        }
        struct aq_buf *b = q->front;
        q->front = b == &q->buf[0] ? &q->buf[1] : &q->buf[0];
        next_at = now + window;
        pthread_mutex_unlock(&q->mu);

        struct batch_ctx x = {q, b, 0, 0};
        mcx_err rc = kms_store_tx(q->store, batch_tx, &x);
        uint64_t total = b->other_counted + b->n;
        for (size_t i = 0; i < AQ_SOURCES; i++)
            total += b->src[i].counted;
        if (rc == MCX_OK) {
            log_batch(q, b);
        } else if (q->cfg.log != NULL) {
            char line[400];
            snprintf(line, sizeof line, "audit batch of %llu refusals lost: %s",
                     (unsigned long long)total, q->store->errmsg);
            q->cfg.log(q->cfg.log_ctx, line);
        }

        pthread_mutex_lock(&q->mu);
        if (rc == MCX_OK) {
            q->st.batches++;
            q->st.recorded += b->n;
            q->st.summaries += x.summaries;
            q->st.summarised += x.summarised;
        } else {
            q->st.lost += total;
        }
        reset(b);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

mcx_err kms_auditq_start(struct kms_store *s, const struct kms_auditq_cfg *cfg,
                         struct kms_auditq **out)
{
    *out = NULL;
    if (s == NULL || cfg == NULL || cfg->capacity == 0 || cfg->per_source == 0 ||
        cfg->window_ms == 0)
        return MCX_ERR_ARG;
    struct kms_auditq *q = calloc(1, sizeof *q);
    if (q == NULL)
        return MCX_ERR_NOMEM;
    q->store = s;
    q->cfg = *cfg;
    q->buf[0].recs = calloc(cfg->capacity, sizeof(struct aq_rec));
    q->buf[1].recs = calloc(cfg->capacity, sizeof(struct aq_rec));
    q->front = &q->buf[0];
    if (q->buf[0].recs == NULL || q->buf[1].recs == NULL) {
        free(q->buf[0].recs);
        free(q->buf[1].recs);
        free(q);
        return MCX_ERR_NOMEM;
    }
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* the window is measured on mono() */
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&q->writer, NULL, writer, q) != 0) {
        pthread_cond_destroy(&q->cv);
        pthread_mutex_destroy(&q->mu);
        free(q->buf[0].recs);
        free(q->buf[1].recs);
        free(q);
        return MCX_ERR_INTERNAL;
    }
    *out = q;
    return MCX_OK;
}

void kms_auditq_get_stats(struct kms_auditq *q, struct kms_auditq_stats *st)
{
    pthread_mutex_lock(&q->mu);
    *st = q->st;
    pthread_mutex_unlock(&q->mu);
}

void kms_auditq_stop(struct kms_auditq *q)
{
    if (q == NULL)
        return;
    pthread_mutex_lock(&q->mu);
    q->stopping = 1;
    pthread_cond_signal(&q->cv);
    pthread_mutex_unlock(&q->mu);
    pthread_join(q->writer, NULL);
    pthread_cond_destroy(&q->cv);
    pthread_mutex_destroy(&q->mu);
    free(q->buf[0].recs);
    free(q->buf[1].recs);
    free(q);
}
