/*
 * services/kms/lib/ratelimit.h — resistance to abuse (TR 33.880 MCSEC-1.1-2, issue 4 item 8):
 * token buckets per client (keyed by identity or address, fixed-size table, no growth with the
 * number of clients) and one global bucket. Thread-safe.
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

struct kms_ratelimit {
    pthread_mutex_t mu;
    double client_rate, client_burst, global_rate, global_burst;
    double global_tokens, global_last;
    struct kms_rl_slot slots[KMS_RL_SLOTS];
};

enum kms_rl_result { KMS_RL_OK = 0, KMS_RL_CLIENT = 1, KMS_RL_GLOBAL = 2 };

void kms_rl_init(struct kms_ratelimit *rl, double client_rate, double client_burst, double global_rate,
                 double global_burst);
void kms_rl_set(struct kms_ratelimit *rl, double client_rate, double client_burst, double global_rate,
                double global_burst);
/** Take one token for `key` at monotonic time now (seconds). A rate of 0 disables that bucket. */
enum kms_rl_result kms_rl_take(struct kms_ratelimit *rl, const char *key, double now);
void kms_rl_destroy(struct kms_ratelimit *rl);

#endif
