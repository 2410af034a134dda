/* MIKEY message input for the CLI: raw / hex / base64 / SDP key-mgmt auto-detection (RFC 4567);
 * in the text forms '#' comment lines are skipped, and hex may carry white space, ':' or ','
 * separators and 0x prefixes. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "mikey_cli.h"

const char *mikey_form_name(enum mikey_form f)
{
    switch (f) {
    case FORM_RAW:
        return "raw";
    case FORM_HEX:
        return "hex";
    case FORM_BASE64:
        return "base64";
    default:
        return "sdp";
    }
}

char *mikey_b64(const uint8_t *p, size_t n)
{
    char *s = malloc(4 * ((n + 2) / 3) + 1);
    if (s != NULL)
        EVP_EncodeBlock((unsigned char *)s, p, (int)n);
    return s;
}

/* Decode base64 text (whitespace ignored). Returns the length or -1. */
static long b64_decode(const char *s, size_t n, uint8_t *out)
{
    char *clean = malloc(n + 1);
    if (clean == NULL)
        return -1;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isspace(c))
            continue;
        if (!(isalnum(c) || c == '+' || c == '/' || c == '=')) {
            free(clean);
            return -1;
        }
        clean[m++] = (char)c;
    }
    long r = -1;
    if (m > 0 && m % 4 == 0) {
        int l = EVP_DecodeBlock(out, (const unsigned char *)clean, (int)m);
        if (l >= 0)
            r = l - (clean[m - 1] == '=') - (clean[m - 2] == '=');
    }
    free(clean);
    return r;
}

/* Copy the text without its comment lines (first non-blank character '#', as in the repository's
 * tests/vectors/ .hex files). Returns a malloc'd NUL-terminated string. */
static char *strip_comments(const uint8_t *p, size_t n, size_t *out_len)
{
    char *t = malloc(n + 1);
    if (t == NULL)
        return NULL;
    size_t m = 0, i = 0;
    while (i < n) {
        size_t e = i;
        while (e < n && p[e] != '\n')
            e++;
        size_t k = i;
        while (k < e && (p[k] == ' ' || p[k] == '\t'))
            k++;
        if (k == e || p[k] != '#') {
            memcpy(t + m, p + i, e - i);
            m += e - i;
            if (e < n)
                t[m++] = '\n';
        }
        i = e + 1;
    }
    t[m] = '\0';
    *out_len = m;
    return t;
}

/* Hex text: digits separated (or not) by white space, ':' or ',', each group optionally with a
 * 0x/0X prefix. Writes the digits to out (when not NULL) and returns their number, or 0 when the
 * text is not hex (or has an odd number of digits). */
static size_t hex_digits(const char *t, size_t n, char *out)
{
    size_t d = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        int token_start =
            i == 0 || isspace((unsigned char)t[i - 1]) || t[i - 1] == ':' || t[i - 1] == ',';
        if (c == '0' && token_start && i + 1 < n && (t[i + 1] == 'x' || t[i + 1] == 'X')) {
            i++; /* a 0x prefix */
            continue;
        }
        if (isxdigit(c)) {
            if (out != NULL)
                out[d] = (char)c;
            d++;
        } else if (!isspace(c) && c != ':' && c != ',') {
            return 0;
        }
    }
    return d % 2 == 0 ? d : 0;
}

int mikey_read_msg(const char *cmd, const char *path, uint8_t **out, size_t *len,
                   enum mikey_form *form)
{
    uint8_t *buf = NULL;
    size_t n = 0, digits = 0;
    int rc = cli_read_file(cmd, path, 4 * MCX_MIKEY_MAX_MSG, &buf, &n);
    if (rc != CLI_OK)
        return rc;
    *out = NULL;
    /* raw: a MIKEY message starts with version 1 — text forms never start with 0x01 */
    if (n > 0 && buf[0] == 0x01) {
        *out = buf;
        *len = n;
        *form = FORM_RAW;
        return CLI_OK;
    }
    size_t tn = 0;
    char *text = strip_comments(buf, n, &tn);
    free(buf);
    uint8_t *dec = text != NULL ? malloc(tn + 1) : NULL;
    if (dec == NULL) {
        free(text);
        return CLI_FAILURE;
    }
    const char *sdp = strstr(text, "key-mgmt:mikey");
    const char *start = NULL;
    if (sdp != NULL) {
        start = sdp + strlen("key-mgmt:mikey");
        *form = FORM_SDP;
    } else {
        const char *p = text;
        while (*p && isspace((unsigned char)*p))
            p++;
        if (strncmp(p, "mikey ", 6) == 0) {
            start = p + 6;
            *form = FORM_SDP;
        }
    }
    long dl = -1;
    if (start != NULL) {
        while (*start == ' ' || *start == '\t')
            start++;
        size_t tl = strcspn(start, "\r\n");
        dl = b64_decode(start, tl, dec);
    } else if ((digits = hex_digits(text, tn, NULL)) > 0) {
        char *h = malloc(digits + 1);
        if (h != NULL) {
            (void)hex_digits(text, tn, h); /* same text: the same count */
            for (size_t i = 0; i < digits / 2; i++) {
                unsigned v;
                if (sscanf(h + 2 * i, "%2x", &v) != 1)
                    break;
                dec[i] = (uint8_t)v;
            }
            dl = (long)(digits / 2);
            free(h);
        }
        *form = FORM_HEX;
    } else {
        dl = b64_decode(text, tn, dec);
        *form = FORM_BASE64;
    }
    free(text);
    if (dl <= 0) {
        free(dec);
        cli_error("mcxsec %s: %s: not a MIKEY message (raw, hex, base64 or SDP key-mgmt)\n", cmd,
                  path);
        return CLI_USAGE;
    }
    *out = dec;
    *len = (size_t)dl;
    return CLI_OK;
}
