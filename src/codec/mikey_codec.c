/*
 * MIKEY codec (include/mcxsec/mikey.h §1): the common header with SRTP-ID, empty and GENERIC-ID
 * CS maps (RFC 3830 §6.1, RFC 4738, RFC 6043 §6.1.1), T, RAND, ID, IDR (RFC 6043 §6.6 incl. the
 * 3GPP hashed roles 8/9), SP (RFC 3830 §6.10), SAKKE (RFC 6509 §4.2), SIGN (RFC 3830 §6.5), General
 * Extension (§6.15), KEMAC and key data (§6.2, §6.13), V (§6.9) and ERR (§6.12).
 *
 * Decoding is zero-copy (the result points into the input) and strict: a bounds-checked cursor
 * reads every field, each length is checked against the remaining input and a protocol maximum,
 * and the encoder reproduces any accepted message byte for byte.
 */
#include "mcxsec/mikey.h"

#include <string.h>

/* ---- bounds-checked cursor
 * ------------------------------------------------------------------------ */

struct rd {
    const uint8_t *p;
    size_t len, off;
};

static int rd_u8(struct rd *r, uint8_t *v)
{
    if (r->len - r->off < 1)
        return 0;
    *v = r->p[r->off++];
    return 1;
}

static int rd_u16(struct rd *r, uint16_t *v)
{
    if (r->len - r->off < 2)
        return 0;
    *v = (uint16_t)((r->p[r->off] << 8) | r->p[r->off + 1]);
    r->off += 2;
    return 1;
}

static int rd_u32(struct rd *r, uint32_t *v)
{
    if (r->len - r->off < 4)
        return 0;
    const uint8_t *q = r->p + r->off;
    *v = ((uint32_t)q[0] << 24) | ((uint32_t)q[1] << 16) | ((uint32_t)q[2] << 8) | q[3];
    r->off += 4;
    return 1;
}

static int rd_bytes(struct rd *r, size_t n, struct mcx_mikey_bytes *b)
{
    if (r->len - r->off < n)
        return 0;
    b->p = r->p + r->off;
    b->len = n;
    r->off += n;
    return 1;
}

/* ---- writer
 * ---------------------------------------------------------------------------------------- */

struct wr {
    uint8_t *p;
    size_t cap, off; /* off keeps counting past cap so the needed size is known */
};

static void wr_u8(struct wr *w, unsigned v)
{
    if (w->off < w->cap)
        w->p[w->off] = (uint8_t)v;
    w->off++;
}

static void wr_u16(struct wr *w, unsigned v)
{
    wr_u8(w, (v >> 8) & 0xFF);
    wr_u8(w, v & 0xFF);
}

static void wr_u32(struct wr *w, uint32_t v)
{
    wr_u16(w, v >> 16);
    wr_u16(w, v & 0xFFFF);
}

static void wr_bytes(struct wr *w, const struct mcx_mikey_bytes *b)
{
    if (b->len == 0)
        return;
    if (w->off <= w->cap && b->len <= w->cap - w->off)
        memcpy(w->p + w->off, b->p, b->len);
    w->off += b->len;
}

/* ---- decoder state: the cursor plus where and why decoding stopped
 * -----------------------------------------------------------------------------------------------
 */

struct dec {
    struct rd r;
    struct mcx_mikey_decode_error *err; /* may be NULL */
};

/* Record a failure at octet `off` and return rc. `why` is a static string. */
static mcx_err fail_at(struct dec *d, mcx_err rc, size_t off, const char *why)
{
    if (d->err != NULL) {
        d->err->offset = off;
        d->err->reason = why;
    }
    return rc;
}

/* A failure at the cursor (truncation: the read did not advance). */
static mcx_err fail(struct dec *d, mcx_err rc, const char *why)
{
    return fail_at(d, rc, d->r.off, why);
}

#define NEED(call, why)                                                                            \
    do {                                                                                           \
        if (!(call))                                                                               \
            return fail(d, MCX_ERR_DECODE, why);                                                   \
    } while (0)

/* ---- header
 * ---------------------------------------------------------------------------------------- */

static int map_type_known(uint8_t t)
{
    return t == MCX_MIKEY_MAP_SRTP || t == MCX_MIKEY_MAP_EMPTY || t == MCX_MIKEY_MAP_GENERIC;
}

static mcx_err dec_hdr(struct dec *d, struct mcx_mikey_hdr *h, uint8_t *next)
{
    struct rd *r = &d->r;
    uint8_t vp;
    NEED(rd_u8(r, &h->version), "truncated: HDR version");
    /* RFC 3830 §6.1: "version: ... MUST be set to 0x01" */
    if (h->version != 1)
        return fail_at(d, MCX_ERR_DECODE, 0, "HDR version is not 1");
    NEED(rd_u8(r, &h->data_type), "truncated: HDR data type");
    NEED(rd_u8(r, next), "truncated: HDR next payload");
    NEED(rd_u8(r, &vp), "truncated: HDR V / PRF func");
    NEED(rd_u32(r, &h->csb_id), "truncated: HDR CSB ID");
    NEED(rd_u8(r, &h->n_cs), "truncated: HDR #CS");
    NEED(rd_u8(r, &h->map_type), "truncated: HDR CS ID map type");
    h->v = vp >> 7;
    h->prf = vp & 0x7F;
    if (h->n_cs > MCX_MIKEY_MAX_CS)
        return fail_at(d, MCX_ERR_LIMIT, 8, "more crypto sessions than supported (8)");
    /* RFC 3830 §6.1: the map type says how to read the map info; an unknown one cannot be read */
    if (!map_type_known(h->map_type))
        return fail_at(d, MCX_ERR_DECODE, 9, "unknown CS ID map type");
    for (unsigned i = 0; i < h->n_cs; i++) {
        struct mcx_mikey_cs *cs = &h->cs[i];
        memset(cs, 0, sizeof *cs);
        if (h->map_type == MCX_MIKEY_MAP_SRTP) {
            cs->n_policies = 1;
            NEED(rd_u8(r, &cs->policies[0]) && rd_u32(r, &cs->ssrc) && rd_u32(r, &cs->roc),
                 "truncated: SRTP-ID map info");
        } else if (h->map_type == MCX_MIKEY_MAP_GENERIC) {
            uint8_t sp, spi_len;
            uint16_t sd_len;
            NEED(rd_u8(r, &cs->cs_id) && rd_u8(r, &cs->prot_type) && rd_u8(r, &sp),
                 "truncated: GENERIC-ID map info");
            cs->s_flag = sp >> 7;
            cs->n_policies = sp & 0x7F;
            if (cs->n_policies > MCX_MIKEY_MAX_POLICIES)
                return fail_at(d, MCX_ERR_LIMIT, r->off - 1,
                               "more policies per crypto session than supported (8)");
            for (unsigned j = 0; j < cs->n_policies; j++)
                NEED(rd_u8(r, &cs->policies[j]), "truncated: GENERIC-ID policy numbers");
            NEED(rd_u16(r, &sd_len), "truncated: GENERIC-ID session data length");
            NEED(rd_bytes(r, sd_len, &cs->session_data), "truncated: GENERIC-ID session data");
            NEED(rd_u8(r, &spi_len), "truncated: GENERIC-ID SPI length");
            NEED(rd_bytes(r, spi_len, &cs->spi), "truncated: GENERIC-ID SPI");
        }
        /* MCX_MIKEY_MAP_EMPTY (RFC 4738): the empty map carries no per-session information */
    }
    return MCX_OK;
}

static mcx_err enc_hdr(struct wr *w, const struct mcx_mikey_hdr *h, uint8_t next)
{
    /* refuse what dec_hdr would refuse: version 1 only, a known map type even with #CS = 0 */
    if (h->version != 1 || h->n_cs > MCX_MIKEY_MAX_CS || h->prf > 0x7F || h->v > 1 ||
        !map_type_known(h->map_type))
        return MCX_ERR_ARG;
    wr_u8(w, h->version);
    wr_u8(w, h->data_type);
    wr_u8(w, next);
    wr_u8(w, (unsigned)(h->v << 7) | h->prf);
    wr_u32(w, h->csb_id);
    wr_u8(w, h->n_cs);
    wr_u8(w, h->map_type);
    for (unsigned i = 0; i < h->n_cs; i++) {
        const struct mcx_mikey_cs *cs = &h->cs[i];
        if (h->map_type == MCX_MIKEY_MAP_SRTP) {
            wr_u8(w, cs->policies[0]);
            wr_u32(w, cs->ssrc);
            wr_u32(w, cs->roc);
        } else if (h->map_type == MCX_MIKEY_MAP_GENERIC) {
            if (cs->n_policies > MCX_MIKEY_MAX_POLICIES || cs->s_flag > 1 ||
                cs->session_data.len > 0xFFFF || cs->spi.len > 0xFF)
                return MCX_ERR_ARG;
            wr_u8(w, cs->cs_id);
            wr_u8(w, cs->prot_type);
            wr_u8(w, (unsigned)(cs->s_flag << 7) | cs->n_policies);
            for (unsigned j = 0; j < cs->n_policies; j++)
                wr_u8(w, cs->policies[j]);
            wr_u16(w, (unsigned)cs->session_data.len);
            wr_bytes(w, &cs->session_data);
            wr_u8(w, (unsigned)cs->spi.len);
            wr_bytes(w, &cs->spi);
        }
    }
    return MCX_OK;
}

/* ---- payloads
 * -------------------------------------------------------------------------------------- */

static size_t mac_len_of(uint8_t alg)
{
    switch (alg) {
    case MCX_MIKEY_MAC_NULL:
        return 0;
    case MCX_MIKEY_MAC_HMAC_SHA1_160:
        return 20;
    case MCX_MIKEY_MAC_HMAC_SHA256_256:
        return 32;
    default:
        return SIZE_MAX;
    }
}

/* SP policy parameters must be a sequence of complete type(8) | length(8) | value TLVs. */
static int sp_params_ok(const struct mcx_mikey_bytes *b)
{
    size_t off = 0;
    while (off < b->len) {
        if (b->len - off < 2)
            return 0;
        size_t l = b->p[off + 1];
        if (b->len - off - 2 < l)
            return 0;
        off += 2 + l;
    }
    return 1;
}

/* IDR roles defined by RFC 6043 §6.6 (1-5), RFC 6509 §4.4 (6, 7) and TS 33.180 E.7 (8, 9). A role
 * outside the registry cannot be interpreted, so it is refused rather than passed on. */
static int idr_role_known(uint8_t role)
{
    return role >= MCX_MIKEY_ROLE_I && role <= MCX_MIKEY_ROLE_UIDR;
}

/* Decode the body of payload `type` (the next-payload octet is returned in *next). */
static mcx_err dec_payload(struct dec *d, uint8_t type, struct mcx_mikey_payload *pl, uint8_t *next)
{
    struct rd *r = &d->r;
    uint8_t a, b;
    uint16_t l16;
    uint32_t u32;
    memset(pl, 0, sizeof *pl);
    pl->type = type;
    *next = MCX_MIKEY_PT_LAST;
    if (type == MCX_MIKEY_PT_SIGN) {
        /* RFC 3830 §6.5: S type (4 bits) | Signature len (12 bits) | Signature; no next payload */
        NEED(rd_u16(r, &l16), "truncated: SIGN type / length");
        pl->u.sign.s_type = (uint8_t)(l16 >> 12);
        if ((l16 & 0x0FFF) == 0)
            return fail_at(d, MCX_ERR_DECODE, r->off - 2, "SIGN with an empty signature");
        NEED(rd_bytes(r, l16 & 0x0FFF, &pl->u.sign.sig), "truncated: SIGN signature");
        return MCX_OK;
    }
    NEED(rd_u8(r, next), "truncated: next payload");
    switch (type) {
    case MCX_MIKEY_PT_T:
        NEED(rd_u8(r, &pl->u.t.ts_type), "truncated: T TS type");
        if (pl->u.t.ts_type <= 1) {
            uint32_t hi, lo;
            NEED(rd_u32(r, &hi) && rd_u32(r, &lo), "truncated: T NTP value");
            pl->u.t.value = ((uint64_t)hi << 32) | lo;
        } else if (pl->u.t.ts_type == 2) {
            NEED(rd_u32(r, &u32), "truncated: T COUNTER value");
            pl->u.t.value = u32;
        } else {
            return fail_at(d, MCX_ERR_DECODE, r->off - 1, "unknown T TS type");
        }
        return MCX_OK;
    case MCX_MIKEY_PT_RAND:
        NEED(rd_u8(r, &a), "truncated: RAND length");
        /* RFC 3830 §6.11: "RAND ... MUST be at least 128 bits" */
        if (a < 16)
            return fail_at(d, MCX_ERR_DECODE, r->off - 1, "RAND shorter than 16 octets");
        NEED(rd_bytes(r, a, &pl->u.rand), "truncated: RAND value");
        return MCX_OK;
    case MCX_MIKEY_PT_IDR:
    case MCX_MIKEY_PT_ID:
        if (type == MCX_MIKEY_PT_IDR) {
            NEED(rd_u8(r, &pl->u.idr.role), "truncated: IDR role");
            if (!idr_role_known(pl->u.idr.role))
                return fail_at(d, MCX_ERR_DECODE, r->off - 1, "unknown IDR role");
        }
        NEED(rd_u8(r, &pl->u.idr.id_type), "truncated: ID type");
        NEED(rd_u16(r, &l16), "truncated: ID length");
        if (l16 == 0)
            return fail_at(d, MCX_ERR_DECODE, r->off - 2, "empty identity");
        if (l16 > MCX_MIKEY_MAX_ID)
            return fail_at(d, MCX_ERR_LIMIT, r->off - 2, "identity longer than 1024 octets");
        NEED(rd_bytes(r, l16, &pl->u.idr.id), "truncated: ID data");
        return MCX_OK;
    case MCX_MIKEY_PT_SP:
        NEED(rd_u8(r, &pl->u.sp.policy_no) && rd_u8(r, &pl->u.sp.prot_type) && rd_u16(r, &l16),
             "truncated: SP header");
        NEED(rd_bytes(r, l16, &pl->u.sp.params), "truncated: SP policy parameters");
        if (!sp_params_ok(&pl->u.sp.params))
            return fail_at(d, MCX_ERR_DECODE, r->off - l16,
                           "SP policy parameters are not whole type/length/value entries");
        return MCX_OK;
    case MCX_MIKEY_PT_SAKKE:
        NEED(rd_u8(r, &pl->u.sakke.params) && rd_u8(r, &pl->u.sakke.id_scheme) && rd_u16(r, &l16),
             "truncated: SAKKE header");
        if (l16 == 0)
            return fail_at(d, MCX_ERR_DECODE, r->off - 2, "empty SAKKE data");
        NEED(rd_bytes(r, l16, &pl->u.sakke.data), "truncated: SAKKE data");
        return MCX_OK;
    case MCX_MIKEY_PT_GEXT:
        NEED(rd_u8(r, &pl->u.gext.type) && rd_u16(r, &l16), "truncated: General Extension header");
        if (l16 > MCX_MIKEY_MAX_GEXT)
            return fail_at(d, MCX_ERR_LIMIT, r->off - 2,
                           "General Extension longer than 2048 octets");
        NEED(rd_bytes(r, l16, &pl->u.gext.data), "truncated: General Extension data");
        return MCX_OK;
    case MCX_MIKEY_PT_KEMAC: {
        size_t ml;
        NEED(rd_u8(r, &pl->u.kemac.encr_alg), "truncated: KEMAC encryption algorithm");
        if (pl->u.kemac.encr_alg > MCX_MIKEY_ENCR_AES_KW_128)
            return fail_at(d, MCX_ERR_DECODE, r->off - 1, "unknown KEMAC encryption algorithm");
        NEED(rd_u16(r, &l16), "truncated: KEMAC encrypted data length");
        NEED(rd_bytes(r, l16, &pl->u.kemac.encr), "truncated: KEMAC encrypted data");
        NEED(rd_u8(r, &pl->u.kemac.mac_alg), "truncated: KEMAC MAC algorithm");
        if ((ml = mac_len_of(pl->u.kemac.mac_alg)) == SIZE_MAX)
            return fail_at(d, MCX_ERR_DECODE, r->off - 1, "unknown KEMAC MAC algorithm");
        NEED(rd_bytes(r, ml, &pl->u.kemac.mac), "truncated: KEMAC MAC");
        return MCX_OK;
    }
    case MCX_MIKEY_PT_V: {
        size_t ml;
        NEED(rd_u8(r, &pl->u.v.mac_alg), "truncated: V MAC algorithm");
        if ((ml = mac_len_of(pl->u.v.mac_alg)) == SIZE_MAX)
            return fail_at(d, MCX_ERR_DECODE, r->off - 1, "unknown V MAC algorithm");
        NEED(rd_bytes(r, ml, &pl->u.v.mac), "truncated: V MAC");
        return MCX_OK;
    }
    case MCX_MIKEY_PT_ERR:
        NEED(rd_u8(r, &pl->u.err.err_no) && rd_u8(r, &a) && rd_u8(r, &b), "truncated: ERR");
        if (a != 0 || b != 0)
            return fail_at(d, MCX_ERR_DECODE, r->off - 2, "ERR reserved octets are not zero");
        return MCX_OK;
    default:
        /* RFC 3830 §6: payload lengths depend on the type, so an unknown type cannot be skipped */
        return fail_at(d, MCX_ERR_DECODE, r->off - 1, "unknown payload type");
    }
}

static int once_only(uint8_t type)
{
    return type == MCX_MIKEY_PT_T || type == MCX_MIKEY_PT_RAND || type == MCX_MIKEY_PT_KEMAC ||
           type == MCX_MIKEY_PT_V || type == MCX_MIKEY_PT_SIGN;
}

mcx_err mcx_mikey_decode_ex(const uint8_t *in, size_t len, struct mcx_mikey_msg *msg,
                            struct mcx_mikey_layout *layout, struct mcx_mikey_decode_error *err)
{
    if (err != NULL) {
        err->offset = 0;
        err->payload_offset = 0;
        err->payload_type = MCX_MIKEY_DECODE_IN_HDR;
        err->reason = "invalid argument";
    }
    if (in == NULL || msg == NULL)
        return MCX_ERR_ARG;
    struct dec d = {{in, len, 0}, err};
    if (len > MCX_MIKEY_MAX_MSG)
        return fail_at(&d, MCX_ERR_LIMIT, MCX_MIKEY_MAX_MSG, "message longer than 8192 octets");
    uint8_t next;
    struct mcx_mikey_layout lay = {0};
    memset(&msg->hdr, 0, sizeof msg->hdr);
    msg->n = 0;
    mcx_err rc = dec_hdr(&d, &msg->hdr, &next);
    if (rc != MCX_OK)
        return rc;
    unsigned seen = 0; /* bit per once-only type */
    while (next != MCX_MIKEY_PT_LAST) {
        uint8_t type = next;
        size_t start = d.r.off;
        if (err != NULL) {
            err->payload_type = type;
            err->payload_offset = start;
        }
        if (msg->n == MCX_MIKEY_MAX_PAYLOADS)
            return fail(&d, MCX_ERR_LIMIT, "more payloads than supported (24)");
        if (once_only(type)) {
            unsigned bit = 1u << (type & 31);
            if (seen & bit)
                return fail(&d, MCX_ERR_MIKEY_PAYLOAD, "payload may appear only once");
            seen |= bit;
        }
        struct mcx_mikey_payload *pl = &msg->p[msg->n];
        if ((rc = dec_payload(&d, type, pl, &next)) != MCX_OK)
            return rc;
        msg->n++;
        if (type == MCX_MIKEY_PT_SIGN) {
            lay.sig_off = start + 2;
            break; /* SIGN has no next-payload field: it ends the message */
        }
        if (type == MCX_MIKEY_PT_KEMAC)
            lay.mac_off = d.r.off - pl->u.kemac.mac.len;
    }
    if (d.r.off != len) {
        if (err != NULL) {
            err->payload_type = MCX_MIKEY_DECODE_TRAILING;
            err->payload_offset = d.r.off;
        }
        return fail(&d, MCX_ERR_DECODE, "octets after the last payload");
    }
    lay.total = len;
    if (layout != NULL)
        *layout = lay;
    if (err != NULL)
        err->reason = NULL;
    return MCX_OK;
}

mcx_err mcx_mikey_decode(const uint8_t *in, size_t len, struct mcx_mikey_msg *msg,
                         struct mcx_mikey_layout *layout)
{
    return mcx_mikey_decode_ex(in, len, msg, layout, NULL);
}

static mcx_err enc_payload(struct wr *w, const struct mcx_mikey_payload *pl, uint8_t next,
                           struct mcx_mikey_layout *lay)
{
    if (pl->type == MCX_MIKEY_PT_SIGN) {
        if (next != MCX_MIKEY_PT_LAST || pl->u.sign.s_type > 15 || pl->u.sign.sig.len == 0 ||
            pl->u.sign.sig.len > 0x0FFF)
            return MCX_ERR_ARG; /* SIGN must be last */
        wr_u16(w, (unsigned)(pl->u.sign.s_type << 12) | (unsigned)pl->u.sign.sig.len);
        lay->sig_off = w->off;
        wr_bytes(w, &pl->u.sign.sig);
        return MCX_OK;
    }
    wr_u8(w, next);
    switch (pl->type) {
    case MCX_MIKEY_PT_T:
        wr_u8(w, pl->u.t.ts_type);
        if (pl->u.t.ts_type <= 1) {
            wr_u32(w, (uint32_t)(pl->u.t.value >> 32));
            wr_u32(w, (uint32_t)pl->u.t.value);
        } else if (pl->u.t.ts_type == 2 && pl->u.t.value <= UINT32_MAX) {
            wr_u32(w, (uint32_t)pl->u.t.value);
        } else {
            return MCX_ERR_ARG;
        }
        return MCX_OK;
    case MCX_MIKEY_PT_RAND:
        if (pl->u.rand.len < 16 || pl->u.rand.len > 255)
            return MCX_ERR_ARG;
        wr_u8(w, (unsigned)pl->u.rand.len);
        wr_bytes(w, &pl->u.rand);
        return MCX_OK;
    case MCX_MIKEY_PT_IDR:
    case MCX_MIKEY_PT_ID:
        if (pl->u.idr.id.len == 0 || pl->u.idr.id.len > MCX_MIKEY_MAX_ID)
            return MCX_ERR_ARG;
        if (pl->type == MCX_MIKEY_PT_IDR) {
            if (!idr_role_known(pl->u.idr.role))
                return MCX_ERR_ARG;
            wr_u8(w, pl->u.idr.role);
        }
        wr_u8(w, pl->u.idr.id_type);
        wr_u16(w, (unsigned)pl->u.idr.id.len);
        wr_bytes(w, &pl->u.idr.id);
        return MCX_OK;
    case MCX_MIKEY_PT_SP:
        if (pl->u.sp.params.len > 0xFFFF || !sp_params_ok(&pl->u.sp.params))
            return MCX_ERR_ARG;
        wr_u8(w, pl->u.sp.policy_no);
        wr_u8(w, pl->u.sp.prot_type);
        wr_u16(w, (unsigned)pl->u.sp.params.len);
        wr_bytes(w, &pl->u.sp.params);
        return MCX_OK;
    case MCX_MIKEY_PT_SAKKE:
        if (pl->u.sakke.data.len == 0 || pl->u.sakke.data.len > 0xFFFF)
            return MCX_ERR_ARG;
        wr_u8(w, pl->u.sakke.params);
        wr_u8(w, pl->u.sakke.id_scheme);
        wr_u16(w, (unsigned)pl->u.sakke.data.len);
        wr_bytes(w, &pl->u.sakke.data);
        return MCX_OK;
    case MCX_MIKEY_PT_GEXT:
        if (pl->u.gext.data.len > MCX_MIKEY_MAX_GEXT)
            return MCX_ERR_ARG;
        wr_u8(w, pl->u.gext.type);
        wr_u16(w, (unsigned)pl->u.gext.data.len);
        wr_bytes(w, &pl->u.gext.data);
        return MCX_OK;
    case MCX_MIKEY_PT_KEMAC:
        if (pl->u.kemac.encr_alg > MCX_MIKEY_ENCR_AES_KW_128 || pl->u.kemac.encr.len > 0xFFFF ||
            mac_len_of(pl->u.kemac.mac_alg) != pl->u.kemac.mac.len)
            return MCX_ERR_ARG;
        wr_u8(w, pl->u.kemac.encr_alg);
        wr_u16(w, (unsigned)pl->u.kemac.encr.len);
        wr_bytes(w, &pl->u.kemac.encr);
        wr_u8(w, pl->u.kemac.mac_alg);
        lay->mac_off = w->off;
        wr_bytes(w, &pl->u.kemac.mac);
        return MCX_OK;
    case MCX_MIKEY_PT_V:
        if (mac_len_of(pl->u.v.mac_alg) != pl->u.v.mac.len)
            return MCX_ERR_ARG;
        wr_u8(w, pl->u.v.mac_alg);
        wr_bytes(w, &pl->u.v.mac);
        return MCX_OK;
    case MCX_MIKEY_PT_ERR:
        wr_u8(w, pl->u.err.err_no);
        wr_u16(w, 0);
        return MCX_OK;
    default:
        return MCX_ERR_ARG;
    }
}

mcx_err mcx_mikey_encode(const struct mcx_mikey_msg *msg, uint8_t *out, size_t *out_len,
                         struct mcx_mikey_layout *layout)
{
    if (msg == NULL || out_len == NULL || (out == NULL && *out_len > 0) ||
        msg->n > MCX_MIKEY_MAX_PAYLOADS)
        return MCX_ERR_ARG;
    /* the decoder refuses a repeated T, RAND, KEMAC, V or SIGN: so does the encoder */
    unsigned seen = 0;
    for (size_t i = 0; i < msg->n; i++) {
        uint8_t type = msg->p[i].type;
        if (once_only(type)) {
            unsigned bit = 1u << (type & 31);
            if (seen & bit)
                return MCX_ERR_MIKEY_PAYLOAD;
            seen |= bit;
        }
    }
    struct wr w = {out, *out_len, 0};
    struct mcx_mikey_layout lay = {0};
    mcx_err rc = enc_hdr(&w, &msg->hdr, msg->n ? msg->p[0].type : MCX_MIKEY_PT_LAST);
    for (size_t i = 0; rc == MCX_OK && i < msg->n; i++) {
        uint8_t next = i + 1 < msg->n ? msg->p[i + 1].type : MCX_MIKEY_PT_LAST;
        rc = enc_payload(&w, &msg->p[i], next, &lay);
    }
    if (rc != MCX_OK)
        return rc;
    if (w.off > MCX_MIKEY_MAX_MSG)
        return MCX_ERR_LIMIT;
    if (w.off > *out_len) {
        *out_len = w.off;
        return MCX_ERR_BUFFER_SMALL;
    }
    *out_len = w.off;
    lay.total = w.off;
    if (layout != NULL)
        *layout = lay;
    return MCX_OK;
}

/* ---- key data sub-payloads (RFC 3830 §6.13)
 * -------------------------------------------------------- */

mcx_err mcx_mikey_keydata_decode(const uint8_t *in, size_t len, struct mcx_mikey_keydata *kd,
                                 size_t *n)
{
    if (in == NULL || kd == NULL || n == NULL)
        return MCX_ERR_ARG;
    struct rd r = {in, len, 0};
    size_t cap = *n, cnt = 0;
    uint8_t next = MCX_MIKEY_PT_LAST;
    do {
        if (cnt == cap)
            return MCX_ERR_LIMIT;
        struct mcx_mikey_keydata *k = &kd[cnt];
        uint8_t tk, l8;
        uint16_t l16;
        memset(k, 0, sizeof *k);
        if (!rd_u8(&r, &next) || !rd_u8(&r, &tk))
            return MCX_ERR_DECODE;
        /* next is 20 (another key data) or 0 (last) inside a KEMAC */
        if (next != MCX_MIKEY_PT_LAST && next != 20)
            return MCX_ERR_DECODE;
        k->type = tk >> 4;
        k->kv = tk & 0x0F;
        if (k->type > 3 || k->kv > 2 || !rd_u16(&r, &l16) || l16 == 0 ||
            !rd_bytes(&r, l16, &k->key))
            return MCX_ERR_DECODE;
        if (k->type == 1 || k->type == 3) {
            if (!rd_u16(&r, &l16) || !rd_bytes(&r, l16, &k->salt))
                return MCX_ERR_DECODE;
        }
        if (k->kv == 1) {
            if (!rd_u8(&r, &l8) || !rd_bytes(&r, l8, &k->spi))
                return MCX_ERR_DECODE;
        } else if (k->kv == 2) {
            if (!rd_u8(&r, &l8) || !rd_bytes(&r, l8, &k->vf) || !rd_u8(&r, &l8) ||
                !rd_bytes(&r, l8, &k->vt))
                return MCX_ERR_DECODE;
        }
        cnt++;
    } while (next != MCX_MIKEY_PT_LAST);
    if (r.off != len)
        return MCX_ERR_DECODE;
    *n = cnt;
    return MCX_OK;
}

mcx_err mcx_mikey_keydata_encode(const struct mcx_mikey_keydata *kd, size_t n, uint8_t *out,
                                 size_t *out_len)
{
    if (kd == NULL || n == 0 || out_len == NULL || (out == NULL && *out_len > 0))
        return MCX_ERR_ARG;
    struct wr w = {out, *out_len, 0};
    for (size_t i = 0; i < n; i++) {
        const struct mcx_mikey_keydata *k = &kd[i];
        int salted = k->type == 1 || k->type == 3;
        if (k->type > 3 || k->kv > 2 || k->key.len == 0 || k->key.len > 0xFFFF ||
            k->salt.len > 0xFFFF || (!salted && k->salt.len) || k->spi.len > 255 ||
            k->vf.len > 255 || k->vt.len > 255)
            return MCX_ERR_ARG;
        wr_u8(&w, i + 1 < n ? 20 : MCX_MIKEY_PT_LAST);
        wr_u8(&w, (unsigned)(k->type << 4) | k->kv);
        wr_u16(&w, (unsigned)k->key.len);
        wr_bytes(&w, &k->key);
        if (salted) {
            wr_u16(&w, (unsigned)k->salt.len);
            wr_bytes(&w, &k->salt);
        }
        if (k->kv == 1) {
            wr_u8(&w, (unsigned)k->spi.len);
            wr_bytes(&w, &k->spi);
        } else if (k->kv == 2) {
            wr_u8(&w, (unsigned)k->vf.len);
            wr_bytes(&w, &k->vf);
            wr_u8(&w, (unsigned)k->vt.len);
            wr_bytes(&w, &k->vt);
        }
    }
    if (w.off > *out_len) {
        *out_len = w.off;
        return MCX_ERR_BUFFER_SMALL;
    }
    *out_len = w.off;
    return MCX_OK;
}

/* ---- names
 * --------------------------------------------------------------------------------------- */

const char *mcx_mikey_pt_name(unsigned type)
{
    switch (type) {
    case 0:
        return "Last";
    case 1:
        return "KEMAC";
    case 2:
        return "PKE";
    case 3:
        return "DH";
    case 4:
        return "SIGN";
    case 5:
        return "T";
    case 6:
        return "ID";
    case 7:
        return "CERT";
    case 8:
        return "CHASH";
    case 9:
        return "V";
    case 10:
        return "SP";
    case 11:
        return "RAND";
    case 12:
        return "ERR";
    case 14:
        return "IDR";
    case 20:
        return "Key data";
    case 21:
        return "General Extension";
    case 26:
        return "SAKKE";
    default:
        return "?";
    }
}

const char *mcx_mikey_role_name(unsigned role)
{
    static const char *const names[] = {"ID",     "IDRi",    "IDRr",    "IDRkms",  "IDRpsk",
                                        "IDRapp", "IDRkmsi", "IDRkmsr", "IDRuidi", "IDRuidr"};
    return role < sizeof names / sizeof names[0] ? names[role] : "?";
}

static const char *const purpose_names[] = {"gmk", "pck", "csk", "spk", "mkfc", "mscck", "musik"};

const char *mcx_purpose_name(unsigned purpose)
{
    return purpose < sizeof purpose_names / sizeof purpose_names[0] ? purpose_names[purpose] : "?";
}

/* Other names accepted on input: TR 33.880 calls the multicast signalling key (TS 33.180's MuSiK,
 * tag 6) "MSK"; CSK upload (client -> MCX server, E.4) and CSK key download (server -> client)
 * carry the same purpose tag 2 and differ only in who initiates and signs. */
static const struct {
    const char *name;
    enum mcx_purpose purpose;
} purpose_aliases[] = {
    {"msk", MCX_PURPOSE_MUSIK},
    {"csk-upload", MCX_PURPOSE_CSK},
    {"csk-download", MCX_PURPOSE_CSK},
};

int mcx_purpose_from_name(const char *name)
{
    if (name == NULL)
        return -1;
    for (size_t i = 0; i < sizeof purpose_names / sizeof purpose_names[0]; i++) {
        if (strcmp(name, purpose_names[i]) == 0)
            return (int)i;
    }
    for (size_t i = 0; i < sizeof purpose_aliases / sizeof purpose_aliases[0]; i++) {
        if (strcmp(name, purpose_aliases[i].name) == 0)
            return (int)purpose_aliases[i].purpose;
    }
    return -1;
}

int mcx_purpose_cs_id(unsigned purpose)
{
    /* TS 33.180 Table E.1.3-1 (digest §3.3): CS-IDs exist for media and SRTCP only */
    switch (purpose) {
    case MCX_PURPOSE_GMK:
        return MCX_CS_GROUP;
    case MCX_PURPOSE_CSK:
        return MCX_CS_CSK;
    case MCX_PURPOSE_MUSIK:
        return MCX_CS_MUSIK;
    default:
        return -1;
    }
}
