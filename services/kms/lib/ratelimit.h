/*
 * services/kms/lib/ratelimit.h — resistance to abuse (TR 33.880 MCSEC-1.1-2, issue 4 item 8):
 * token buckets per source address (taken before authentication, so unauthenticated floods are
 * limited too), per authenticated identity, and one global bucket. The per-key tables have a fixed
 * size (no growth with the number of clients). Thread-safe.
 */
#ifndef MCX_KMS_RATELIMIT_H
#define MCX_KMS_RATELIMIT_H
#include <pthread.h>
#include <stdint.h>

#define KMS_RL_SLOTS 8192

struct kms_rl_slot {
    uint64_t key_hash;
    double tokens;
    double last;
};

/** One bucket per key (address or identity). */
struct kms_rl_table {
    double rate, burst; /* rate 0 = this limit is off */
    struct kms_rl_slot slots[KMS_RL_SLOTS];
};

/** Rates in requests per second; a rate of 0 disables that bucket; bursts are at least 1. */
struct kms_rl_limits {
    double ip_rate, ip_burst;
    double client_rate, client_burst;
    double global_rate, global_burst;
};

struct kms_ratelimit {
    pthread_mutex_t mu;
    struct kms_rl_table ip, client;
    double global_rate, global_burst;
    double global_tokens, global_last;
};

enum kms_rl_kind { KMS_RL_BY_IP = 0, KMS_RL_BY_IDENTITY = 1 };

void kms_rl_init(struct kms_ratelimit *rl, const struct kms_rl_limits *lim);
/** New limits (SIGHUP); buckets keep their current fill. */
void kms_rl_set(struct kms_ratelimit *rl, const struct kms_rl_limits *lim);
/**
 * Take one token for `key` from the per-address or per-identity table at monotonic time `now`
 * (seconds). Returns 0 when allowed, else the whole number of seconds (>= 1) until a token is back
 * (for Retry-After).
 */
unsigned kms_rl_take_key(struct kms_ratelimit *rl, enum kms_rl_kind kind, const char *key,
                         double now);
/** Take one token from the global bucket: 0 allowed, else seconds until a token is back (>= 1). */
unsigned kms_rl_take_global(struct kms_ratelimit *rl, double now);
void kms_rl_destroy(struct kms_ratelimit *rl);

#endif
