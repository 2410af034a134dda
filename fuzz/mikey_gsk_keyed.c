/*
 * libFuzzer harness for GSK message processing past the MAC and the signature
 * (src/codec/mikey_gsk.c, docs/gsk-format.md). A fuzzer cannot forge the KEMAC MAC or ECCSI, so the
 * plain mikey_gsk harness stops there; here every input that decodes is first made authentic with
 * GMK 0df9bc39 and the Streamwide test keys (fuzz/sw_keys.h):
 *  - the KEMAC Encr data carries the PLAINTEXT key data sub-payloads: the harness parses them and
 *    encrypts them with the envelope keys of the GMK for the message's CSB ID, RAND and T;
 *  - the validity extension (General Extension 7) carries its plaintext after the 35-octet header,
 *    and is sealed under the GSK of the key data when both parse;
 *  - the KEMAC MAC is recomputed and the message re-signed by the identity its IDRi names.
 * So GSK decryption, key-data parsing, the validity rules, the GMK bounds and the signer policy are
 * reached; the first RAND octet chooses whether a signature is required and pending offers are
 * accepted. Invariants: a rejected message leaves no key material; an accepted one gives the GSK of
 * its key data, and gives it again when re-processed (no replay cache for re-sent offers).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/mikey_int.h"
#include "mcxsec/util.h"
#include "sw_keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t GMK[16] = {0x07, 0xd1, 0xa1, 0x67, 0x7a, 0xc3, 0x6d, 0x8e,
                                0x81, 0x62, 0x04, 0x84, 0x68, 0x9b, 0x3c, 0x2d};
/* the GMK's validity, as from its I_MESSAGE: the worked example's day (NTP seconds) */
#define GMK_ACTIVATION (3968481600ULL - 86400)
#define GMK_EXPIRY (3968481600ULL + 86400)

static mcx_err lookup(void *arg, uint32_t id, struct mcx_gsk_gmk *gmk)
{
    (void)arg;
    if (id != 0x0df9bc39)
        return MCX_ERR_NOT_FOUND;
    memcpy(gmk->key, GMK, 16);
    gmk->activation = GMK_ACTIVATION;
    gmk->expiry = GMK_EXPIRY;
    return MCX_OK;
}

/* Bob is not an acceptable signer. */
static int policy(void *arg, const char *uri, const uint8_t uid[32])
{
    (void)arg;
    (void)uid;
    return strcmp(uri, "sip:bob@streamwide.com") != 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct mcx_mikey_msg m;
    static uint8_t out[MCX_MIKEY_MAX_MSG], enc[MCX_MIKEY_MAX_MSG], sealed[MCX_MIKEY_MAX_GEXT];
    static const struct mcx_gsk_result zero;
    struct mcx_gsk_process_args pa;
    memset(&pa, 0, sizeof pa);
    pa.lookup = lookup;
    pa.verifier = sw_alice_ctx();
    pa.policy = policy;
    pa.now = 1759492800; /* the worked example's time */
    const uint8_t *msg = data;
    size_t len = size;
    uint8_t gsk[16];
    int have_gsk = 0;
    struct mcx_mikey_layout lay;
    if (mcx_mikey_decode(data, size, &m, NULL) == MCX_OK && m.n >= 2 &&
        m.p[1].type == MCX_MIKEY_PT_RAND && m.p[0].type == MCX_MIKEY_PT_T) {
        const struct mcx_mikey_bytes *rnd = &m.p[1].u.rand;
        /* input bits (the first RAND octet) choose the receiver's options */
        pa.require_signature = rnd->p[0] & 1;
        pa.accept_pending = (rnd->p[0] >> 1) & 1;
        for (size_t i = 0; i < m.n; i++) {
            struct mcx_mikey_payload *p = &m.p[i];
            if (p->type != MCX_MIKEY_PT_KEMAC)
                continue;
            struct mcx_mikey_keydata kd[4];
            size_t nkd = 4;
            if (mcx_mikey_keydata_decode(p->u.kemac.encr.p, p->u.kemac.encr.len, kd, &nkd) ==
                    MCX_OK &&
                kd[0].key.len == 16) {
                memcpy(gsk, kd[0].key.p, 16);
                have_gsk = 1;
            }
            if (mcxi_gsk_crypt(GMK, m.hdr.csb_id, rnd->p, rnd->len, m.p[0].u.t.value,
                               p->u.kemac.encr.p, p->u.kemac.encr.len, enc) != MCX_OK)
                abort();
            p->u.kemac.encr.p = enc;
        }
        for (size_t i = 0; i < m.n && have_gsk; i++) {
            struct mcx_mikey_payload *p = &m.p[i];
            size_t sl = sizeof sealed;
            if (p->type != MCX_MIKEY_PT_GEXT || p->u.gext.type != MCX_MIKEY_GEXT_KEY_PARAMS)
                continue;
            if (sw_seal_params(gsk, &p->u.gext.data, sealed, &sl)) {
                p->u.gext.data.p = sealed;
                p->u.gext.data.len = sl;
            }
            break; /* one extension is sealed; a second one is refused anyway */
        }
        size_t ol = sizeof out;
        if (mcx_mikey_encode(&m, out, &ol, &lay) == MCX_OK) {
            if (lay.mac_off != 0 && mcxi_gsk_mac(GMK, m.hdr.csb_id, rnd->p, rnd->len, out,
                                                 lay.mac_off, out + lay.mac_off) != MCX_OK)
                abort();
            sw_resign(&m, out, ol, lay.sig_off);
            msg = out;
            len = ol;
        }
    }
    struct mcx_gsk_result r, r2;
    mcx_err rc = mcx_gsk_process(&pa, msg, len, &r);
    if (rc != MCX_OK) {
        if (memcmp(&r, &zero, sizeof r) != 0)
            abort(); /* no key material from a rejected message */
    } else {
        if (!have_gsk || memcmp(r.gsk, gsk, 16) != 0)
            abort(); /* the GSK is the key data's */
        if (mcx_gsk_process(&pa, msg, len, &r2) != MCX_OK || memcmp(r.gsk, r2.gsk, 16) != 0)
            abort(); /* a re-sent offer opens again */
    }
    mcx_wipe(gsk, sizeof gsk);
    mcx_wipe(&r, sizeof r);
    mcx_wipe(&r2, sizeof r2);
    return 0;
}
