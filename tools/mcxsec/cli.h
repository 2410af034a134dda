/*
 * Shared plumbing of the mcxsec command-line tool: option parsing, hex input, and the two output
 * forms (`name=value` lines, or one JSON object with --json).
 *
 * Exit codes (every sub-command; documented in `mcxsec --help` and docs/cli.md): 0 success, 1 a
 * verification failed, 2 bad usage or malformed input (with a one-line reason on stderr), 3 an
 * internal failure (out of memory, the random generator, a backend, I/O).
 */
#ifndef MCX_CLI_H
#define MCX_CLI_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mcxsec/err.h"

enum { CLI_OK = 0, CLI_VERIFY_FAILED = 1, CLI_USAGE = 2, CLI_FAILURE = 3 };

/* ---- options ------------------------------------------------------------------------------------- */

#define CLI_MAX_OPTS 48
#define CLI_MAX_POS 8

struct cli_optspec {
    const char *name;  /* without the leading "--" */
    int takes_value;   /* 1: --name VALUE; 0: a flag */
    int repeatable;    /* 1: may be given several times */
};

struct cli_args {
    const struct cli_optspec *spec;
    size_t n;
    const char *names[CLI_MAX_OPTS];
    const char *values[CLI_MAX_OPTS];
    const char *pos[CLI_MAX_POS];
    size_t npos;
    int json;
};

/* Parse argv[0..argc) against spec (NULL-name terminated); --json is always accepted.
 * On error prints "mcxsec <cmd>: reason" to stderr and returns CLI_USAGE. */
int cli_parse(struct cli_args *a, const char *cmd, const struct cli_optspec *spec, int argc,
              char **argv);
/* Value of the first --name, or NULL. */
const char *cli_get(const struct cli_args *a, const char *name);
/* 1 if flag --name was given. */
int cli_flag(const struct cli_args *a, const char *name);
/* The i-th value of a repeatable option, or NULL past the last. */
const char *cli_get_nth(const struct cli_args *a, const char *name, size_t i);
/* Require --name; prints the reason and returns NULL when missing. */
const char *cli_require(const struct cli_args *a, const char *cmd, const char *name);

/* ---- input ----------------------------------------------------------------------------------------- */

/* Decode hex (whitespace and ':' ignored, either case) into a malloc'd buffer. Returns CLI_OK or
 * CLI_USAGE with the reason printed ("mcxsec <cmd>: --what: ..."). */
int cli_hex_alloc(const char *cmd, const char *what, const char *hex, uint8_t **out, size_t *out_len);
/* Decode hex into a fixed-size buffer of exactly want octets. */
int cli_hex_exact(const char *cmd, const char *what, const char *hex, uint8_t *out, size_t want);
/* Parse an unsigned decimal integer (no sign, no junk, no overflow). */
int cli_u64(const char *cmd, const char *what, const char *s, uint64_t *out);
/* Read a whole file ("-" = stdin) into a malloc'd, NUL-terminated buffer, at most max octets. */
int cli_read_file(const char *cmd, const char *path, size_t max, uint8_t **out, size_t *out_len);

/* ---- output --------------------------------------------------------------------------------------- */

#define CLI_MAX_FIELDS 64

struct cli_out {
    int json;
    size_t n;
    char *names[CLI_MAX_FIELDS];
    char *values[CLI_MAX_FIELDS]; /* already JSON-ready for json (quoted where a string) */
    int quoted[CLI_MAX_FIELDS];
};

void cli_out_init(struct cli_out *o, int json);
void cli_out_hex(struct cli_out *o, const char *name, const uint8_t *p, size_t n);
void cli_out_str(struct cli_out *o, const char *name, const char *s);
void cli_out_u64(struct cli_out *o, const char *name, uint64_t v);
void cli_out_bool(struct cli_out *o, const char *name, int v);
/* Print to stdout (name=value lines, or a JSON object) and free; wipes the values. */
void cli_out_flush(struct cli_out *o);

/* Hex-encode n octets into a malloc'd lowercase string. */
char *cli_hex_str(const uint8_t *p, size_t n);
/* Print a JSON string literal (with quotes) of s to f. */
void cli_json_string(FILE *f, const char *s);

/* Print a one-line reason ("mcxsec <cmd>: ...\n", fmt includes both) on stderr and keep it for the
 * --json error object of cli_finish. Every usage or input error of the commands goes through it. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* End a sub-command with exit code rc. In --json mode, a failure that printed no JSON object yet
 * prints one on stdout: {"valid": false (exit 1 only), "error": <mcx_err name of the failure, or
 * "usage">, "reason": <the one-line reason>}, so a failure is never an empty stdout. Returns rc. */
int cli_finish(int rc);

/* Report a library error for a sub-command: prints "mcxsec <cmd>: <what>: <strerror> (<name>)" and
 * returns the exit code: CLI_VERIFY_FAILED for verification-type failures, CLI_USAGE for malformed
 * input, CLI_FAILURE otherwise. */
int cli_fail(const char *cmd, const char *what, mcx_err e);

/* ---- sub-commands (one file each: cmd_<name>.c) -------------------------------------------------- */
int cmd_uid(int argc, char **argv);
int cmd_eccsi(int argc, char **argv);
int cmd_sakke(int argc, char **argv);
int cmd_kdf(int argc, char **argv);
int cmd_mikey(int argc, char **argv);
int cmd_kms(int argc, char **argv);
int cmd_client(int argc, char **argv);
int cmd_idms(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_selftest(int argc, char **argv);

#endif
