/*
 * mikey-bench: GMK I_MESSAGE create and process rates, single thread (issue 3 targets: create
 * >= 1,200/s, process >= 500/s), with the share of each primitive (SAKKE encapsulate/decapsulate,
 * ECCSI sign/verify) measured separately so the figures in docs/PERFORMANCE.md can be explained.
 * Every rate is also reported as a ratio to OpenSSL 3's ECDSA P-256 verify rate measured in the
 * same run (as bench/mcxsec-bench.c does), so figures from different machines compare.
 * Keys come from a fresh KMS (keygen + issue in memory).
 * Usage: mikey-bench [--json] [--seconds T] (or the old form: mikey-bench T)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "mcxsec/kdf.h"
#include "mcxsec/mikey.h"
#include "mcxsec/util.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what, mcx_err e)
{
    fprintf(stderr, "mikey-bench: %s: %s\n", what, mcx_errname(e));
    exit(3);
}

static void issue(const struct mcx_kms_cert *c, const uint8_t *z, const uint8_t *ksak,
                  const char *uri, uint64_t period_no, struct mcx_kms_keyset *k)
{
    mcx_err e;
    mcx_kms_keyset_init(k);
    snprintf(k->kms_uri, sizeof k->kms_uri, "%s", c->kms_uri);
    snprintf(k->user_uri, sizeof k->user_uri, "%s", uri);
    k->key_period_no = period_no;
    if ((e = mcx_uid(uri, c->kms_uri, c->user_key_period, c->user_key_offset, period_no,
                     k->user_id)) != MCX_OK ||
        (e = mcx_sakke_kms_issue(z, k->user_id, 32, k->rsk)) != MCX_OK ||
        (e = mcx_eccsi_kms_issue(ksak, k->user_id, 32, k->ssk, k->pvt)) != MCX_OK)
        die("issue", e);
}

/* OpenSSL ECDSA P-256 verify of one signature over a SHA-256-sized digest (the baseline). */
static double ecdsa_verify_rate(double secs)
{
    EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    EVP_PKEY_CTX *sc = k ? EVP_PKEY_CTX_new(k, NULL) : NULL,
                 *vc = k ? EVP_PKEY_CTX_new(k, NULL) : NULL;
    uint8_t dg[32], sig[80];
    size_t sl = sizeof sig;
    if (sc == NULL || vc == NULL || EVP_PKEY_sign_init(sc) != 1 || EVP_PKEY_verify_init(vc) != 1 ||
        mcx_random(dg, sizeof dg) != MCX_OK || EVP_PKEY_sign(sc, sig, &sl, dg, sizeof dg) != 1)
        die("ECDSA baseline setup", MCX_ERR_INTERNAL);
    size_t n = 0;
    double t0 = now_s(), t;
    do {
        if (EVP_PKEY_verify(vc, sig, sl, dg, sizeof dg) != 1)
            die("ECDSA verify", MCX_ERR_VERIFY);
        n++;
        t = now_s() - t0;
    } while (t < secs || n < 64);
    EVP_PKEY_CTX_free(sc);
    EVP_PKEY_CTX_free(vc);
    EVP_PKEY_free(k);
    return (double)n / t;
}

/* One figure: name=rate (ratio to the baseline) [detail], or a JSON member. */
static void report(int json, int *first, const char *name, double rate, double base,
                   const char *detail)
{
    if (json) {
        printf("%s\n  {\"name\": \"%s\", \"ops_per_s\": %.1f, \"ratio\": %.4f}", *first ? "" : ",",
               name, rate, rate / base);
        *first = 0;
    } else {
        printf("%s_per_s=%.0f ratio=%.4f%s%s\n", name, rate, rate / base, detail ? " " : "",
               detail ? detail : "");
    }
}

int main(int argc, char **argv)
{
    double secs = 2.0;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            secs = atof(argv[++i]);
        } else if (argv[i][0] != '-') {
            secs = atof(argv[i]);
        } else {
            fprintf(stderr, "usage: mikey-bench [--json] [--seconds T]\n");
            return 2;
        }
    }
    if (!(secs > 0) || secs > 60)
        secs = 2.0;
    int first = 1;
    double base = ecdsa_verify_rate(secs);
    if (json)
        printf("{\"seconds\": %.3f, \"baseline\": \"ecdsa_p256_verify\", \"results\": [", secs);
    report(json, &first, "ecdsa_p256_verify", base, base, "(OpenSSL, baseline)");
    struct mcx_kms_cert c;
    uint8_t z[MCX_SAKKE_SCALAR_BYTES], ksak[MCX_ECCSI_SCALAR_BYTES];
    mcx_kms_cert_init(&c);
    memcpy(c.kms_uri, "kms.bench.example", 18);
    c.user_key_period = 2592000;
    mcx_err e;
    if ((e = mcx_sakke_kms_keygen(z, c.pub_enc_key)) != MCX_OK ||
        (e = mcx_eccsi_kms_keygen(ksak, c.pub_auth_key)) != MCX_OK)
        die("keygen", e);
    int64_t now = 1759492800; /* 2025-10-03T12:00:00Z */
    uint64_t no;
    if ((e = mcx_key_period_no((uint64_t)now + MCX_NTP_UNIX_OFFSET, c.user_key_period, 0, &no)) !=
        MCX_OK)
        die("period", e);
    struct mcx_kms_keyset gk, mk;
    issue(&c, z, ksak, "sip:gms@bench.example", no, &gk);
    issue(&c, z, ksak, "sip:member@bench.example", no, &mk);
    mcx_mikey_ctx *gms = NULL, *mem = NULL;
    if ((e = mcx_mikey_ctx_new(&gms, &c)) != MCX_OK ||
        (e = mcx_mikey_ctx_add_keyset(gms, &gk)) != MCX_OK ||
        (e = mcx_mikey_ctx_new(&mem, &c)) != MCX_OK ||
        (e = mcx_mikey_ctx_add_keyset(mem, &mk)) != MCX_OK)
        die("context", e);
    if ((e = mcx_mikey_ctx_set_replay_capacity(mem, 1 << 16)) != MCX_OK)
        die("replay", e);

    struct mcx_mikey_create_args a;
    memset(&a, 0, sizeof a);
    a.purpose = MCX_PURPOSE_GMK;
    a.responder_uri = "sip:member@bench.example";
    a.now = now;
    a.cs_id = 4;
    a.include_params = 1;
    a.params.status = MCX_KEY_STATUS_NOT_REVOKED;
    a.params.has_groups = 1;
    static uint8_t msgs[64][MCX_MIKEY_MAX_MSG];
    static size_t lens[64];
    struct mcx_mikey_result r;

    /* create */
    size_t n = 0;
    double t0 = now_s(), t;
    do {
        size_t l = sizeof msgs[0];
        if ((e = mcx_mikey_create(gms, &a, msgs[n % 64], &l, &r)) != MCX_OK)
            die("create", e);
        lens[n % 64] = l;
        n++;
        t = now_s() - t0;
    } while (t < secs || n < 64);
    double create_rate = (double)n / t;
    char det[96];
    snprintf(det, sizeof det, "(n=%zu, %.2f s, %zu-octet messages)", n, t, lens[0]);
    report(json, &first, "gmk_create", create_rate, base, det);

    /* process: distinct messages (the replay cache is large enough); the verifier cache makes the
     * repeated GMS signer cheap, as in a real rekey */
    size_t m = 0;
    t0 = now_s();
    do {
        if (m > 0 && m % 64 == 0) {
            /* fresh messages for the next round: re-create outside the timed span */
            double pause = now_s();
            for (size_t i = 0; i < 64; i++) {
                size_t l = sizeof msgs[0];
                if ((e = mcx_mikey_create(gms, &a, msgs[i], &l, &r)) != MCX_OK)
                    die("create", e);
                lens[i] = l;
            }
            t0 += now_s() - pause;
        }
        if ((e = mcx_mikey_process(mem, msgs[m % 64], lens[m % 64], MCX_PURPOSE_GMK, now, &r)) !=
            MCX_OK)
            die("process", e);
        m++;
        t = now_s() - t0;
    } while (t < secs || m < 64);
    double process_rate = (double)m / t;
    snprintf(det, sizeof det, "(n=%zu, %.2f s)", m, t);
    report(json, &first, "gmk_process", process_rate, base, det);

    /* primitives */
    uint8_t uid[32], ssv[16] = {1}, sed[MCX_SAKKE_SED_BYTES], sig[MCX_ECCSI_SIG_BYTES], out[16];
    memcpy(uid, mk.user_id, 32);
    mcx_sakke_pub *pub = NULL;
    mcx_sakke_rsk *rsk = NULL;
    mcx_eccsi_signer *sg = NULL;
    mcx_eccsi_verifier *ver = NULL;
    if ((e = mcx_sakke_pub_new(&pub, c.pub_enc_key)) != MCX_OK ||
        (e = mcx_sakke_rsk_new(&rsk, pub, mk.user_id, 32, mk.rsk)) != MCX_OK ||
        (e = mcx_eccsi_signer_new(&sg, c.pub_auth_key, gk.user_id, 32, gk.ssk, gk.pvt)) != MCX_OK ||
        (e = mcx_eccsi_verifier_new(&ver, c.pub_auth_key, 16)) != MCX_OK)
        die("primitives", e);
    struct {
        const char *name;
        int which;
    } cases[] = {{"sakke_encapsulate", 0},
                 {"sakke_decapsulate", 1},
                 {"eccsi_sign", 2},
                 {"eccsi_verify_cached", 3}};
    if ((e = mcx_sakke_encapsulate(pub, uid, 32, ssv, sed)) != MCX_OK ||
        (e = mcx_eccsi_sign(sg, msgs[0], 500, sig)) != MCX_OK)
        die("prime", e);
    for (size_t ci = 0; ci < 4; ci++) {
        size_t k = 0;
        t0 = now_s();
        do {
            switch (cases[ci].which) {
            case 0:
                e = mcx_sakke_encapsulate(pub, uid, 32, ssv, sed);
                break;
            case 1:
                e = mcx_sakke_decapsulate(rsk, sed, out);
                break;
            case 2:
                e = mcx_eccsi_sign(sg, msgs[0], 500, sig);
                break;
            default:
                e = mcx_eccsi_verifier_verify(ver, gk.user_id, 32, msgs[0], 500, sig);
                break;
            }
            if (e != MCX_OK)
                die(cases[ci].name, e);
            k++;
            t = now_s() - t0;
        } while (t < secs / 2 || k < 8);
        report(json, &first, cases[ci].name, (double)k / t, base, NULL);
    }
    /* The issue's targets are absolute on its reference machine, where OpenSSL's ECDSA P-256
     * verify runs ~20,900/s; as ratios (what carries over to another machine) they are
     * 1,200 / 20,900 and 500 / 20,900. */
    const double ref_verify = 20900.0;
    const double create_ratio = create_rate / base, process_ratio = process_rate / base;
    const int create_met = create_ratio >= 1200 / ref_verify;
    const int process_met = process_ratio >= 500 / ref_verify;
    if (json)
        printf("\n], \"targets\": {\"gmk_create_per_s\": 1200, \"gmk_create_ratio\": %.4f, "
               "\"gmk_create_met\": %s, \"gmk_process_per_s\": 500, \"gmk_process_ratio\": %.4f, "
               "\"gmk_process_met\": %s, \"reference_ecdsa_verify_per_s\": %.0f}}\n",
               1200 / ref_verify, create_met ? "true" : "false", 500 / ref_verify,
               process_met ? "true" : "false", ref_verify);
    else
        printf("targets (ratios; the issue's 1,200/s and 500/s over the reference machine's "
               "~20,900 ECDSA verify/s): create >= %.4f %s, process >= %.4f %s; here %s/s and "
               "%s/s absolute\n"
               "ratio = ops/s divided by OpenSSL ECDSA P-256 verify ops/s measured in this run\n",
               1200 / ref_verify, create_met ? "MET" : "NOT MET", 500 / ref_verify,
               process_met ? "MET" : "NOT MET", create_rate >= 1200 ? ">= 1200" : "< 1200",
               process_rate >= 500 ? ">= 500" : "< 500");
    mcx_sakke_rsk_free(rsk);
    mcx_sakke_pub_free(pub);
    mcx_eccsi_signer_free(sg);
    mcx_eccsi_verifier_free(ver);
    mcx_mikey_ctx_free(gms);
    mcx_mikey_ctx_free(mem);
    mcx_wipe(z, sizeof z);
    mcx_wipe(ksak, sizeof ksak);
    mcx_wipe(&gk, sizeof gk);
    mcx_wipe(&mk, sizeof mk);
    mcx_wipe(&r, sizeof r);
    return 0;
}
