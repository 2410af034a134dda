/* Internal declarations shared by the `mcxsec mikey` files (cmd_mikey.c, mikey_*.c): MIKEY-SAKKE
 * I_MESSAGEs and GSK messages (RFC 3830, RFC 6509, TS 33.180 Annex E). */
#ifndef MCX_MIKEY_CLI_H
#define MCX_MIKEY_CLI_H
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "cli_keys.h"

/* Input forms of a MIKEY message, auto-detected by mikey_read_msg. */
enum mikey_form { FORM_RAW, FORM_HEX, FORM_BASE64, FORM_SDP };

/* Read a message from a file ("-" = stdin): raw, hex, base64, or an SDP `a=key-mgmt:mikey <b64>`
 * line (or `mikey <b64>`). *out is malloc'd. */
int mikey_read_msg(const char *cmd, const char *path, uint8_t **out, size_t *len,
                   enum mikey_form *form);
/* Name of a form. */
const char *mikey_form_name(enum mikey_form f);
/* Base64 (malloc'd string). */
char *mikey_b64(const uint8_t *p, size_t n);

/* `mcxsec mikey dump` and `mcxsec mikey gmk-bulk`. */
int mikey_cmd_dump(int argc, char **argv);
int mikey_cmd_bulk(int argc, char **argv);

#endif
