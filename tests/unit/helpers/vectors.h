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

/* ---- one-bit-flipped siblings of a positive vector ---------------------------------------------
 */

#define MCXT_MAX_INPUTS 20

/* The inputs of one positive vector, each as octets (integers as 8-octet big-endian, strings
 * without their NUL), so that any one bit of any input can be flipped. */
struct mcxt_inputs {
    size_t n;
    const char *name[MCXT_MAX_INPUTS];
    uint8_t *p[MCXT_MAX_INPUTS];
    size_t len[MCXT_MAX_INPUTS];
};

void mcxt_in_bytes(struct mcxt_inputs *in, const char *name, const uint8_t *p, size_t len);
void mcxt_in_u64(struct mcxt_inputs *in, const char *name, uint64_t v);
void mcxt_in_str(struct mcxt_inputs *in, const char *name, const char *s);
/* Input i as an integer (big-endian, up to 8 octets) / as a malloc'd NUL-terminated string. */
uint64_t mcxt_in_get_u64(const struct mcxt_inputs *in, size_t i);
char *mcxt_in_get_str(const struct mcxt_inputs *in, size_t i);
void mcxt_in_free(struct mcxt_inputs *in);

/* Compute the vector's output from in into out[out_len]; 0 on success, nonzero on an error
 * (which, for a sibling, counts as "did not produce the expected output"). */
typedef int (*mcxt_compute)(const struct mcxt_inputs *in, uint8_t *out, size_t out_len, void *arg);

/*
 * Check a positive vector and its one-bit-flipped siblings (STYLE.md §6): fn(in) must succeed and
 * give exactly want; with one bit of any one input flipped (each input in turn, a different bit
 * position per input and record), fn must fail or give something other than want; and the
 * correct output must not match want with one bit flipped in any one octet (each octet in turn),
 * so the comparison covers the whole output. Fails the current test with `what` and the record's
 * line otherwise. Returns the number of siblings checked.
 */
size_t mcxt_check_positive(const char *what, const struct mcxt_record *r, struct mcxt_inputs *in,
                           mcxt_compute fn, void *arg, const uint8_t *want, size_t want_len);

#endif
