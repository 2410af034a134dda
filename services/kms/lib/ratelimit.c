/*
 * services/kms/lib/ratelimit.c — token buckets (ratelimit.h). A client's slot is chosen by a keyed
 * FNV-1a hash with linear probing over 8 slots; when all are busy the stalest is reused, so memory
 * stays fixed whatever the number of clients (a reused slot starts full: fail-open per client, the
 * global bucket still bounds the total).
 */
#include "ratelimit.h"

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

void kms_rl_init(struct kms_ratelimit *rl, double client_rate, double client_burst, double global_rate,
                 double global_burst)
{
    memset(rl, 0, sizeof *rl);
    pthread_mutex_init(&rl->mu, NULL);
    kms_rl_set(rl, client_rate, client_burst, global_rate, global_burst);
    rl->global_tokens = rl->global_burst;
}

void kms_rl_set(struct kms_ratelimit *rl, double client_rate, double client_burst, double global_rate,
                double global_burst)
{
    pthread_mutex_lock(&rl->mu);
    rl->client_rate = client_rate;
    rl->client_burst = client_burst < 1 ? 1 : client_burst;
    rl->global_rate = global_rate;
    rl->global_burst = global_burst < 1 ? 1 : global_burst;
    pthread_mutex_unlock(&rl->mu);
}

static int take(double *tokens, double *last, double rate, double burst, double now)
{
    if (rate <= 0)
        return 1;
    double t = *tokens + (now - *last) * rate;
    if (t > burst)
        t = burst;
    *last = now;
    if (t < 1) {
        *tokens = t;
        return 0;
    }
    *tokens = t - 1;
    return 1;
}

enum kms_rl_result kms_rl_take(struct kms_ratelimit *rl, const char *key, double now)
{
    enum kms_rl_result r = KMS_RL_OK;
    uint64_t h = fnv1a(key);
    pthread_mutex_lock(&rl->mu);
    if (rl->client_rate > 0) {
        size_t base = (size_t)(h % KMS_RL_SLOTS), pick = base;
        double oldest = 1e300;
        struct kms_rl_slot *slot = NULL;
        for (size_t i = 0; i < 8; i++) {
            struct kms_rl_slot *s = &rl->slots[(base + i) % KMS_RL_SLOTS];
            if (s->key_hash == h) {
                slot = s;
                break;
            }
            if (s->key_hash == 0 || s->last < oldest) {
                oldest = s->key_hash == 0 ? -1 : s->last;
                pick = (base + i) % KMS_RL_SLOTS;
            }
        }
        if (slot == NULL) {
            slot = &rl->slots[pick];
            slot->key_hash = h;
            slot->tokens = rl->client_burst;
            slot->last = now;
        }
        if (!take(&slot->tokens, &slot->last, rl->client_rate, rl->client_burst, now))
            r = KMS_RL_CLIENT;
    }
    if (r == KMS_RL_OK && !take(&rl->global_tokens, &rl->global_last, rl->global_rate, rl->global_burst, now))
        r = KMS_RL_GLOBAL;
    pthread_mutex_unlock(&rl->mu);
    return r;
}

void kms_rl_destroy(struct kms_ratelimit *rl)
{
    pthread_mutex_destroy(&rl->mu);
}
