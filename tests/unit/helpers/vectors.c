/* Test helper: reader for tests/vectors/ `key = value` files (see vectors.h). */
#include "helpers/vectors.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#ifndef MCX_VECTOR_DIR
#error "MCX_VECTOR_DIR must be defined by the build"
#endif

void mcxt_vec_open(struct mcxt_vecfile *v, const char *name)
{
    memset(v, 0, sizeof *v);
    snprintf(v->path, sizeof v->path, "%s/%s", MCX_VECTOR_DIR, name);
    v->f = fopen(v->path, "r");
    if (v->f == NULL)
        fail_msg("cannot open vector file %s", v->path);
}

void mcxt_vec_close(struct mcxt_vecfile *v)
{
    if (v->f != NULL)
        fclose(v->f);
    v->f = NULL;
}

void mcxt_record_free(struct mcxt_record *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->keys[i]);
        free(r->vals[i]);
    }
    memset(r, 0, sizeof *r);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

int mcxt_vec_next(struct mcxt_vecfile *v, struct mcxt_record *r)
{
    char line[16384];
    mcxt_record_free(r);
    while (fgets(line, sizeof line, v->f) != NULL) {
        v->line++;
        if (strchr(line, '\n') == NULL && !feof(v->f))
            fail_msg("%s:%u: line too long", v->path, v->line);
        char *t = trim(line);
        if (*t == '#')
            continue;
        if (*t == '\0') {
            if (r->n > 0)
                return 1;
            continue;
        }
        char *eq = strchr(t, '=');
        if (eq == NULL)
            fail_msg("%s:%u: expected key = value", v->path, v->line);
        *eq = '\0';
        if (r->n == MCXT_MAX_FIELDS)
            fail_msg("%s:%u: too many fields", v->path, v->line);
        if (r->n == 0)
            r->line = v->line;
        r->keys[r->n] = strdup(trim(t));
        r->vals[r->n] = strdup(trim(eq + 1));
        r->n++;
    }
    return r->n > 0;
}

const char *mcxt_get(const struct mcxt_record *r, const char *key)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->keys[i], key) == 0)
            return r->vals[i];
    return NULL;
}

const char *mcxt_need(const struct mcxt_record *r, const char *key)
{
    const char *v = mcxt_get(r, key);
    if (v == NULL)
        fail_msg("record at line %u: missing key '%s'", r->line, key);
    return v;
}

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

uint8_t *mcxt_hex(const char *hex, size_t *len)
{
    size_t cap = strlen(hex) / 2 + 1, n = 0;
    uint8_t *out = malloc(cap);
    int hi = -1;
    assert_non_null(out);
    for (const char *p = hex; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == ':')
            continue;
        int v = hexval((unsigned char)*p);
        if (v < 0)
            fail_msg("bad hex digit '%c' in '%s'", *p, hex);
        if (hi < 0) {
            hi = v;
        } else {
            out[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    if (hi >= 0)
        fail_msg("odd number of hex digits in '%s'", hex);
    *len = n;
    return out;
}

void mcxt_hex_exact(const struct mcxt_record *r, const char *key, uint8_t *out, size_t want)
{
    size_t n;
    uint8_t *b = mcxt_hex(mcxt_need(r, key), &n);
    if (n != want)
        fail_msg("record at line %u: '%s' has %zu octets, expected %zu", r->line, key, n, want);
    memcpy(out, b, n);
    free(b);
}

uint64_t mcxt_u64(const struct mcxt_record *r, const char *key)
{
    const char *s = mcxt_need(r, key);
    char *end = NULL;
    if (*s < '0' || *s > '9')
        fail_msg("record at line %u: '%s' is not a decimal integer", r->line, key);
    unsigned long long v = strtoull(s, &end, 10);
    if (end == NULL || *end != '\0')
        fail_msg("record at line %u: '%s' is not a decimal integer", r->line, key);
    return (uint64_t)v;
}

/* ---- one-bit-flipped siblings ------------------------------------------------------------------
 */

void mcxt_in_bytes(struct mcxt_inputs *in, const char *name, const uint8_t *p, size_t len)
{
    if (in->n == MCXT_MAX_INPUTS)
        fail_msg("too many inputs (%s)", name);
    in->name[in->n] = name;
    in->p[in->n] = malloc(len + 1);
    assert_non_null(in->p[in->n]);
    if (len > 0)
        memcpy(in->p[in->n], p, len);
    in->len[in->n] = len;
    in->n++;
}

void mcxt_in_u64(struct mcxt_inputs *in, const char *name, uint64_t v)
{
    uint8_t b[8];
    for (int i = 7; i >= 0; i--, v >>= 8)
        b[i] = (uint8_t)v;
    mcxt_in_bytes(in, name, b, sizeof b);
}

void mcxt_in_str(struct mcxt_inputs *in, const char *name, const char *s)
{
    mcxt_in_bytes(in, name, (const uint8_t *)s, strlen(s));
}

uint64_t mcxt_in_get_u64(const struct mcxt_inputs *in, size_t i)
{
    uint64_t v = 0;
    assert_true(i < in->n && in->len[i] <= 8);
    for (size_t k = 0; k < in->len[i]; k++)
        v = v << 8 | in->p[i][k];
    return v;
}

char *mcxt_in_get_str(const struct mcxt_inputs *in, size_t i)
{
    assert_true(i < in->n);
    char *s = malloc(in->len[i] + 1);
    assert_non_null(s);
    memcpy(s, in->p[i], in->len[i]);
    s[in->len[i]] = '\0';
    return s;
}

void mcxt_in_free(struct mcxt_inputs *in)
{
    for (size_t i = 0; i < in->n; i++)
        free(in->p[i]);
    memset(in, 0, sizeof *in);
}

size_t mcxt_check_positive(const char *what, const struct mcxt_record *r, struct mcxt_inputs *in,
                           mcxt_compute fn, void *arg, const uint8_t *want, size_t want_len)
{
    uint8_t *out = malloc(want_len + 1), *flipped = malloc(want_len + 1);
    size_t siblings = 0;
    assert_non_null(out);
    assert_non_null(flipped);
    if (fn(in, out, want_len, arg) != 0)
        fail_msg("%s line %u: the positive vector failed", what, r->line);
    if (memcmp(out, want, want_len) != 0)
        fail_msg("%s line %u: wrong output", what, r->line);
    /* one bit of one input: the position differs per input and per record */
    for (size_t i = 0; i < in->n; i++) {
        if (in->len[i] == 0)
            continue;
        size_t bit = ((size_t)r->line * 31u + i * 7u) % (8 * in->len[i]);
        in->p[i][bit / 8] ^= (uint8_t)(1u << (bit % 8));
        int rc = fn(in, out, want_len, arg);
        in->p[i][bit / 8] ^= (uint8_t)(1u << (bit % 8));
        if (rc == 0 && memcmp(out, want, want_len) == 0)
            fail_msg("%s line %u: %s with bit %zu flipped still gives the expected output", what,
                     r->line, in->name[i], bit);
        siblings++;
    }
    /* one bit of the expected output, in each octet: the correct output must not match it */
    if (fn(in, out, want_len, arg) != 0)
        fail_msg("%s line %u: the positive vector failed on recomputation", what, r->line);
    for (size_t k = 0; k < want_len; k++) {
        memcpy(flipped, want, want_len);
        flipped[k] ^= (uint8_t)(1u << ((r->line + k) % 8));
        if (memcmp(out, flipped, want_len) == 0)
            fail_msg("%s line %u: output matches the expected value with octet %zu flipped", what,
                     r->line, k);
        siblings++;
    }
    free(out);
    free(flipped);
    return siblings;
}
