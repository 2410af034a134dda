/*
 * Fuzz harness: access-token handling on the KMS (services/kms/lib/auth.c): the input is the Bearer
 * token. The verifier must never crash or accept a token that does not verify under the fixed key
 * below with iss / aud / scope / MC ID claims (the corpus holds one valid token for that key).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A P-256 public key generated for this harness (test data only). */
static const char pub[] = "-----BEGIN PUBLIC KEY-----\n"
                          "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEp6iGOd22Ry/f6Ab6mebaQbhXA0s2\n"
                          "Q1pR0eFzaQU9E3APWPPU3jK36dtnVrKjKzL+R9X4Vl5sBPpzdOY8p4JJ+A==\n"
                          "-----END PUBLIC KEY-----\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct kms_auth_cfg cfg;
    char id[KMS_ID_MAX], why[160];
    if (cfg.nkeys == 0) {
        snprintf(cfg.issuer, sizeof cfg.issuer, "https://idms.example.org");
        snprintf(cfg.audience, sizeof cfg.audience, "kms.example.org");
        snprintf(cfg.scope, sizeof cfg.scope, "3gpp:mc:ptt_key_management_service");
        snprintf(cfg.id_claim, sizeof cfg.id_claim, "mcptt_id");
        snprintf(cfg.alg, sizeof cfg.alg, "ES256");
        cfg.max_skew = 30;
        /* the same key twice: without kid (the corpus token) and as kid "k1" */
        if (kms_auth_add_key(&cfg, NULL, pub, strlen(pub), why, sizeof why) != MCX_OK ||
            kms_auth_add_key(&cfg, "k1", pub, strlen(pub), why, sizeof why) != MCX_OK)
            abort();
    }
    /* now = 1800000000: the corpus token is valid then */
    mcx_err rc = kms_auth_verify(&cfg, (const char *)data, size, 1800000000, id, why, sizeof why);
    if (rc == MCX_OK && (id[0] == '\0' || strlen(id) >= KMS_ID_MAX))
        abort();
    return 0;
}
