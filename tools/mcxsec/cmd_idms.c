/*
 * mcxsec idms — a minimal identity-management signer for tests and demos (issue 4 item 2):
 *   idms keygen --out-private FILE --out-public FILE [--alg ES256|RS256]
 *   idms issue-token --key PRIVATE.pem --iss URL --aud KMS --id MC-ID [--scope S] [--lifetime SECONDS]
 *                    [--claim mcptt_id] [--sub SUB] [--kid KEY-ID] [--time-offset SECONDS]
 *                    [--out FILE]
 * The token is an RFC 7519 JWT signed (JWS) with the local key, as the IdMS of TS 33.180 Annex B
 * would issue an access token; mcxsec-kmsd verifies it with the public key.
 */
#include <fcntl.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "cli.h"
#include "mcxsec/util.h"

#define CMD "idms"

static const struct cli_optspec opts[] = {
    {"out-private", 1, 0}, {"out-public", 1, 0}, {"alg", 1, 0},   {"key", 1, 0},
    {"iss", 1, 0},         {"aud", 1, 0},        {"id", 1, 0},    {"scope", 1, 0},
    {"lifetime", 1, 0},    {"claim", 1, 0},      {"sub", 1, 0},   {"out", 1, 0},
    {"time-offset", 1, 0}, {"help", 0, 0},       {"kid", 1, 0},   {NULL, 0, 0},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: mcxsec idms keygen --out-private FILE --out-public FILE [--alg ES256|RS256]\n"
               "       mcxsec idms issue-token --key PRIVATE.pem --iss URL --aud AUDIENCE --id MC-ID\n"
               "              [--scope SCOPE] [--lifetime SECONDS] [--claim mcptt_id] [--sub SUB]\n"
               "              [--alg ES256|RS256] [--kid KEY-ID] [--time-offset [-]SECONDS]\n"
               "              [--out FILE]\n");
}

static int keygen(const struct cli_args *a)
{
    const char *priv = cli_require(a, CMD, "out-private"), *pub = cli_require(a, CMD, "out-public");
    const char *alg = cli_get(a, "alg") ? cli_get(a, "alg") : "ES256";
    if (priv == NULL || pub == NULL)
        return CLI_USAGE;
    EVP_PKEY *k = NULL;
    if (strcmp(alg, "ES256") == 0)
        k = EVP_EC_gen("P-256");
    else if (strcmp(alg, "RS256") == 0)
        k = EVP_RSA_gen(3072);
    else {
        fprintf(stderr, "mcxsec idms: --alg must be ES256 or RS256\n");
        return CLI_USAGE;
    }
    if (k == NULL)
        return cli_fail(CMD, "keygen", MCX_ERR_INTERNAL);
    int rc = CLI_FAILURE;
    int fd = open(priv, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    FILE *fq = fopen(pub, "w");
    if (fp == NULL || fq == NULL) {
        fprintf(stderr, "mcxsec idms: cannot write %s / %s\n", priv, pub);
        if (fp == NULL && fd >= 0)
            close(fd);
    } else if (PEM_write_PrivateKey(fp, k, NULL, NULL, 0, NULL, NULL) == 1 && PEM_write_PUBKEY(fq, k) == 1) {
        rc = CLI_OK;
    }
    if (fp != NULL)
        fclose(fp);
    if (fq != NULL)
        fclose(fq);
    EVP_PKEY_free(k);
    if (rc == CLI_OK && !a->json)
        printf("private=%s\npublic=%s\nalg=%s\n", priv, pub, alg);
    return rc;
}

static int issue_token(const struct cli_args *a)
{
    const char *keyf = cli_require(a, CMD, "key"), *iss = cli_require(a, CMD, "iss"),
               *aud = cli_require(a, CMD, "aud"), *id = cli_require(a, CMD, "id");
    const char *scope = cli_get(a, "scope") ? cli_get(a, "scope") : "openid 3gpp:mc:ptt_key_management_service";
    const char *claim = cli_get(a, "claim") ? cli_get(a, "claim") : "mcptt_id";
    const char *alg = cli_get(a, "alg") ? cli_get(a, "alg") : "ES256";
    uint64_t lifetime = 3600;
    long long offset = 0;
    if (keyf == NULL || iss == NULL || aud == NULL || id == NULL)
        return CLI_USAGE;
    if (cli_get(a, "lifetime") && cli_u64(CMD, "--lifetime", cli_get(a, "lifetime"), &lifetime) != CLI_OK)
        return CLI_USAGE;
    if (cli_get(a, "time-offset")) {
        char *end = NULL;
        offset = strtoll(cli_get(a, "time-offset"), &end, 10);
        if (end == NULL || *end != '\0') {
            fprintf(stderr, "mcxsec idms: --time-offset: expected an integer\n");
            return CLI_USAGE;
        }
    }
    uint8_t *pem;
    size_t n;
    int rc = cli_read_file(CMD, keyf, 65536, &pem, &n);
    if (rc != CLI_OK)
        return rc;
    char *tok = NULL;
    const char *sub = cli_get(a, "sub") ? cli_get(a, "sub") : id;
    mcx_err e = kms_auth_mint(alg, pem, n, cli_get(a, "kid"), iss, aud, sub, claim, id, scope,
                              (int64_t)time(NULL) + offset, (int64_t)lifetime, &tok);
    mcx_wipe(pem, n);
    free(pem);
    if (e != MCX_OK)
        return cli_fail(CMD, "issue-token", e);
    const char *out = cli_get(a, "out");
    if (out != NULL) {
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (f == NULL) {
            fprintf(stderr, "mcxsec idms: cannot write %s\n", out);
            free(tok);
            return CLI_FAILURE;
        }
        fprintf(f, "%s\n", tok);
        fclose(f);
    } else {
        printf("%s\n", tok);
    }
    free(tok);
    return CLI_OK;
}

int cmd_idms(int argc, char **argv)
{
    struct cli_args a;
    int rc = cli_parse(&a, CMD, opts, argc, argv);
    if (rc != CLI_OK)
        return rc;
    if (a.npos != 1 || cli_flag(&a, "help")) {
        usage(cli_flag(&a, "help") ? stdout : stderr);
        return cli_flag(&a, "help") ? CLI_OK : CLI_USAGE;
    }
    if (strcmp(a.pos[0], "keygen") == 0)
        return keygen(&a);
    if (strcmp(a.pos[0], "issue-token") == 0)
        return issue_token(&a);
    usage(stderr);
    return CLI_USAGE;
}
