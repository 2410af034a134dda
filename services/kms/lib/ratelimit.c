/*
 * services/kms/lib/ratelimit.c — token buckets (ratelimit.h). A key's slot is chosen by an FNV-1a
 * hash with linear probing over 8 slots; when all are busy the stalest is reused, so memory stays
 * fixed whatever the number of clients (a reused slot starts full: fail-open per client, the
 * global bucket still bounds the total).
 */
#include "ratelimit.h"

#include <math.h>
#include <string.h>

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ull;
    }
    return h | 1; /* 0 marks an empty slot */
}

void kms_rl_init(struct kms_ratelimit *rl, const struct kms_rl_limits *lim)
{
    memset(rl, 0, sizeof *rl);
    pthread_mutex_init(&rl->mu, NULL);
    kms_rl_set(rl, lim);
    rl->global_tokens = rl->global_burst;
}

static double at_least_one(double b)
{
    return b < 1 ? 1 : b;
}

void kms_rl_set(struct kms_ratelimit *rl, const struct kms_rl_limits *lim)
{
    pthread_mutex_lock(&rl->mu);
    rl->ip.rate = lim->ip_rate;
    rl->ip.burst = at_least_one(lim->ip_burst);
    rl->client.rate = lim->client_rate;
    rl->client.burst = at_least_one(lim->client_burst);
    rl->global_rate = lim->global_rate;
    rl->global_burst = at_least_one(lim->global_burst);
    pthread_mutex_unlock(&rl->mu);
}

/* 0 when a token was taken, else the seconds until one is back. */
static unsigned take(double *tokens, double *last, double rate, double burst, double now)
{
    if (rate <= 0)
        return 0;
    double t = *tokens + (now - *last) * rate;
    if (t > burst)
        t = burst;
    *last = now;
    if (t < 1) {
        *tokens = t;
        double wait = ceil((1 - t) / rate);
        return wait < 1 ? 1 : wait > 3600 ? 3600 : (unsigned)wait;
    }
    *tokens = t - 1;
    return 0;
}

static struct kms_rl_slot *slot_for(struct kms_rl_table *tb, uint64_t h, double now)
{
    size_t base = (size_t)(h % KMS_RL_SLOTS), pick = base;
    double oldest = 1e300;
    for (size_t i = 0; i < 8; i++) {
        struct kms_rl_slot *s = &tb->slots[(base + i) % KMS_RL_SLOTS];
        if (s->key_hash == h)
            return s;
        if (s->key_hash == 0 || s->last < oldest) {
            oldest = s->key_hash == 0 ? -1 : s->last;
            pick = (base + i) % KMS_RL_SLOTS;
        }
    }
    struct kms_rl_slot *s = &tb->slots[pick];
    s->key_hash = h;
    s->tokens = tb->burst;
    s->last = now;
    return s;
}

unsigned kms_rl_take_key(struct kms_ratelimit *rl, enum kms_rl_kind kind, const char *key,
                         double now)
{
    unsigned r = 0;
    uint64_t h = fnv1a(key);
    pthread_mutex_lock(&rl->mu);
    struct kms_rl_table *tb = kind == KMS_RL_BY_IP ? &rl->ip : &rl->client;
    if (tb->rate > 0) {
        struct kms_rl_slot *s = slot_for(tb, h, now);
        r = take(&s->tokens, &s->last, tb->rate, tb->burst, now);
    }
    pthread_mutex_unlock(&rl->mu);
    return r;
}

unsigned kms_rl_take_global(struct kms_ratelimit *rl, double now)
{
    pthread_mutex_lock(&rl->mu);
    unsigned r = take(&rl->global_tokens, &rl->global_last, rl->global_rate, rl->global_burst, now);
    pthread_mutex_unlock(&rl->mu);
    return r;
}

void kms_rl_destroy(struct kms_ratelimit *rl)
{
    pthread_mutex_destroy(&rl->mu);
}
