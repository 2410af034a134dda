/* Error code names and descriptions (include/mcxsec/err.h; the error model of STYLE.md §2 — no
 * protocol clause). */
#include "mcxsec/err.h"

#include <stddef.h>

struct err_desc {
    mcx_err code;
    const char *name;
    const char *text;
};

static const struct err_desc errs[] = {
    {MCX_OK, "MCX_OK", "success"},
    {MCX_ERR_ARG, "MCX_ERR_ARG", "invalid argument"},
    {MCX_ERR_NOMEM, "MCX_ERR_NOMEM", "out of memory"},
    {MCX_ERR_DECODE, "MCX_ERR_DECODE", "malformed encoding"},
    {MCX_ERR_VERIFY, "MCX_ERR_VERIFY", "verification failed"},
    {MCX_ERR_BUFFER_SMALL, "MCX_ERR_BUFFER_SMALL", "output buffer too small"},
    {MCX_ERR_INTERNAL, "MCX_ERR_INTERNAL", "internal error"},
    {MCX_ERR_RNG, "MCX_ERR_RNG", "random generator failed"},
    {MCX_ERR_UNSUPPORTED, "MCX_ERR_UNSUPPORTED", "unsupported"},
    {MCX_ERR_LENGTH, "MCX_ERR_LENGTH", "wrong length"},
    {MCX_ERR_NOT_FOUND, "MCX_ERR_NOT_FOUND", "not found"},
    {MCX_ERR_IO, "MCX_ERR_IO", "input/output error"},
    {MCX_ERR_STATE, "MCX_ERR_STATE", "invalid state"},
    {MCX_ERR_SELFTEST, "MCX_ERR_SELFTEST", "known-answer self-test failed"},
    {MCX_ERR_EMPTY_ID, "MCX_ERR_EMPTY_ID", "empty identifier"},
    {MCX_ERR_POINT_FORMAT, "MCX_ERR_POINT_FORMAT", "point is not in uncompressed form"},
    {MCX_ERR_POINT_RANGE, "MCX_ERR_POINT_RANGE", "point coordinate out of range"},
    {MCX_ERR_NOT_ON_CURVE, "MCX_ERR_NOT_ON_CURVE", "point not on the curve"},
    {MCX_ERR_INFINITY, "MCX_ERR_INFINITY", "point at infinity"},
    {MCX_ERR_SCALAR_RANGE, "MCX_ERR_SCALAR_RANGE", "scalar zero or out of range"},
    {MCX_ERR_KEY_INVALID, "MCX_ERR_KEY_INVALID", "private key failed validation"},
    {MCX_ERR_SAKKE_CHECK, "MCX_ERR_SAKKE_CHECK", "SAKKE re-computation check failed"},
    {MCX_ERR_MIKEY_PAYLOAD, "MCX_ERR_MIKEY_PAYLOAD", "MIKEY payload missing, duplicated or misplaced"},
    {MCX_ERR_MIKEY_IDENTITY, "MCX_ERR_MIKEY_IDENTITY", "MIKEY identity not acceptable"},
    {MCX_ERR_MIKEY_KMS, "MCX_ERR_MIKEY_KMS", "MIKEY KMS identity unknown or not permitted"},
    {MCX_ERR_MIKEY_TIME, "MCX_ERR_MIKEY_TIME", "MIKEY timestamp outside the accepted window"},
    {MCX_ERR_MIKEY_REPLAY, "MCX_ERR_MIKEY_REPLAY", "MIKEY message replayed"},
    {MCX_ERR_MIKEY_PURPOSE, "MCX_ERR_MIKEY_PURPOSE", "MIKEY key purpose not expected"},
    {MCX_ERR_MIKEY_PARAMS, "MCX_ERR_MIKEY_PARAMS",
     "MIKEY key parameters malformed or inconsistent"},
    {MCX_ERR_MIKEY_SIGNER, "MCX_ERR_MIKEY_SIGNER", "MIKEY signer not acceptable"},
    {MCX_ERR_MIKEY_EXPIRED, "MCX_ERR_MIKEY_EXPIRED", "MIKEY key expired"},
    {MCX_ERR_MIKEY_NOT_ACTIVE, "MCX_ERR_MIKEY_NOT_ACTIVE", "MIKEY key not yet active"},
    {MCX_ERR_MIKEY_REPLAY_FULL, "MCX_ERR_MIKEY_REPLAY_FULL",
     "MIKEY replay cache full of messages still inside the window"},
    {MCX_ERR_AUTH, "MCX_ERR_AUTH", "not authenticated"},
    {MCX_ERR_FORBIDDEN, "MCX_ERR_FORBIDDEN", "forbidden"},
    {MCX_ERR_REVOKED, "MCX_ERR_REVOKED", "revoked"},
    {MCX_ERR_DB, "MCX_ERR_DB", "database error"},
    {MCX_ERR_LIMIT, "MCX_ERR_LIMIT", "limit exceeded"},
    {MCX_ERR_XML, "MCX_ERR_XML", "malformed XML document"},
};

static const struct err_desc *find(mcx_err e)
{
    for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++)
        if (errs[i].code == e)
            return &errs[i];
    return NULL;
}

const char *mcx_strerror(mcx_err e)
{
    const struct err_desc *d = find(e);
    return d ? d->text : "unknown error";
}

const char *mcx_errname(mcx_err e)
{
    const struct err_desc *d = find(e);
    return d ? d->name : "MCX_ERR_UNKNOWN";
}
