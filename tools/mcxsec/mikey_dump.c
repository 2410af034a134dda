/*
 * `mcxsec mikey dump`: an annotated tree of any MIKEY message (RFC 3830 / 6043 / 6509, TS 33.180
 * Annex E) — every field's name, value and meaning, with offsets — as text or --json; with
 * --cert/--keyset also the verification result and the decrypted contents (the key is printed:
 * that is what the tester asked for).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcxsec/util.h"
#include "mikey_cli.h"

struct em {
    int json;
    int n_payloads;
    int n_fields;
};

static void em_begin_payload(struct em *e, const char *name, const char *title, size_t off,
                             size_t len)
{
    if (e->json) {
        printf("%s{\"payload\": ", e->n_payloads ? ", " : "");
        cli_json_string(stdout, name);
        printf(", \"title\": ");
        cli_json_string(stdout, title);
        printf(", \"offset\": %zu, \"length\": %zu, \"fields\": [", off, len);
    } else {
        printf("%-5s %s  [offset %zu, %zu octets]\n", name, title, off, len);
    }
    e->n_payloads++;
    e->n_fields = 0;
}

static void em_end_payload(struct em *e)
{
    if (e->json)
        printf("]}");
}

static void em_field(struct em *e, const char *name, const char *value, const char *meaning)
{
    if (e->json) {
        printf("%s{\"name\": ", e->n_fields ? ", " : "");
        cli_json_string(stdout, name);
        printf(", \"value\": ");
        cli_json_string(stdout, value);
        if (meaning != NULL && meaning[0]) {
            printf(", \"meaning\": ");
            cli_json_string(stdout, meaning);
        }
        printf("}");
    } else {
        printf("      %-20s %s%s%s%s\n", name, value, meaning && meaning[0] ? "  (" : "",
               meaning ? meaning : "", meaning && meaning[0] ? ")" : "");
    }
    e->n_fields++;
}

static void em_u(struct em *e, const char *name, unsigned long long v, const char *meaning)
{
    char b[32];
    snprintf(b, sizeof b, "%llu", v);
    em_field(e, name, b, meaning);
}

static void em_hex(struct em *e, const char *name, const uint8_t *p, size_t n, const char *meaning)
{
    char *h = cli_hex_str(p, n);
    em_field(e, name, h ? h : "", meaning);
    free(h);
}

/* printable identity text, or hex when it is not text (a hashed UID) */
static void em_id(struct em *e, const char *name, const uint8_t *p, size_t n, const char *meaning)
{
    int text = 1;
    for (size_t i = 0; i < n; i++)
        if (p[i] < 0x20 || p[i] > 0x7e)
            text = 0;
    if (!text) {
        em_hex(e, name, p, n, meaning);
        return;
    }
    char *s = malloc(n + 1);
    if (s == NULL)
        return;
    memcpy(s, p, n);
    s[n] = '\0';
    em_field(e, name, s, meaning);
    free(s);
}

static const char *data_type_name(unsigned t)
{
    switch (t) {
    case 0:
        return "Pre-shared key I_MESSAGE (RFC 3830)";
    case 1:
        return "Pre-shared key verification message";
    case 2:
        return "Public-key I_MESSAGE";
    case 3:
        return "Public-key verification message";
    case 4:
        return "DH I_MESSAGE";
    case 5:
        return "DH response";
    case 6:
        return "Error message";
    case 26:
        return "SAKKE I_MESSAGE (RFC 6509)";
    default:
        return "unknown";
    }
}

static const char *cs_id_meaning(unsigned cs)
{
    static const char *const m[] = {"initiator's MCPTT private call",
                                    "receiver's MCPTT private call",
                                    "initiator's MCVideo private call",
                                    "receiver's MCVideo private call",
                                    "MCPTT group call",
                                    "MCVideo group call",
                                    "CSK SRTCP protection for MCPTT",
                                    "MuSiK SRTCP protection for MCPTT",
                                    "CSK SRTCP protection for MCVideo",
                                    "MuSiK SRTCP protection for MCVideo"};
    return cs < sizeof m / sizeof m[0] ? m[cs] : "unknown CS-ID";
}

static const char *sp_param_name(unsigned t)
{
    switch (t) {
    case 0:
        return "encryption algorithm";
    case 1:
        return "session encryption key length";
    case 2:
        return "authentication algorithm";
    case 3:
        return "session authentication key length";
    case 4:
        return "session salt key length";
    case 5:
        return "SRTP PRF";
    case 6:
        return "key derivation rate";
    case 7:
        return "SRTP encryption off/on";
    case 8:
        return "SRTCP encryption off/on";
    case 9:
        return "sender's FEC order";
    case 10:
        return "SRTP authentication off/on";
    case 11:
        return "authentication tag length";
    case 12:
        return "SRTP prefix length";
    case 13:
        return "ROC transmission rate";
    case 18:
        return "SRTP authentication tag length";
    case 19:
        return "SRTCP authentication tag length";
    case 20:
        return "AEAD authentication tag length";
    default:
        return "unknown parameter";
    }
}

static const char *sp_value_meaning(unsigned t, unsigned v)
{
    if (t == 0)
        return v == 0 ? "NULL" : v == 1 ? "AES-CM" : v == 2 ? "AES-F8" : v == 6 ? "AES-GCM" : "?";
    if (t == 2)
        return v == 0   ? "NULL"
               : v == 1 ? "HMAC-SHA-1"
               : v == 4 ? "RCCm3 (ROC, no authentication)"
                        : "?";
    if (t == 5)
        return v == 0 ? "AES-CM" : "?";
    if (t == 6)
        return v == 0 ? "no session key refresh" : "";
    if (t == 1 || t == 3 || t == 4 || t == 11 || t == 18 || t == 19 || t == 20)
        return "octets";
    return "";
}

static void purpose_meaning(uint32_t id, const char *what, char *buf, size_t cap)
{
    unsigned p = MCX_KEY_ID_PURPOSE(id);
    snprintf(buf, cap, "purpose tag %u = %s%s%s", p,
             p <= MCX_PURPOSE_MUSIK ? mcx_purpose_name(p) : "undefined", what ? "; " : "",
             what ? what : "");
}

static void dump_hdr(struct em *e, const struct mcx_mikey_hdr *h, unsigned next, size_t len)
{
    char m[160], v[32];
    em_begin_payload(e, "HDR", "Common Header (RFC 3830 §6.1)", 0, len);
    em_u(e, "version", h->version, h->version == 1 ? "MIKEY version 1" : "unknown");
    em_u(e, "data type", h->data_type, data_type_name(h->data_type));
    em_u(e, "next payload", next, mcx_mikey_pt_name(next));
    em_u(e, "V", h->v, h->v ? "verification message requested" : "no response expected");
    em_u(e, "PRF func", h->prf,
         h->prf == 1   ? "PRF-HMAC-SHA-256 (RFC 6043)"
         : h->prf == 0 ? "MIKEY-1 (HMAC-SHA-1)"
                       : "unknown");
    snprintf(v, sizeof v, "0x%08x", h->csb_id);
    unsigned p = MCX_KEY_ID_PURPOSE(h->csb_id);
    purpose_meaning(h->csb_id,
                    h->data_type == 0      ? "the GMK-ID naming the pre-shared key"
                    : p == MCX_PURPOSE_GMK ? "GUK-ID: GMK-ID diversified for the receiving member"
                                           : "the key ID",
                    m, sizeof m);
    em_field(e, "CSB ID", v, m);
    em_u(e, "#CS", h->n_cs, "crypto sessions");
    em_u(e, "CS ID map type", h->map_type,
         h->map_type == 0   ? "SRTP-ID"
         : h->map_type == 1 ? "empty map (RFC 4738): default policies"
         : h->map_type == 2 ? "GENERIC-ID (RFC 6043)"
                            : "unknown");
    for (unsigned i = 0; i < h->n_cs; i++) {
        const struct mcx_mikey_cs *cs = &h->cs[i];
        char n[32];
        if (h->map_type == MCX_MIKEY_MAP_GENERIC) {
            snprintf(n, sizeof n, "CS[%u] CS ID", i);
            em_u(e, n, cs->cs_id, cs_id_meaning(cs->cs_id));
            snprintf(n, sizeof n, "CS[%u] prot type", i);
            em_u(e, n, cs->prot_type, cs->prot_type == 0 ? "SRTP" : "?");
            snprintf(n, sizeof n, "CS[%u] S", i);
            em_u(e, n, cs->s_flag,
                 cs->s_flag ? "session data holds SSRC/ROC/SEQ" : "no session data");
            for (unsigned j = 0; j < cs->n_policies; j++) {
                snprintf(n, sizeof n, "CS[%u] policy[%u]", i, j);
                em_u(e, n, cs->policies[j], "SP policy number");
            }
            snprintf(n, sizeof n, "CS[%u] session data", i);
            em_hex(e, n, cs->session_data.p, cs->session_data.len, "");
            snprintf(n, sizeof n, "CS[%u] SPI", i);
            if (cs->spi.len == 8)
                snprintf(m, sizeof m,
                         "MKI = GMK-ID 0x%02x%02x%02x%02x || GUK-ID 0x%02x%02x%02x%02x",
                         cs->spi.p[0], cs->spi.p[1], cs->spi.p[2], cs->spi.p[3], cs->spi.p[4],
                         cs->spi.p[5], cs->spi.p[6], cs->spi.p[7]);
            else if (cs->spi.len == 4)
                snprintf(m, sizeof m, "MKI = key ID");
            else
                m[0] = '\0';
            em_hex(e, n, cs->spi.p, cs->spi.len, m);
        } else if (h->map_type == MCX_MIKEY_MAP_SRTP) {
            snprintf(n, sizeof n, "CS[%u] policy", i);
            em_u(e, n, cs->policies[0], "");
            snprintf(n, sizeof n, "CS[%u] SSRC", i);
            em_u(e, n, cs->ssrc, "");
            snprintf(n, sizeof n, "CS[%u] ROC", i);
            em_u(e, n, cs->roc, "");
        }
    }
    em_end_payload(e);
}

static const char *role_meaning(unsigned r)
{
    switch (r) {
    case 0:
        return "identity (RFC 3830 ID payload)";
    case 1:
        return "initiator";
    case 2:
        return "responder";
    case 3:
        return "KMS";
    case 6:
        return "initiator's KMS";
    case 7:
        return "responder's KMS";
    case 8:
        return "initiator's hashed UID (TS 33.180 E.7)";
    case 9:
        return "responder's hashed UID (TS 33.180 E.7)";
    default:
        return "";
    }
}

static void dump_payload(struct em *e, const struct mcx_mikey_payload *p, unsigned next, size_t off,
                         size_t len)
{
    char m[200], v[64];
    switch (p->type) {
    case MCX_MIKEY_PT_T:
        em_begin_payload(e, "T", "Timestamp (RFC 3830 §6.6)", off, len);
        em_u(e, "next payload", next, mcx_mikey_pt_name(next));
        em_u(e, "TS type", p->u.t.ts_type,
             p->u.t.ts_type == 0   ? "NTP-UTC"
             : p->u.t.ts_type == 1 ? "NTP"
                                   : "COUNTER");
        snprintf(v, sizeof v, "0x%016llx", (unsigned long long)p->u.t.value);
        if (p->u.t.ts_type <= 1) {
            char t[32];
            cli_ntp_fmt(p->u.t.value, t);
            snprintf(m, sizeof m, "%s; selects the key period", t);
        } else {
            m[0] = '\0';
        }
        em_field(e, "TS value", v, m);
        break;
    case MCX_MIKEY_PT_RAND:
        em_begin_payload(e, "RAND", "RAND (RFC 3830 §6.11)", off, len);
        em_u(e, "next payload", next, mcx_mikey_pt_name(next));
        em_u(e, "RAND len", p->u.rand.len, "octets");
        em_hex(e, "RAND", p->u.rand.p, p->u.rand.len, "input to the SRTP master key derivation");
        break;
    case MCX_MIKEY_PT_IDR:
    case MCX_MIKEY_PT_ID:
        em_begin_payload(e, p->type == MCX_MIKEY_PT_IDR ? "IDR" : "ID",
                         p->type == MCX_MIKEY_PT_IDR ? "Identity with role (RFC 6043 §6.6)"
                                                     : "Identity (RFC 3830 §6.7)",
                         off, len);
        em_u(e, "next payload", next, mcx_mikey_pt_name(next));
        if (p->type == MCX_MIKEY_PT_IDR) {
            snprintf(m, sizeof m, "%s: %s", mcx_mikey_role_name(p->u.idr.role),
                     role_meaning(p->u.idr.role));
            em_u(e, "ID role", p->u.idr.role, m);
        }
        em_u(e, "ID type", p->u.idr.id_type,
             p->u.idr.id_type == 0   ? "NAI"
             : p->u.idr.id_type == 1 ? "URI"
             : p->u.idr.id_type == 2 ? "byte string"
                                     : "?");
        em_u(e, "ID len", p->u.idr.id.len, "octets");
        em_id(e, "ID data", p->u.idr.id.p, p->u.idr.id.len, "");
        break;
    case MCX_MIKEY_PT_SP: {
        em_begin_payload(e, "SP", "Security Policy (RFC 3830 §6.10)", off, len);
        em_u(e, "next payload", next, mcx_mikey_pt_name(next));
        em_u(e, "policy no", p->u.sp.policy_no, "");
        em_u(e, "prot type", p->u.sp.prot_type, p->u.sp.prot_type == 0 ? "SRTP" : "?");
        const uint8_t *q = p->u.sp.params.p;
        for (size_t o = 0; o + 2 <= p->u.sp.params.len; o += 2 + q[o + 1]) {
            unsigned t = q[o], l = q[o + 1];
            unsigned val = 0;
            for (unsigned k = 0; k < l && k < 4; k++)
                val = (val << 8) | q[o + 2 + k];
            char n[48];
            snprintf(n, sizeof n, "param %u", t);
            snprintf(m, sizeof m, "%s: %s", sp_param_name(t), sp_value_meaning(t, val));
            em_u(e, n, val, m);
        }
        break;
    }
    case MCX_MIKEY_PT_SAKKE:
        em_begin_payload(e, "SAKKE", "SAKKE (RFC 6509 §4.2)", off, len);
        em_u(e, "next payload", next, mcx_mikey_pt_name(next));
        em_u(e, "SAKKE params", p->u.sakke.params,
             p->u.sakke.params == 1 ? "parameter set 1 (RFC 6509 App. A)" : "unknown");
        em_u(e, "ID scheme", p->u.sakke.id_scheme,
             p->u.sakke.id_scheme == 2   ? "3GPP MCX hashed UID"
             : p->u.sakke.id_scheme == 1 ? "tel URI with monthly keys"
                                         : "?");
        em_u(e, "SAKKE data len", p->u.sakke.data.len, "octets");
        if (p->u.sakke.data.len == MCX_SAKKE_SED_BYTES) {
            em_hex(e, "R_(b,S)", p->u.sakke.data.p, MCX_SAKKE_POINT_BYTES, "encapsulation point");
            em_hex(e, "H", p->u.sakke.data.p + MCX_SAKKE_POINT_BYTES, 16, "masked SSV");
        } else {
            em_hex(e, "SAKKE data", p->u.sakke.data.p, p->u.sakke.data.len, "");
        }
        break;
    case MCX_MIKEY_PT_GEXT: {
        unsigned t = p->u.gext.type;
        em_begin_payload(e, "GEXT", "General Extension (RFC 3830 §6.15)", off, len);
        em_u(e, "next payload", next, mcx_mikey_pt_name(next));
        em_u(e, "type", t,
             t == 6   ? "SAKKE-to-self (TS 33.180 E.5)"
             : t == 7 ? "3GPP key parameters (TS 33.180 E.6)"
                      : "");
        em_u(e, "length", p->u.gext.data.len, "octets");
        const uint8_t *d = p->u.gext.data.p;
        if (t == 6 && p->u.gext.data.len == 5 + MCX_SAKKE_SED_BYTES) {
            em_u(e, "inner next payload", d[0], "set to 0 and ignored (E.5)");
            em_u(e, "SAKKE params", d[1],
                 d[1] == 1 ? "parameter set 1 (RFC 6509 App. A)" : "unknown");
            em_u(e, "ID scheme", d[2], d[2] == 2 ? "3GPP MCX hashed UID" : "?");
            em_u(e, "SAKKE data len", ((unsigned)d[3] << 8) | d[4], "octets");
            em_hex(e, "R_(b,S)", d + 5, MCX_SAKKE_POINT_BYTES,
                   "the same key encapsulated to the initiator's UID");
            em_hex(e, "H", d + 5 + MCX_SAKKE_POINT_BYTES, 16, "masked SSV");
        } else if (t == 7 && p->u.gext.data.len >= 35 && d[0] == 0x43) {
            em_u(e, "message type", d[0], "MCData protected payload");
            em_hex(e, "date/time", d + 1, 5, "");
            em_hex(e, "payload ID", d + 6, 4, "");
            em_u(e, "payload seq no", d[10], "");
            em_u(e, "algorithm", d[11], d[11] == 1 ? "AES-128-GCM" : "?");
            em_hex(e, "IV", d + 12, 16, "");
            em_hex(e, "DPPK-ID", d + 28, 4, "= CSB ID; DPCK = KDF(key, 0x53, DPPK-ID)");
            em_hex(e, "ciphertext+tag", d + 35, p->u.gext.data.len - 35,
                   "encrypted key parameters");
        } else {
            em_hex(e, "data", d, p->u.gext.data.len, "");
        }
        break;
    }
    case MCX_MIKEY_PT_SIGN:
        em_begin_payload(e, "SIGN", "Signature (RFC 3830 §6.5, RFC 6509 §4.3)", off, len);
        em_u(e, "S type", p->u.sign.s_type, p->u.sign.s_type == 2 ? "ECCSI (RFC 6507)" : "?");
        em_u(e, "signature len", p->u.sign.sig.len,
             "octets; signs everything before the signature");
        if (p->u.sign.sig.len == MCX_ECCSI_SIG_BYTES) {
            em_hex(e, "r", p->u.sign.sig.p, 32, "");
            em_hex(e, "s", p->u.sign.sig.p + 32, 32, "");
            em_hex(e, "PVT", p->u.sign.sig.p + 64, 65, "signer's public validation token");
        } else {
            em_hex(e, "signature", p->u.sign.sig.p, p->u.sign.sig.len, "");
        }
        break;
    case MCX_MIKEY_PT_KEMAC:
        em_begin_payload(e, "KEMAC", "Key data transport (RFC 3830 §6.2)", off, len);
        em_u(e, "next payload", next, mcx_mikey_pt_name(next));
        em_u(e, "encr alg", p->u.kemac.encr_alg,
             p->u.kemac.encr_alg == 0   ? "NULL"
             : p->u.kemac.encr_alg == 1 ? "AES-CM-128"
                                        : "AES-KW-128");
        em_hex(e, "encr data", p->u.kemac.encr.p, p->u.kemac.encr.len,
               "encrypted key data sub-payloads");
        em_u(e, "MAC alg", p->u.kemac.mac_alg,
             p->u.kemac.mac_alg == 2   ? "HMAC-SHA-256-256"
             : p->u.kemac.mac_alg == 1 ? "HMAC-SHA-1-160"
                                       : "NULL");
        em_hex(e, "MAC", p->u.kemac.mac.p, p->u.kemac.mac.len, "");
        break;
    case MCX_MIKEY_PT_V:
        em_begin_payload(e, "V", "Verification (RFC 3830 §6.9)", off, len);
        em_u(e, "next payload", next, mcx_mikey_pt_name(next));
        em_u(e, "MAC alg", p->u.v.mac_alg, "");
        em_hex(e, "MAC", p->u.v.mac.p, p->u.v.mac.len, "");
        break;
    case MCX_MIKEY_PT_ERR:
        em_begin_payload(e, "ERR", "Error (RFC 3830 §6.12)", off, len);
        em_u(e, "next payload", next, mcx_mikey_pt_name(next));
        em_u(e, "error no", p->u.err.err_no, "");
        break;
    default:
        em_begin_payload(e, "?", "unknown", off, len);
        break;
    }
    em_end_payload(e);
}

/* Encoded length of the HDR plus the first k payloads (gives every payload's offset). */
static size_t prefix_len(const struct mcx_mikey_msg *m, size_t k)
{
    static struct mcx_mikey_msg t;
    t = *m;
    t.n = k;
    size_t l = 0;
    uint8_t dummy;
    /* with capacity 0 the encoder reports the needed size (MCX_ERR_BUFFER_SMALL) */
    mcx_err e = mcx_mikey_encode(&t, &dummy, &l, NULL);
    return e == MCX_OK || e == MCX_ERR_BUFFER_SMALL ? l : 0;
}

struct dump_gmk {
    uint8_t gmk[16];
    uint32_t id;
};

static mcx_err dump_lookup(void *arg, uint32_t id, struct mcx_gsk_gmk *gmk)
{
    const struct dump_gmk *g = arg;
    if (id != g->id)
        return MCX_ERR_NOT_FOUND;
    memset(gmk, 0, sizeof *gmk);
    memcpy(gmk->key, g->gmk, 16);
    return MCX_OK;
}

/* GSK message: verify (signature when --cert is given) and decrypt with --gmk/--gmk-id. */
static int dump_gsk(const char *cmd, const struct cli_args *a, const uint8_t *msg, size_t len,
                    const struct mcx_mikey_msg *m)
{
    struct dump_gmk g;
    const char *gi = cli_require(a, cmd, "gmk-id");
    int rc;
    if (gi == NULL)
        return CLI_USAGE;
    if ((rc = cli_hex_exact(cmd, "--gmk", cli_get(a, "gmk"), g.gmk, 16)) != CLI_OK ||
        (rc = cli_key_id(cmd, "--gmk-id", gi, &g.id)) != CLI_OK)
        return rc;
    struct mcx_gsk_process_args pa;
    memset(&pa, 0, sizeof pa);
    pa.lookup = dump_lookup;
    pa.lookup_arg = &g;
    pa.accept_pending = 1;
    mcx_mikey_ctx *ctx = NULL;
    if (cli_get(a, "cert") != NULL) {
        struct cli_keys k;
        if ((rc = cli_keys_load(cmd, a, 1, &k)) == CLI_OK)
            rc = cli_keys_ctx(cmd, &k, &ctx);
        cli_keys_wipe(&k);
        if (rc != CLI_OK)
            return rc;
        pa.verifier = ctx;
    }
    pa.now = (int64_t)(m->p[0].u.t.value >> 32) - (int64_t)MCX_NTP_UNIX_OFFSET;
    if (cli_get(a, "at") != NULL && (rc = cli_time_or_now(cmd, a, &pa.now)) != CLI_OK) {
        mcx_mikey_ctx_free(ctx);
        return rc;
    }
    struct mcx_gsk_result r;
    mcx_err e = mcx_gsk_process(&pa, msg, len, &r);
    mcx_mikey_ctx_free(ctx);
    mcx_wipe(&g, sizeof g);
    char *kh = e == MCX_OK ? cli_hex_str(r.gsk, 16) : NULL;
    if (a->json) {
        printf(", \"verification\": {\"result\": \"%s\"", e == MCX_OK ? "ok" : mcx_errname(e));
        if (e == MCX_OK) {
            printf(", \"gsk\": \"%s\", \"gsk_id\": \"%08x\", \"signed\": %s, \"signer\": ",
                   kh ? kh : "", r.gsk_id, r.signed_msg ? "true" : "false");
            cli_json_string(stdout, r.signer_uri);
        }
        printf("}");
    } else {
        printf("verification: %s\n",
               e == MCX_OK ? "OK (MAC valid, GSK decrypted)" : mcx_errname(e));
        if (e == MCX_OK)
            printf(
                "  GSK                %s\n  GSK-ID (MKI)       %08x\n  signed             %s%s%s\n",
                kh ? kh : "", r.gsk_id, r.signed_msg ? "yes, by " : "no",
                r.signed_msg ? r.signer_uri : "", "");
    }
    if (kh != NULL) {
        mcx_wipe(kh, strlen(kh));
        free(kh);
    }
    mcx_wipe(&r, sizeof r);
    if (e == MCX_OK)
        return CLI_OK;
    return e == MCX_ERR_VERIFY || e == MCX_ERR_MIKEY_SIGNER ? CLI_VERIFY_FAILED : CLI_USAGE;
}

/* The decode failure: offset, the payload it happened in, and the reason. */
static void dump_decode_error(const struct cli_args *a, const struct mcx_mikey_decode_error *de,
                              mcx_err e)
{
    char where[64];
    if (de->payload_type == MCX_MIKEY_DECODE_IN_HDR)
        snprintf(where, sizeof where, "HDR");
    else if (de->payload_type == MCX_MIKEY_DECODE_TRAILING)
        snprintf(where, sizeof where, "after the last payload");
    else
        snprintf(where, sizeof where, "%s payload (type %d)",
                 mcx_mikey_pt_name((unsigned)de->payload_type), de->payload_type);
    if (a->json) {
        printf(", \"error\": {\"offset\": %zu, \"payload_offset\": %zu, \"payload_type\": %d, "
               "\"where\": ",
               de->offset, de->payload_offset, de->payload_type);
        cli_json_string(stdout, where);
        printf(", \"reason\": ");
        cli_json_string(stdout, de->reason ? de->reason : "");
        printf(", \"code\": \"%s\"}}\n", mcx_errname(e));
    } else {
        printf("error at offset %zu, in the %s starting at offset %zu: %s (%s)\n", de->offset,
               where, de->payload_offset, de->reason ? de->reason : "", mcx_errname(e));
    }
    fprintf(stderr, "mcxsec mikey dump: malformed message: %s at offset %zu\n",
            de->reason ? de->reason : mcx_strerror(e), de->offset);
}

int mikey_cmd_dump(int argc, char **argv)
{
    static const struct cli_optspec spec[] = {
        CLI_KEYS_OPTS, {"at", 1, 0}, {"gmk", 1, 0}, {"gmk-id", 1, 0}, {NULL, 0, 0}};
    const char *cmd = "mikey dump";
    struct cli_args a;
    int rc = cli_parse(&a, cmd, spec, argc, argv);
    if (rc != CLI_OK)
        return rc;
    if (a.npos != 1) {
        fprintf(
            stderr,
            "usage: mcxsec mikey dump [--json] [--cert CERT.xml --keyset KEYSET.xml [--at TIME]]\n"
            "                         [--gmk HEX --gmk-id HEX] FILE|-\n"
            "  Decodes a MIKEY message (raw, hex, base64 or SDP a=key-mgmt:mikey, auto-detected).\n"
            "  With --cert/--keyset (I_MESSAGE) or --gmk/--gmk-id (GSK message) it also verifies\n"
            "  and decrypts it and PRINTS THE KEY.\n");
        return CLI_USAGE;
    }
    uint8_t *msg = NULL;
    size_t len = 0;
    enum mikey_form form;
    if ((rc = mikey_read_msg(cmd, a.pos[0], &msg, &len, &form)) != CLI_OK)
        return rc;
    static struct mcx_mikey_msg m;
    struct mcx_mikey_decode_error de;
    mcx_err e = mcx_mikey_decode_ex(msg, len, &m, NULL, &de);
    struct em em = {a.json, 0, 0};
    if (a.json)
        printf("{\"length\": %zu, \"input\": \"%s\", \"payloads\": [", len, mikey_form_name(form));
    else
        printf("MIKEY message, %zu octets (input: %s)\n", len, mikey_form_name(form));
    /* like a protocol analyser: what decoded, then where and why the rest did not */
    if (e == MCX_OK || de.payload_type != MCX_MIKEY_DECODE_IN_HDR) {
        /* the type announced after the last decoded payload: the failing one, if any */
        unsigned last_next = e == MCX_OK || de.payload_type < 0 ? 0 : (unsigned)de.payload_type;
        size_t off = prefix_len(&m, 0);
        dump_hdr(&em, &m.hdr, m.n ? m.p[0].type : last_next, off);
        for (size_t i = 0; i < m.n; i++) {
            size_t end = prefix_len(&m, i + 1);
            dump_payload(&em, &m.p[i], i + 1 < m.n ? m.p[i + 1].type : last_next, off, end - off);
            off = end;
        }
    }
    if (a.json)
        printf("]");
    if (e != MCX_OK) {
        dump_decode_error(&a, &de, e);
        free(msg);
        return CLI_USAGE;
    }
    rc = CLI_OK;
    if (cli_get(&a, "cert") != NULL && m.hdr.data_type == MCX_MIKEY_DT_SAKKE) {
        struct cli_keys k;
        mcx_mikey_ctx *ctx = NULL;
        int64_t now = 0;
        if ((rc = cli_keys_load(cmd, &a, 2, &k)) == CLI_OK &&
            (rc = cli_keys_ctx(cmd, &k, &ctx)) == CLI_OK) {
            /* the message is judged as of --at, else as of its own timestamp */
            if (cli_get(&a, "at") != NULL)
                rc = cli_time_or_now(cmd, &a, &now);
            else if (m.n > 0 && m.p[0].type == MCX_MIKEY_PT_T)
                now = (int64_t)(m.p[0].u.t.value >> 32) - (int64_t)MCX_NTP_UNIX_OFFSET;
        }
        cli_keys_wipe(&k);
        if (rc == CLI_OK && m.hdr.data_type == MCX_MIKEY_DT_SAKKE) {
            struct mcx_mikey_result r;
            /* a dump shows a key delivered ahead of its activation too (marked pending) */
            mcx_mikey_ctx_set_accept_pending(ctx, 1);
            e = mcx_mikey_process(ctx, msg, len, MCX_MIKEY_ANY_PURPOSE, now, &r);
            char kid[16], t[32];
            if (a.json) {
                printf(", \"verification\": {\"result\": \"%s\"",
                       e == MCX_OK ? "ok" : mcx_errname(e));
                if (e == MCX_OK) {
                    char *kh = cli_hex_str(r.key, 16), *rh = cli_hex_str(r.rand, r.rand_len);
                    printf(", \"purpose\": \"%s\", \"key\": \"%s\", \"key_id\": \"%08x\", "
                           "\"csb_id\": \"%08x\", \"rand\": \"%s\"",
                           mcx_purpose_name(r.purpose), kh ? kh : "", r.key_id, r.csb_id,
                           rh ? rh : "");
                    printf(", \"initiator\": ");
                    cli_json_string(stdout, r.initiator_uri);
                    if (r.has_params) {
                        printf(", \"params\": {\"key_type\": %u, \"status\": %u, \"activation\": "
                               "%llu, \"expiry\": %llu",
                               r.params.key_type, r.params.status,
                               (unsigned long long)r.params.activation,
                               (unsigned long long)r.params.expiry);
                        printf(", \"pending\": %s, \"text\": ", r.pending ? "true" : "false");
                        cli_json_string(stdout, r.params.text);
                        printf(", \"groups\": [");
                        for (size_t g = 0; g < r.params.n_groups; g++) {
                            printf("%s", g ? ", " : "");
                            cli_json_string(stdout, r.params.groups[g]);
                        }
                        printf("]}");
                    }
                    if (kh)
                        mcx_wipe(kh, strlen(kh));
                    free(kh);
                    free(rh);
                }
                printf("}");
            } else {
                printf("verification: %s\n",
                       e == MCX_OK ? "OK (signature valid, key decapsulated)" : mcx_errname(e));
                if (e == MCX_OK) {
                    char *kh = cli_hex_str(r.key, 16), *rh = cli_hex_str(r.rand, r.rand_len);
                    snprintf(kid, sizeof kid, "%08x", r.key_id);
                    printf("  purpose            %s\n  key                %s\n  key ID             "
                           "%s\n"
                           "  CSB ID             %08x\n  RAND               %s\n  initiator        "
                           "  %s\n",
                           mcx_purpose_name(r.purpose), kh ? kh : "", kid, r.csb_id, rh ? rh : "",
                           r.initiator_uri[0] ? r.initiator_uri : "(hidden: hashed UID)");
                    if (r.has_params) {
                        printf("  key parameters     type %u, status 0x%08x (%s), text \"%s\"\n",
                               r.params.key_type, r.params.status,
                               (r.params.status & MCX_KEY_STATUS_NOT_REVOKED) ? "not revoked"
                                                                              : "REVOKED",
                               r.params.text);
                        if (r.params.activation) {
                            cli_ntp_fmt(r.params.activation << 32, t);
                            printf("  activation         %s\n", t);
                        }
                        if (r.params.expiry) {
                            cli_ntp_fmt(r.params.expiry << 32, t);
                            printf("  expiry             %s\n", t);
                        }
                        if (r.pending)
                            printf("  pending            yes: not to be used before activation\n");
                        for (size_t g = 0; g < r.params.n_groups; g++)
                            printf("  group              %s\n", r.params.groups[g]);
                    }
                    if (kh)
                        mcx_wipe(kh, strlen(kh));
                    free(kh);
                    free(rh);
                }
            }
            mcx_wipe(&r, sizeof r);
            if (e != MCX_OK)
                rc =
                    e == MCX_ERR_VERIFY || e == MCX_ERR_SAKKE_CHECK ? CLI_VERIFY_FAILED : CLI_USAGE;
        }
        mcx_mikey_ctx_free(ctx);
    }
    if (rc == CLI_OK && m.hdr.data_type == MCX_MIKEY_DT_PSK_INIT && cli_get(&a, "gmk") != NULL)
        rc = dump_gsk(cmd, &a, msg, len, &m);
    if (a.json)
        printf("}\n");
    free(msg);
    return rc;
}
