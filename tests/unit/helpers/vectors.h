/*
 * Test helper: a reader for the `key = value` vector files of tests/vectors/ (shared by every unit
 * test). Format: '#' starts a comment line; records are groups of `key = value` lines separated by
 * blank lines; a value is the rest of the line with surrounding blanks removed. Hex values may
 * contain spaces. Keys are unique within a record.
 */
#ifndef MCX_TEST_VECTORS_H
#define MCX_TEST_VECTORS_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MCXT_MAX_FIELDS 48

struct mcxt_record {
    size_t n;
    unsigned line; /* line number of the record's first field */
    char *keys[MCXT_MAX_FIELDS];
    char *vals[MCXT_MAX_FIELDS];
};

struct mcxt_vecfile {
    FILE *f;
    char path[512];
    unsigned line;
};

/* Open MCX_VECTOR_DIR/name; fails the current cmocka test if it cannot. */
void mcxt_vec_open(struct mcxt_vecfile *v, const char *name);
void mcxt_vec_close(struct mcxt_vecfile *v);
/* Read the next record: 1 if one was read, 0 at end of file. Frees the previous contents of r. */
int mcxt_vec_next(struct mcxt_vecfile *v, struct mcxt_record *r);
void mcxt_record_free(struct mcxt_record *r);
/* The value of key, or NULL. */
const char *mcxt_get(const struct mcxt_record *r, const char *key);
/* The value of key; fails the test if absent. */
const char *mcxt_need(const struct mcxt_record *r, const char *key);
/* Decode hex (blanks ignored) into a malloc'd buffer (caller frees); fails the test on bad hex. */
uint8_t *mcxt_hex(const char *hex, size_t *len);
/* Decode the hex value of key into exactly want octets; fails the test otherwise. */
void mcxt_hex_exact(const struct mcxt_record *r, const char *key, uint8_t *out, size_t want);
/* Unsigned decimal value of key; fails the test otherwise. */
uint64_t mcxt_u64(const struct mcxt_record *r, const char *key);

#endif
