/*
 * Test helper (header-only, static): reads the "[section] / name = value" vector files under
 * tests/vectors/ (e.g. streamwide_v5.txt) and decodes hex / base64 values.
 */
#ifndef MCX_TEST_MIKEY_VECTORS_H
#define MCX_TEST_MIKEY_VECTORS_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

/* Value of `name` in `[section]` of vectors file `file` (malloc'd, NUL-terminated) or NULL. */
static inline char *vec_get(const char *file, const char *section, const char *name)
{
    char path[512], line[8192], cur[128] = "";
    snprintf(path, sizeof path, "%s/%s", MCX_VECTOR_DIR, file);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return NULL;
    char *res = NULL;
    size_t nl = strlen(name);
    while (res == NULL && fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (line[0] == '[') {
            snprintf(cur, sizeof cur, "%.*s", (int)strcspn(line + 1, "]"), line + 1);
            continue;
        }
        if (strcmp(cur, section) == 0 && strncmp(line, name, nl) == 0 &&
            strncmp(line + nl, " = ", 3) == 0) {
            res = malloc(strlen(line + nl + 3) + 1);
            if (res != NULL)
                memcpy(res, line + nl + 3, strlen(line + nl + 3) + 1);
        }
    }
    fclose(f);
    return res;
}

/* Hex string -> bytes (exactly strlen/2), returns length or (size_t)-1. */
static inline size_t vec_hex(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = strlen(hex);
    if (n % 2 || n / 2 > cap)
        return (size_t)-1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return (size_t)-1;
        out[i] = (uint8_t)v;
    }
    return n / 2;
}

/* Base64 -> bytes, returns length or (size_t)-1. */
static inline size_t vec_b64(const char *b64, uint8_t *out, size_t cap)
{
    size_t n = strlen(b64);
    if (n % 4 || n / 4 * 3 > cap)
        return (size_t)-1;
    int l = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)n);
    if (l < 0)
        return (size_t)-1;
    size_t pad = (n && b64[n - 1] == '=') + (n > 1 && b64[n - 2] == '=');
    return (size_t)l - pad;
}

static inline size_t vec_get_hex(const char *file, const char *section, const char *name, uint8_t *out,
                          size_t cap)
{
    char *v = vec_get(file, section, name);
    size_t r = v ? vec_hex(v, out, cap) : (size_t)-1;
    free(v);
    return r;
}

static inline uint32_t vec_get_u32hex(const char *file, const char *section, const char *name)
{
    uint8_t b[4];
    if (vec_get_hex(file, section, name, b, 4) != 4)
        return 0;
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

static inline size_t vec_get_b64(const char *file, const char *section, const char *name, uint8_t *out,
                          size_t cap)
{
    char *v = vec_get(file, section, name);
    size_t r = v ? vec_b64(v, out, cap) : (size_t)-1;
    free(v);
    return r;
}
#endif
