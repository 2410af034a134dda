/*
 * libFuzzer harness for MIKEY-SAKKE I_MESSAGE processing past the signature
 * (src/codec/mikey_imessage.c). A fuzzer cannot forge ECCSI, so the plain mikey_imessage harness
 * stops at the signature; here every input that decodes is first made authentic with the
 * Streamwide test keys (fuzz/sw_keys.h):
 *  - the key-parameter extension (General Extension 7) carries its PLAINTEXT after the 35-octet
 *    protected-payload header; the harness parses it, and when it parses seals it under the key the
 *    SAKKE payload carries to Alice (decapsulated with her RSK), with the header's date, IV and
 *    DPPK-ID, so that TS 33.180 E.6 enforcement is reached;
 *  - the message is re-signed by the identity its IDRi names (the GMS, Alice or Bob; the GMS when
 *    it names none), so that the purpose, SAKKE, GUK-ID, key-parameter and replay checks are
 *    reached.
 * It is then processed as Alice (responder) and as Alice's other device (SAKKE-to-self).
 * Invariants: a rejected message leaves no key material; an accepted one is refused as a replay the
 * second time and carries the purpose of its CSB-ID.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec/mikey_int.h"
#include "mcxsec/util.h"
#include "sw_keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(mcx_mikey_ctx *ctx, const uint8_t *msg, size_t len, int self, int64_t now)
{
    static const struct mcx_mikey_result zero;
    struct mcx_mikey_result r;
    if (mcx_mikey_ctx_set_replay_capacity(ctx, 4) != MCX_OK)
        abort();
    mcx_err rc = self ? mcx_mikey_process_self(ctx, msg, len, MCX_MIKEY_ANY_PURPOSE, now, &r)
                      : mcx_mikey_process(ctx, msg, len, MCX_MIKEY_ANY_PURPOSE, now, &r);
    if (rc != MCX_OK) {
        if (memcmp(&r, &zero, sizeof r) != 0)
            abort(); /* no key material from a rejected message */
        return;
    }
    struct mcx_mikey_msg m;
    if (mcx_mikey_decode(msg, len, &m, NULL) != MCX_OK ||
        (unsigned)r.purpose != MCX_KEY_ID_PURPOSE(m.hdr.csb_id))
        abort();
    rc = self ? mcx_mikey_process_self(ctx, msg, len, MCX_MIKEY_ANY_PURPOSE, now, &r)
              : mcx_mikey_process(ctx, msg, len, MCX_MIKEY_ANY_PURPOSE, now, &r);
    if (rc != MCX_ERR_MIKEY_REPLAY)
        abort(); /* (RAND, T) accepted once only */
    mcx_wipe(&r, sizeof r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct mcx_mikey_msg m;
    static uint8_t out[MCX_MIKEY_MAX_MSG], sealed[MCX_MIKEY_MAX_PAYLOADS][MCX_MIKEY_MAX_GEXT];
    mcx_mikey_ctx *ctx = sw_alice_ctx();
    int64_t now = (int64_t)0xec898da8LL - (int64_t)MCX_NTP_UNIX_OFFSET;
    if (mcx_mikey_decode(data, size, &m, NULL) != MCX_OK) {
        check(ctx, data, size, 0, now); /* rejected by the decoder inside process */
        return 0;
    }
    /* an input bit (the first RAND octet) decides whether keys not yet active are accepted */
    int flags = m.n > 1 && m.p[1].type == MCX_MIKEY_PT_RAND ? m.p[1].u.rand.p[0] : 0;
    mcx_mikey_ctx_set_accept_pending(ctx, flags & 1);
    /* the key the message carries to Alice, if any: in the SAKKE payload (Alice the responder),
     * or in SAKKE-to-self (Alice the initiator) */
    uint8_t key[16];
    int have_key = 0;
    for (size_t i = 0; i < m.n && !have_key; i++) {
        const struct mcx_mikey_payload *p = &m.p[i];
        if (p->type == MCX_MIKEY_PT_SAKKE && p->u.sakke.data.len == MCX_SAKKE_SED_BYTES)
            have_key = mcx_sakke_decapsulate(ctx->ks[0].rsk, p->u.sakke.data.p, key) == MCX_OK;
        else if (p->type == MCX_MIKEY_PT_GEXT && p->u.gext.type == MCX_MIKEY_GEXT_SAKKE_TO_SELF &&
                 p->u.gext.data.len == 5 + MCX_SAKKE_SED_BYTES)
            have_key = mcx_sakke_decapsulate(ctx->ks[0].rsk, p->u.gext.data.p + 5, key) == MCX_OK;
    }
    /* General Extension 7: header (35) | plaintext | tag space (16) -> the sealed payload */
    for (size_t i = 0; i < m.n && have_key; i++) {
        struct mcx_mikey_payload *p = &m.p[i];
        size_t sl = sizeof sealed[i];
        if (p->type == MCX_MIKEY_PT_GEXT && p->u.gext.type == MCX_MIKEY_GEXT_KEY_PARAMS &&
            sw_seal_params(key, &p->u.gext.data, sealed[i], &sl)) {
            p->u.gext.data.p = sealed[i];
            p->u.gext.data.len = sl;
        }
    }
    mcx_wipe(key, sizeof key);
    size_t ol = sizeof out;
    struct mcx_mikey_layout lay;
    if (mcx_mikey_encode(&m, out, &ol, &lay) != MCX_OK)
        return 0; /* sealing made it longer than a message may be */
    sw_resign(&m, out, ol, lay.sig_off);
    check(ctx, out, ol, 0, now);
    check(ctx, out, ol, 1, now);
    return 0;
}
