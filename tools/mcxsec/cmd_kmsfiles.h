/* `mcxsec kms keygen` and `mcxsec kms issue` (issue 3 item 6): write TS 33.180 Annex D key files
 * from fresh KMS master keys, for tests and demos. Dispatched from cmd_kms.c. */
#ifndef MCX_CMD_KMSFILES_H
#define MCX_CMD_KMSFILES_H
int cmd_kms_keygen(int argc, char **argv);
int cmd_kms_issue(int argc, char **argv);
#endif
