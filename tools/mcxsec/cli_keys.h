/*
 * Key material for the mikey (and later client) commands, loaded in ONE place: `--cert CERT.xml`
 * (a KmsCertificate or a KmsResponse holding one), `--keyset KEYSET.xml` (repeatable: KmsKeySet
 * documents or KmsKeyProv responses; one set per key period) and `--kms-cert CERT.xml` (repeatable:
 * other permitted KMSs), or `--keystore FILE`: a sealed key store written by `mcxsec client provision`
 * (mcxsec/keystore.h) holding the home (Root) certificate, external certificates and key sets;
 * its secret is $MCXSEC_KEYSTORE_PASSPHRASE (or the variable named by --keystore-passphrase-env),
 * or --keystore-key-file FILE (64 hex digits, mode 0600). --cert / --keyset / --kms-cert add to it.
 * Also the ISO-8601 UTC time option parser shared by these commands.
 */
#ifndef MCX_CLI_KEYS_H
#define MCX_CLI_KEYS_H
#include <stdint.h>

#include "cli.h"
#include "mcxsec/kmsxml.h"
#include "mcxsec/mikey.h"

#define CLI_KEYS_MAX_SETS MCX_MIKEY_MAX_KEYSETS

struct cli_keys {
    int have_cert;
    struct mcx_kms_cert cert;
    size_t n_sets;
    struct mcx_kms_keyset sets[CLI_KEYS_MAX_SETS];
    size_t n_extra;
    struct mcx_kms_cert extra[MCX_MIKEY_MAX_KMS - 1];
};

/* The option specs every key-using command accepts (append to a command's own spec). */
#define CLI_KEYS_OPTS                                                                           \
    {"cert", 1, 0}, {"keyset", 1, 1}, {"kms-cert", 1, 1}, {"keystore", 1, 0},                     \
        {"keystore-key-file", 1, 0}, {"keystore-passphrase-env", 1, 0}

/* Load --keystore, --cert / --keyset / --kms-cert. need: 0 nothing required, 1 cert required, 2 cert and at
 * least one key set required. Prints the reason and returns a CLI exit code on failure. */
int cli_keys_load(const char *cmd, const struct cli_args *a, int need, struct cli_keys *k);
/* Build a MIKEY context (home KMS = --cert, key sets, extra KMSs). */
int cli_keys_ctx(const char *cmd, const struct cli_keys *k, mcx_mikey_ctx **ctx);
/* Wipe the loaded key sets. */
void cli_keys_wipe(struct cli_keys *k);

/* Parse an ISO-8601 / xsd:dateTime ("2025-10-03T12:00:00Z", offsets allowed) into Unix seconds. */
int cli_time(const char *cmd, const char *what, const char *s, int64_t *out);
/* The --at option, or the current time. */
int cli_time_or_now(const char *cmd, const struct cli_args *a, int64_t *out);
/* Format Unix seconds as ISO-8601 UTC into buf[32]. */
void cli_time_fmt(int64_t t, char buf[32]);
/* NTP 32.32 timestamp -> ISO-8601 UTC (fraction dropped). */
void cli_ntp_fmt(uint64_t ntp, char buf[32]);
/* Parse a 32-bit key ID given as 8 hex digits (optional 0x). */
int cli_key_id(const char *cmd, const char *what, const char *s, uint32_t *out);

#endif
