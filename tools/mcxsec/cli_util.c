/* Shared plumbing of the mcxsec command-line tool (see cli.h; the test-lab command line of issue 2
 * item 5: hex in, name=HEX or --json out, exit codes 0/1/2/3). */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mcxsec/util.h"

/* One process runs one sub-command: what cli_finish needs to know about it. */
static struct {
    int json;         /* --json was given */
    int printed;      /* a result object or lines were printed on stdout */
    const char *err;  /* mcx_err name of the last library failure, or NULL */
    char reason[256]; /* the last one-line reason, without "\n" */
} g_cli;

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    va_start(ap, fmt);
    vsnprintf(g_cli.reason, sizeof g_cli.reason, fmt, ap);
    va_end(ap);
    g_cli.reason[strcspn(g_cli.reason, "\n")] = '\0';
}

int cli_finish(int rc)
{
    if (rc == CLI_OK || !g_cli.json || g_cli.printed)
        return rc;
    struct cli_out o;
    cli_out_init(&o, 1);
    if (rc == CLI_VERIFY_FAILED)
        cli_out_bool(&o, "valid", 0);
    cli_out_str(&o, "error", g_cli.err != NULL ? g_cli.err : "usage");
    cli_out_str(&o, "reason", g_cli.reason[0] ? g_cli.reason : "bad usage or input");
    cli_out_flush(&o);
    return rc;
}

/* ---- options ---------------------------------------------------------------------------------------- */

static const struct cli_optspec *find_spec(const struct cli_optspec *spec, const char *name)
{
    for (; spec != NULL && spec->name != NULL; spec++)
        if (strcmp(spec->name, name) == 0)
            return spec;
    return NULL;
}

int cli_parse(struct cli_args *a, const char *cmd, const struct cli_optspec *spec, int argc,
              char **argv)
{
    memset(a, 0, sizeof *a);
    a->spec = spec;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--") == 0) {
            for (i++; i < argc; i++) {
                if (a->npos == CLI_MAX_POS) {
                    cli_error("mcxsec %s: too many arguments\n", cmd);
                    return CLI_USAGE;
                }
                a->pos[a->npos++] = argv[i];
            }
            break;
        }
        if (strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
            if (a->npos == CLI_MAX_POS) {
                cli_error("mcxsec %s: too many arguments\n", cmd);
                return CLI_USAGE;
            }
            a->pos[a->npos++] = arg;
            continue;
        }
        const char *name = arg + 2;
        if (strcmp(name, "json") == 0) {
            a->json = 1;
            g_cli.json = 1;
            continue;
        }
        const struct cli_optspec *s = find_spec(spec, name);
        if (s == NULL) {
            cli_error("mcxsec %s: unknown option --%s\n", cmd, name);
            return CLI_USAGE;
        }
        if (!s->repeatable && cli_get(a, name) != NULL) {
            cli_error("mcxsec %s: --%s given twice\n", cmd, name);
            return CLI_USAGE;
        }
        if (a->n == CLI_MAX_OPTS) {
            cli_error("mcxsec %s: too many options\n", cmd);
            return CLI_USAGE;
        }
        const char *value = "";
        if (s->takes_value) {
            if (i + 1 >= argc) {
                cli_error("mcxsec %s: --%s needs a value\n", cmd, name);
                return CLI_USAGE;
            }
            value = argv[++i];
        }
        a->names[a->n] = s->name;
        a->values[a->n] = value;
        a->n++;
    }
    g_cli.json |= a->json;
    return CLI_OK;
}

const char *cli_get(const struct cli_args *a, const char *name)
{
    return cli_get_nth(a, name, 0);
}

const char *cli_get_nth(const struct cli_args *a, const char *name, size_t nth)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->names[i], name) == 0 && nth-- == 0)
            return a->values[i];
    return NULL;
}

int cli_flag(const struct cli_args *a, const char *name)
{
    return cli_get(a, name) != NULL;
}

const char *cli_require(const struct cli_args *a, const char *cmd, const char *name)
{
    const char *v = cli_get(a, name);
    if (v == NULL)
        cli_error("mcxsec %s: --%s is required\n", cmd, name);
    return v;
}

/* ---- input ----------------------------------------------------------------------------------------- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int cli_hex_alloc(const char *cmd, const char *what, const char *hex, uint8_t **out, size_t *out_len)
{
    size_t digits = 0;
    *out = NULL;
    *out_len = 0;
    for (const char *p = hex; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ':')
            continue;
        if (hexval((unsigned char)*p) < 0) {
            cli_error("mcxsec %s: %s: not hexadecimal (at '%c')\n", cmd, what, *p);
            return CLI_USAGE;
        }
        digits++;
    }
    if (digits % 2 != 0) {
        cli_error("mcxsec %s: %s: odd number of hex digits\n", cmd, what);
        return CLI_USAGE;
    }
    uint8_t *buf = malloc(digits / 2 + 1);
    if (buf == NULL) {
        cli_error("mcxsec %s: out of memory\n", cmd);
        return CLI_FAILURE;
    }
    size_t n = 0;
    int hi = -1;
    for (const char *p = hex; *p; p++) {
        int v = hexval((unsigned char)*p);
        if (v < 0)
            continue;
        if (hi < 0) {
            hi = v;
        } else {
            buf[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    *out = buf;
    *out_len = n;
    return CLI_OK;
}

int cli_hex_exact(const char *cmd, const char *what, const char *hex, uint8_t *out, size_t want)
{
    uint8_t *buf;
    size_t n;
    int rc = cli_hex_alloc(cmd, what, hex, &buf, &n);
    if (rc != CLI_OK)
        return rc;
    if (n != want) {
        cli_error("mcxsec %s: %s: expected %zu octets, got %zu\n", cmd, what, want, n);
        mcx_wipe(buf, n);
        free(buf);
        return CLI_USAGE;
    }
    memcpy(out, buf, n);
    mcx_wipe(buf, n);
    free(buf);
    return CLI_OK;
}

int cli_u64(const char *cmd, const char *what, const char *s, uint64_t *out)
{
    if (s == NULL || *s < '0' || *s > '9') {
        cli_error("mcxsec %s: %s: expected an unsigned decimal integer\n", cmd, what);
        return CLI_USAGE;
    }
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == NULL || *end != '\0') {
        cli_error("mcxsec %s: %s: expected an unsigned decimal integer\n", cmd, what);
        return CLI_USAGE;
    }
    *out = (uint64_t)v;
    return CLI_OK;
}

int cli_read_file(const char *cmd, const char *path, size_t max, uint8_t **out, size_t *out_len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    *out = NULL;
    *out_len = 0;
    if (f == NULL) {
        cli_error("mcxsec %s: %s: %s\n", cmd, path, strerror(errno));
        return CLI_USAGE;
    }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap + 1);
    int rc = CLI_OK;
    while (buf != NULL) {
        if (n == cap) {
            if (cap >= max) {
                cli_error("mcxsec %s: %s: larger than %zu octets\n", cmd, path, max);
                rc = CLI_USAGE;
                break;
            }
            cap = cap * 2 > max ? max : cap * 2;
            uint8_t *nb = realloc(buf, cap + 1);
            if (nb == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                cli_error("mcxsec %s: %s: read error\n", cmd, path);
                rc = CLI_USAGE;
            }
            break;
        }
    }
    if (f != stdin)
        fclose(f);
    if (buf == NULL) {
        cli_error("mcxsec %s: out of memory\n", cmd);
        return CLI_FAILURE;
    }
    if (rc != CLI_OK) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *out = buf;
    *out_len = n;
    return CLI_OK;
}

/* ---- output --------------------------------------------------------------------------------------- */

char *cli_hex_str(const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char *s = malloc(2 * n + 1);
    if (s == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = digits[p[i] >> 4];
        s[2 * i + 1] = digits[p[i] & 15];
    }
    s[2 * n] = '\0';
    return s;
}

void cli_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

void cli_out_init(struct cli_out *o, int json)
{
    memset(o, 0, sizeof *o);
    o->json = json;
}

static void out_add(struct cli_out *o, const char *name, char *value, int quoted)
{
    if (o->n == CLI_MAX_FIELDS || value == NULL) {
        free(value);
        return;
    }
    o->names[o->n] = strdup(name);
    o->values[o->n] = value;
    o->quoted[o->n] = quoted;
    o->n++;
}

void cli_out_hex(struct cli_out *o, const char *name, const uint8_t *p, size_t n)
{
    out_add(o, name, cli_hex_str(p, n), 1);
}

void cli_out_str(struct cli_out *o, const char *name, const char *s)
{
    out_add(o, name, strdup(s), 1);
}

void cli_out_u64(struct cli_out *o, const char *name, uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
    out_add(o, name, strdup(buf), 0);
}

void cli_out_bool(struct cli_out *o, const char *name, int v)
{
    out_add(o, name, strdup(v ? "true" : "false"), 0);
}

void cli_out_flush(struct cli_out *o)
{
    g_cli.printed = 1;
    if (o->json) {
        fputc('{', stdout);
        for (size_t i = 0; i < o->n; i++) {
            if (i > 0)
                fputs(", ", stdout);
            cli_json_string(stdout, o->names[i] ? o->names[i] : "");
            fputs(": ", stdout);
            if (o->quoted[i])
                cli_json_string(stdout, o->values[i]);
            else
                fputs(o->values[i], stdout);
        }
        fputs("}\n", stdout);
    } else {
        for (size_t i = 0; i < o->n; i++)
            printf("%s=%s\n", o->names[i] ? o->names[i] : "", o->values[i]);
    }
    fflush(stdout);
    for (size_t i = 0; i < o->n; i++) {
        mcx_wipe(o->values[i], strlen(o->values[i]));
        free(o->values[i]);
        free(o->names[i]);
    }
    o->n = 0;
}

int cli_fail(const char *cmd, const char *what, mcx_err e)
{
    cli_error("mcxsec %s: %s: %s (%s)\n", cmd, what, mcx_strerror(e), mcx_errname(e));
    g_cli.err = mcx_errname(e);
    switch (e) {
    case MCX_ERR_VERIFY:
    case MCX_ERR_KEY_INVALID:
    case MCX_ERR_SAKKE_CHECK:
    case MCX_ERR_MIKEY_SIGNER:
    case MCX_ERR_SELFTEST:
        return CLI_VERIFY_FAILED;
    case MCX_ERR_NOMEM:
    case MCX_ERR_INTERNAL:
    case MCX_ERR_RNG:
    case MCX_ERR_IO:
    case MCX_ERR_DB:
        return CLI_FAILURE;
    default:
        return CLI_USAGE;
    }
}
