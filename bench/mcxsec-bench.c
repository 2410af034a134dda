/*
 * mcxsec-bench — throughput of the identity-based crypto core (ECCSI, SAKKE), each figure reported
 * with its ratio to OpenSSL 3's own ECDSA P-256 verify rate measured in the same run, so results
 * from a noisy or different machine stay comparable. See docs/PERFORMANCE.md.
 *
 * Each operation is run in R rounds (default 5) of at least T seconds (default 1.0), each round
 * right after a round of the baseline; the median rate and the median of the per-round ratios are
 * reported. Single thread.
 *
 *   mcxsec-bench [--json] [--rounds R] [--seconds T] [--only NAME[,NAME...]] [--no-avx512]
 *
 * --no-avx512 makes the SAKKE arithmetic use what a CPU without AVX-512 would (the BMI2/ADX
 * multiplication and the AVX2 table scan), for figures of such machines measured on this one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include "crypto/fp1024.h"
#include "crypto/sakke_ec.h"
#include "mcxsec/mcxsec.h"

#define ID_LEN 32

struct bench_ctx {
    /* OpenSSL baseline */
    EVP_PKEY *ec_key;
    EVP_PKEY_CTX *sign_ctx, *verify_ctx;
    uint8_t digest[32];
    uint8_t ecdsa_sig[80];
    size_t ecdsa_sig_len;
    /* ECCSI */
    uint8_t ksak[32], kpak[65], ssk[32], pvt[65];
    uint8_t id[ID_LEN], msg[700], sig[129];
    mcx_eccsi_signer *signer;
    mcx_eccsi_verifier *verifier;
    /* SAKKE */
    uint8_t z[MCX_SAKKE_SCALAR_BYTES], Z[MCX_SAKKE_POINT_BYTES], rsk[MCX_SAKKE_POINT_BYTES];
    uint8_t ssv[MCX_SAKKE_SSV_BYTES], sed[MCX_SAKKE_SED_BYTES];
    mcx_sakke_pub *pub;
    mcx_sakke_rsk *rk;
    unsigned counter;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, mcx_err e)
{
    fprintf(stderr, "mcxsec-bench: %s: %s\n", what, mcx_strerror(e));
    exit(3);
}

#define CHECK(what, call)                                                                          \
    do {                                                                                           \
        mcx_err e_ = (call);                                                                       \
        if (e_ != MCX_OK)                                                                          \
            die(what, e_);                                                                         \
    } while (0)

/* ---- operations ----------------------------------------------------------------------------------- */

static void op_ecdsa_sign(struct bench_ctx *c)
{
    uint8_t sig[80];
    size_t len = sizeof sig;
    if (EVP_PKEY_sign(c->sign_ctx, sig, &len, c->digest, sizeof c->digest) != 1)
        die("ECDSA sign", MCX_ERR_INTERNAL);
}

static void op_ecdsa_verify(struct bench_ctx *c)
{
    if (EVP_PKEY_verify(c->verify_ctx, c->ecdsa_sig, c->ecdsa_sig_len, c->digest, sizeof c->digest) != 1)
        die("ECDSA verify", MCX_ERR_VERIFY);
}

static void op_eccsi_issue(struct bench_ctx *c)
{
    uint8_t ssk[32], pvt[65];
    CHECK("ECCSI issue", mcx_eccsi_kms_issue(c->ksak, c->id, ID_LEN, ssk, pvt));
    mcx_wipe(ssk, sizeof ssk);
}

static void op_eccsi_validate(struct bench_ctx *c)
{
    CHECK("ECCSI validate", mcx_eccsi_validate(c->kpak, c->id, ID_LEN, c->ssk, c->pvt, NULL));
}

static void op_eccsi_sign(struct bench_ctx *c)
{
    CHECK("ECCSI sign", mcx_eccsi_sign(c->signer, c->msg, sizeof c->msg, c->sig));
}

static void op_eccsi_verify(struct bench_ctx *c)
{
    CHECK("ECCSI verify", mcx_eccsi_verify(c->kpak, c->id, ID_LEN, c->msg, sizeof c->msg, c->sig));
}

static void op_eccsi_verify_cached(struct bench_ctx *c)
{
    CHECK("ECCSI cached verify",
          mcx_eccsi_verifier_verify(c->verifier, c->id, ID_LEN, c->msg, sizeof c->msg, c->sig));
}

static void op_sakke_issue(struct bench_ctx *c)
{
    uint8_t rsk[MCX_SAKKE_POINT_BYTES], id[ID_LEN];
    /* a different identity each time, as when a KMS provisions its users */
    memcpy(id, c->id, ID_LEN);
    c->counter++;
    memcpy(id, &c->counter, sizeof c->counter);
    CHECK("SAKKE issue", mcx_sakke_kms_issue(c->z, id, ID_LEN, rsk));
    mcx_wipe(rsk, sizeof rsk);
}

static void op_sakke_validate(struct bench_ctx *c)
{
    CHECK("SAKKE RSK validation", mcx_sakke_validate_rsk(c->pub, c->id, ID_LEN, c->rsk));
}

static void op_sakke_encap(struct bench_ctx *c)
{
    c->ssv[0]++;
    CHECK("SAKKE encapsulate", mcx_sakke_encapsulate(c->pub, c->id, ID_LEN, c->ssv, c->sed));
}

static void op_sakke_decap(struct bench_ctx *c)
{
    uint8_t ssv[16];
    CHECK("SAKKE decapsulate", mcx_sakke_decapsulate(c->rk, c->sed, ssv));
}

struct op {
    const char *name;
    const char *label;
    void (*run)(struct bench_ctx *);
    double target;       /* ops/s on the reference machine (0: baseline, no target) */
    double target_ratio; /* ratio to ECDSA verify (0: none) */
};

static const struct op ops[] = {
    {"ecdsa_p256_sign", "OpenSSL ECDSA P-256 sign (baseline)", op_ecdsa_sign, 0, 0},
    {"ecdsa_p256_verify", "OpenSSL ECDSA P-256 verify (baseline)", op_ecdsa_verify, 0, 0},
    {"eccsi_issue", "ECCSI key issue (SSK/PVT)", op_eccsi_issue, 0, 0},
    {"eccsi_validate", "ECCSI SSK/PVT validation", op_eccsi_validate, 0, 0},
    {"eccsi_sign", "ECCSI sign", op_eccsi_sign, 55000, 2.6},
    {"eccsi_verify", "ECCSI verify, uncached", op_eccsi_verify, 9000, 0.43},
    {"eccsi_verify_cached", "ECCSI verify, cached signer", op_eccsi_verify_cached, 16000, 0.76},
    {"sakke_issue", "SAKKE RSK issue", op_sakke_issue, 2500, 0.12},
    {"sakke_validate", "SAKKE RSK validation", op_sakke_validate, 250, 0.012},
    {"sakke_encap", "SAKKE encapsulate", op_sakke_encap, 1500, 0.072},
    {"sakke_decap", "SAKKE decapsulate (RSK lines precomputed)", op_sakke_decap, 600, 0.029},
};
#define N_OPS (sizeof ops / sizeof ops[0])

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Ops per second of one round of at least `seconds`. */
static double round_rate(struct bench_ctx *c, const struct op *op, double seconds)
{
    unsigned long n = 0;
    double t0 = now(), t;
    do {
        for (int i = 0; i < 8; i++)
            op->run(c);
        n += 8;
        t = now() - t0;
    } while (t < seconds);
    return (double)n / t;
}

/*
 * Median rate of `rounds` rounds of op, and the median of the per-round ratios to the baseline
 * op, whose rounds alternate with op's (baseline round, op round, ...): on a shared machine the
 * load changes from second to second, and a ratio of two rates measured moments apart cancels
 * most of it. With op == base only the rate is measured.
 */
static void measure(struct bench_ctx *c, const struct op *op, const struct op *base, int rounds,
                    double seconds, double *rate, double *ratio)
{
    double rates[64], ratios[64];
    op->run(c); /* warm-up: first-use tables, caches */
    for (int r = 0; r < rounds; r++) {
        double b = op == base ? 0 : round_rate(c, base, seconds);
        rates[r] = round_rate(c, op, seconds);
        ratios[r] = op == base ? 1.0 : rates[r] / b;
    }
    qsort(rates, (size_t)rounds, sizeof rates[0], cmp_double);
    qsort(ratios, (size_t)rounds, sizeof ratios[0], cmp_double);
    *rate = rates[rounds / 2];
    *ratio = ratios[rounds / 2];
}

static void setup(struct bench_ctx *c)
{
    memset(c, 0, sizeof *c);
    /* baseline: a P-256 key and one signature over a SHA-256-sized digest, as `openssl speed` does */
    c->ec_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (c->ec_key == NULL)
        die("P-256 keygen", MCX_ERR_INTERNAL);
    c->sign_ctx = EVP_PKEY_CTX_new(c->ec_key, NULL);
    c->verify_ctx = EVP_PKEY_CTX_new(c->ec_key, NULL);
    if (c->sign_ctx == NULL || c->verify_ctx == NULL || EVP_PKEY_sign_init(c->sign_ctx) != 1 ||
        EVP_PKEY_verify_init(c->verify_ctx) != 1)
        die("ECDSA setup", MCX_ERR_INTERNAL);
    CHECK("random", mcx_random(c->digest, sizeof c->digest));
    c->ecdsa_sig_len = sizeof c->ecdsa_sig;
    if (EVP_PKEY_sign(c->sign_ctx, c->ecdsa_sig, &c->ecdsa_sig_len, c->digest, sizeof c->digest) != 1)
        die("ECDSA sign", MCX_ERR_INTERNAL);

    /* a 32-octet identifier, as an MCX UID */
    CHECK("UID", mcx_uid("sip:alice@example.org", "kms.example.org", 2592000, 0, 1388, c->id));
    CHECK("random", mcx_random(c->msg, sizeof c->msg));

    CHECK("ECCSI keygen", mcx_eccsi_kms_keygen(c->ksak, c->kpak));
    CHECK("ECCSI issue", mcx_eccsi_kms_issue(c->ksak, c->id, ID_LEN, c->ssk, c->pvt));
    CHECK("ECCSI signer", mcx_eccsi_signer_new(&c->signer, c->kpak, c->id, ID_LEN, c->ssk, c->pvt));
    CHECK("ECCSI sign", mcx_eccsi_sign(c->signer, c->msg, sizeof c->msg, c->sig));
    CHECK("ECCSI verifier", mcx_eccsi_verifier_new(&c->verifier, c->kpak, 64));

    CHECK("SAKKE keygen", mcx_sakke_kms_keygen(c->z, c->Z));
    CHECK("SAKKE pub", mcx_sakke_pub_new(&c->pub, c->Z));
    CHECK("SAKKE issue", mcx_sakke_kms_issue(c->z, c->id, ID_LEN, c->rsk));
    CHECK("SAKKE rsk", mcx_sakke_rsk_new(&c->rk, c->pub, c->id, ID_LEN, c->rsk));
    CHECK("random", mcx_random(c->ssv, sizeof c->ssv));
    CHECK("SAKKE encapsulate", mcx_sakke_encapsulate(c->pub, c->id, ID_LEN, c->ssv, c->sed));
}

static void teardown(struct bench_ctx *c)
{
    mcx_eccsi_signer_free(c->signer);
    mcx_eccsi_verifier_free(c->verifier);
    mcx_sakke_rsk_free(c->rk);
    mcx_sakke_pub_free(c->pub);
    EVP_PKEY_CTX_free(c->sign_ctx);
    EVP_PKEY_CTX_free(c->verify_ctx);
    EVP_PKEY_free(c->ec_key);
    mcx_wipe(c, sizeof *c);
}

static int selected(const char *only, const char *name)
{
    if (only == NULL || strncmp(name, "ecdsa_p256_verify", 17) == 0)
        return 1; /* the baseline is always measured: every ratio needs it */
    size_t n = strlen(name);
    for (const char *p = only; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len == n && strncmp(p, name, n) == 0)
            return 1;
        p += len + (comma ? 1 : 0);
    }
    return 0;
}

int main(int argc, char **argv)
{
    int json = 0, rounds = 5;
    double seconds = 1.0;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
            rounds = (int)strtol(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            seconds = strtod(argv[++i], NULL);
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else if (strcmp(argv[i], "--no-avx512") == 0) {
            if (mcxi_fp_set_backend(MCXI_FP_ADX) < 0 || mcxi_ec_set_scan(MCXI_SCAN_AVX2) < 0) {
                fprintf(stderr, "mcxsec-bench: this CPU has no BMI2/ADX or AVX2 to fall back to\n");
                return 2;
            }
        } else {
            fprintf(stderr, "usage: mcxsec-bench [--json] [--rounds R] [--seconds T] [--only NAME,...] "
                            "[--no-avx512]\n"
                            "operations:");
            for (size_t k = 0; k < N_OPS; k++)
                fprintf(stderr, " %s", ops[k].name);
            fprintf(stderr, "\n");
            return 2;
        }
    }
    if (rounds < 1 || rounds > 63 || !(seconds > 0.0) || seconds > 60.0) {
        fprintf(stderr, "mcxsec-bench: --rounds must be 1..63 and --seconds in (0, 60]\n");
        return 2;
    }

    struct bench_ctx *c = malloc(sizeof *c);
    if (c == NULL)
        return 3;
    setup(c);

    double rate[N_OPS] = {0}, ratio[N_OPS] = {0};
    const struct op *base = NULL;
    for (size_t k = 0; k < N_OPS; k++)
        if (strcmp(ops[k].name, "ecdsa_p256_verify") == 0)
            base = &ops[k];
    for (size_t k = 0; k < N_OPS; k++) {
        if (!selected(only, ops[k].name))
            continue;
        measure(c, &ops[k], base, rounds, seconds, &rate[k], &ratio[k]);
        if (!json)
            fprintf(stderr, "  measured %-24s %12.0f /s  ratio %.4f\n", ops[k].name, rate[k],
                    ratio[k]);
    }

    if (json) {
        printf("{\"rounds\": %d, \"seconds\": %.3f, \"baseline\": \"ecdsa_p256_verify\", \"results\": [", rounds,
               seconds);
        int first = 1;
        for (size_t k = 0; k < N_OPS; k++) {
            if (rate[k] == 0)
                continue;
            printf("%s\n  {\"name\": \"%s\", \"ops_per_s\": %.1f, \"ratio\": %.4f", first ? "" : ",",
                   ops[k].name, rate[k], ratio[k]);
            if (ops[k].target_ratio > 0)
                printf(", \"target_ratio\": %.3f, \"meets_target\": %s", ops[k].target_ratio,
                       ratio[k] >= ops[k].target_ratio ? "true" : "false");
            printf("}");
            first = 0;
        }
        printf("\n]}\n");
    } else {
        printf("%-44s %12s %9s %14s\n", "operation (single thread, median)", "ops/s", "ratio",
               "target ratio");
        for (size_t k = 0; k < N_OPS; k++) {
            if (rate[k] == 0)
                continue;
            char tgt[32] = "";
            if (ops[k].target_ratio > 0)
                snprintf(tgt, sizeof tgt, ">= %.3f %s", ops[k].target_ratio,
                         ratio[k] >= ops[k].target_ratio ? "ok" : "MISS");
            printf("%-44s %12.0f %9.4f %14s\n", ops[k].label, rate[k], ratio[k], tgt);
        }
        printf("ratio = median over the rounds of ops/s divided by OpenSSL ECDSA P-256 verify ops/s\n"
               "measured in the round just before (the two alternate)\n");
    }
    teardown(c);
    free(c);
    return 0;
}
