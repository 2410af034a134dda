/*
 * mcxsec demo — a narrated tour of the identity-based crypto core: a KMS creates its master keys,
 * issues keys for two MCX identities for the current key period (UID of TS 33.180 F.2.1), and the
 * identities sign/verify (ECCSI, RFC 6507) and encapsulate/decapsulate a key (SAKKE, RFC 6508).
 * Later parts of the demo (MIKEY, KMS over HTTPS) are driven by scripts/demo.sh.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "mcxsec/mcxsec.h"

#define KMS_URI "kms.demo.mcxsec.example"
#define PERIOD 2592000u /* 30 days, as in the TS 33.180 F.2.1 example */
#define OFFSET 0u

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void show_hex(const char *label, const uint8_t *p, size_t n, size_t shown)
{
    printf("      %-8s ", label);
    for (size_t i = 0; i < n && i < shown; i++)
        printf("%02x", p[i]);
    if (n > shown)
        printf("… (%zu octets)", n);
    printf("\n");
}

struct user {
    const char *uri;
    uint8_t uid[MCX_UID_BYTES];
    uint8_t ssk[MCX_ECCSI_SCALAR_BYTES], pvt[MCX_ECCSI_POINT_BYTES];
    uint8_t rsk[MCX_SAKKE_POINT_BYTES];
};

int cmd_demo(int argc, char **argv)
{
    (void)argv;
    if (argc != 0) {
        fprintf(stderr, "usage: mcxsec demo\n");
        return CLI_USAGE;
    }
    int rc = CLI_FAILURE;
    mcx_err e = MCX_OK;
    const char *what = "";
    uint8_t ksak[MCX_ECCSI_SCALAR_BYTES], kpak[MCX_ECCSI_POINT_BYTES];
    uint8_t z[MCX_SAKKE_SCALAR_BYTES], Z[MCX_SAKKE_POINT_BYTES];
    uint8_t gmk[MCX_SAKKE_SSV_BYTES], got[MCX_SAKKE_SSV_BYTES], sed[MCX_SAKKE_SED_BYTES];
    uint8_t sig[MCX_ECCSI_SIG_BYTES];
    struct user users[2] = {{.uri = "sip:alice@demo.mcxsec.example"}, {.uri = "sip:bob@demo.mcxsec.example"}};
    mcx_eccsi_signer *signer = NULL;
    mcx_sakke_pub *pub = NULL;
    mcx_sakke_rsk *bob_rsk = NULL;
    const char msg[] = "MCPTT floor granted to sip:alice@demo.mcxsec.example";
    double t;

    printf("mcxsec %s — identity-based crypto core tour\n\n", mcx_version());

    printf("1. The KMS of security domain %s creates its master keys.\n", KMS_URI);
    t = now();
    what = "ECCSI keygen";
    if ((e = mcx_eccsi_kms_keygen(ksak, kpak)) != MCX_OK)
        goto out;
    what = "SAKKE keygen";
    if ((e = mcx_sakke_kms_keygen(z, Z)) != MCX_OK)
        goto out;
    printf("   ECCSI KSAK (secret) and KPAK (public, signature root); SAKKE z (secret) and Z (public,\n"
           "   encryption key) — %.1f ms.\n",
           (now() - t) * 1e3);
    show_hex("KPAK", kpak, sizeof kpak, 16);
    show_hex("Z", Z, sizeof Z, 16);

    uint64_t ntp = (uint64_t)time(NULL) + MCX_NTP_UNIX_OFFSET, period_no = 0;
    what = "key period";
    if ((e = mcx_key_period_no(ntp, PERIOD, OFFSET, &period_no)) != MCX_OK)
        goto out;
    printf("\n2. Keys are bound to an identity AND a key period: the MIKEY-SAKKE UID (TS 33.180 F.2.1)\n"
           "   hashes the URI, the KMS URI, the period length (%u s), offset and number (now %llu).\n",
           PERIOD, (unsigned long long)period_no);
    for (int i = 0; i < 2; i++) {
        what = "UID";
        if ((e = mcx_uid(users[i].uri, KMS_URI, PERIOD, OFFSET, period_no, users[i].uid)) != MCX_OK)
            goto out;
        t = now();
        what = "ECCSI issue";
        if ((e = mcx_eccsi_kms_issue(ksak, users[i].uid, MCX_UID_BYTES, users[i].ssk, users[i].pvt)) != MCX_OK)
            goto out;
        what = "SAKKE issue";
        if ((e = mcx_sakke_kms_issue(z, users[i].uid, MCX_UID_BYTES, users[i].rsk)) != MCX_OK)
            goto out;
        printf("   %s\n", users[i].uri);
        show_hex("UID", users[i].uid, MCX_UID_BYTES, 32);
        printf("      issued SSK/PVT (ECCSI) and RSK (SAKKE) in %.2f ms\n", (now() - t) * 1e3);
    }

    printf("\n3. Each handset validates what it received before trusting it.\n");
    t = now();
    what = "ECCSI validation of Alice's SSK/PVT";
    if ((e = mcx_eccsi_signer_new(&signer, kpak, users[0].uid, MCX_UID_BYTES, users[0].ssk, users[0].pvt)) != MCX_OK)
        goto out;
    printf("   Alice: SSK/PVT valid against KPAK (RFC 6507 §5.1.2) — %.2f ms\n", (now() - t) * 1e3);
    what = "SAKKE KMS public key";
    if ((e = mcx_sakke_pub_new(&pub, Z)) != MCX_OK)
        goto out;
    t = now();
    what = "SAKKE validation of Bob's RSK";
    if ((e = mcx_sakke_rsk_new(&bob_rsk, pub, users[1].uid, MCX_UID_BYTES, users[1].rsk)) != MCX_OK)
        goto out;
    printf("   Bob: RSK valid, <[b]P + Z, K_b> = g (RFC 6508 §6.1.2), Miller lines precomputed — %.2f ms\n",
           (now() - t) * 1e3);

    printf("\n4. Alice signs with her identity; anyone holding the KMS certificate verifies.\n");
    t = now();
    what = "ECCSI sign";
    if ((e = mcx_eccsi_sign(signer, (const uint8_t *)msg, strlen(msg), sig)) != MCX_OK)
        goto out;
    printf("   signed \"%s\" — %.3f ms\n", msg, (now() - t) * 1e3);
    show_hex("sig", sig, sizeof sig, 16);
    t = now();
    what = "ECCSI verify";
    if ((e = mcx_eccsi_verify(kpak, users[0].uid, MCX_UID_BYTES, (const uint8_t *)msg, strlen(msg), sig)) != MCX_OK)
        goto out;
    printf("   verified as Alice's for this key period — %.3f ms\n", (now() - t) * 1e3);
    sig[40] ^= 1;
    e = mcx_eccsi_verify(kpak, users[0].uid, MCX_UID_BYTES, (const uint8_t *)msg, strlen(msg), sig);
    printf("   the same signature with one bit flipped: %s\n", e == MCX_ERR_VERIFY ? "rejected" : "ACCEPTED?!");
    if (e != MCX_ERR_VERIFY) {
        what = "ECCSI negative check";
        e = MCX_ERR_INTERNAL;
        goto out;
    }

    printf("\n5. Alice sends Bob a fresh 128-bit key knowing only his URI and the KMS certificate.\n");
    what = "random";
    if ((e = mcx_random(gmk, sizeof gmk)) != MCX_OK)
        goto out;
    t = now();
    what = "SAKKE encapsulate";
    if ((e = mcx_sakke_encapsulate(pub, users[1].uid, MCX_UID_BYTES, gmk, sed)) != MCX_OK)
        goto out;
    printf("   encapsulated to Bob's UID: 273 octets — %.3f ms\n", (now() - t) * 1e3);
    show_hex("SED", sed, sizeof sed, 16);
    t = now();
    what = "SAKKE decapsulate";
    if ((e = mcx_sakke_decapsulate(bob_rsk, sed, got)) != MCX_OK)
        goto out;
    printf("   Bob decapsulates (with the re-computation check of R) — %.3f ms: %s\n", (now() - t) * 1e3,
           mcx_ct_eq(got, gmk, sizeof gmk) ? "same key" : "DIFFERENT KEY?!");
    sed[100] ^= 1;
    e = mcx_sakke_decapsulate(bob_rsk, sed, got);
    printf("   a tampered encapsulation: %s (%s)\n", e != MCX_OK ? "rejected" : "ACCEPTED?!", mcx_errname(e));
    if (e == MCX_OK) {
        what = "SAKKE negative check";
        e = MCX_ERR_INTERNAL;
        goto out;
    }
    e = MCX_OK;
    printf("\nFull throughput figures: build/dev/bin/mcxsec-bench (docs/PERFORMANCE.md).\n");
    rc = CLI_OK;
out:
    if (e != MCX_OK)
        rc = cli_fail("demo", what, e);
    mcx_eccsi_signer_free(signer);
    mcx_sakke_rsk_free(bob_rsk);
    mcx_sakke_pub_free(pub);
    mcx_wipe(ksak, sizeof ksak);
    mcx_wipe(z, sizeof z);
    mcx_wipe(users, sizeof users);
    mcx_wipe(gmk, sizeof gmk);
    mcx_wipe(got, sizeof got);
    return rc;
}
