/*
 * Internal: the MIKEY-SAKKE context shared by the I_MESSAGE (mikey_imessage.c) and GSK
 * (mikey_gsk.c) code — KMS communities, key sets per key period, replay cache (RFC 6509 §3,
 * TS 33.180 Annex E, RFC 3830 §5.4 replay protection).
 */
#ifndef MCX_CODEC_MIKEY_INT_H
#define MCX_CODEC_MIKEY_INT_H
#include <pthread.h>

#include "mcxsec/mikey.h"

struct mcxi_kms {
    struct mcx_kms_cert cert;
    mcx_eccsi_verifier *ver;
    mcx_sakke_pub *pub;
};

struct mcxi_keyset {
    struct mcx_kms_keyset ks;
    mcx_sakke_rsk *rsk;
    mcx_eccsi_signer *signer;
};

struct mcxi_replay {
    uint8_t md[16]; /* 128 bits of SHA-256(RAND || T) */
    uint64_t t_sec; /* NTP second of T */
};

struct mcx_mikey_ctx {
    struct mcxi_kms kms[MCX_MIKEY_MAX_KMS]; /* kms[0] is the home KMS */
    size_t n_kms;
    struct mcxi_keyset ks[MCX_MIKEY_MAX_KEYSETS];
    size_t n_ks;
    uint32_t window;    /* accepted |T - now| and clock skew for key activation/expiry */
    int accept_pending; /* 1: keys not yet active are returned with res->pending */
    pthread_mutex_t lock;
    struct mcxi_replay *replay; /* replay_n used of replay_cap */
    size_t replay_cap, replay_n;
    uint64_t replay_hw;    /* NTP second of the latest `now` of an accepted message */
    uint64_t replay_floor; /* T below this (NTP seconds) may have been forgotten: refused */
};

/* The KMS entry whose KmsUri equals (p, len), or NULL. */
const struct mcxi_kms *mcxi_mikey_find_kms(const mcx_mikey_ctx *ctx, const uint8_t *p, size_t len);
/* The local key set for the key period containing NTP second ntp_sec, or NULL. */
const struct mcxi_keyset *mcxi_mikey_keyset_at(const mcx_mikey_ctx *ctx, uint64_t ntp_sec);
/* UID of uri in the key period containing ntp_sec under KMS k. */
mcx_err mcxi_mikey_uid_at(const struct mcxi_kms *k, const uint8_t *uri, size_t uri_len,
                          uint64_t ntp_sec, uint8_t uid[32]);
/* MCX_OK if T (NTP 32.32) is within the window around now (Unix seconds), else MCX_ERR_MIKEY_TIME.
 */
mcx_err mcxi_mikey_check_time(const mcx_mikey_ctx *ctx, uint64_t t_ntp, int64_t now);
mcx_err mcxi_check_time_window(uint32_t window, uint64_t t_ntp, int64_t now);
/* Record (RAND, T) at now_ntp (NTP seconds): MCX_ERR_MIKEY_REPLAY if already present,
 * MCX_ERR_MIKEY_TIME if T is as old as entries the cache has forgotten,
 * MCX_ERR_MIKEY_REPLAY_FULL if the cache holds only entries that may still match. */
mcx_err mcxi_mikey_replay(mcx_mikey_ctx *ctx, const uint8_t *rand, size_t rand_len, uint64_t t_ntp,
                          uint64_t now_ntp);
/* GSK messages (mikey_gsk.c, docs/gsk-format.md): with the envelope keys of `gmk` for this CSB ID
 * and RAND, AES-CM of in[0, len) into out for T (its own inverse), and the KEMAC MAC of
 * msg[0, len). Internal: for the keyed fuzz harness. */
mcx_err mcxi_gsk_crypt(const uint8_t gmk[16], uint32_t csb, const uint8_t *rand, size_t rand_len,
                       uint64_t t, const uint8_t *in, size_t len, uint8_t *out);
mcx_err mcxi_gsk_mac(const uint8_t gmk[16], uint32_t csb, const uint8_t *rand, size_t rand_len,
                     const uint8_t *msg, size_t len, uint8_t out[32]);
/* Unix seconds -> NTP seconds; MCX_ERR_ARG when out of the 32-bit NTP era 0. */
mcx_err mcxi_unix_to_ntp(int64_t now, uint64_t *ntp_sec);

#endif
