/*
 * libFuzzer harness for ECCSI verification (RFC 6507 §5.2.2) and public-point decoding.
 * Input layout: sig (129 octets: r || s || PVT) || id_len (1 octet) || id || msg, against the fixed
 * RFC 6507 Appendix A KPAK; shorter inputs are zero-padded. Oracles: no crash or sanitizer report,
 * only documented error codes, the caching verifier agrees with the uncached one on every input,
 * and the 65-octet point decoder agrees with both on the PVT.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/eccsi_internal.h"
#include "mcxsec/eccsi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t KPAK[MCX_ECCSI_POINT_BYTES] = {
    0x04, 0x50, 0xd4, 0x67, 0x0b, 0xde, 0x75, 0x24, 0x4f, 0x28, 0xd2, 0x83, 0x8a,
    0x0d, 0x25, 0x55, 0x8a, 0x7a, 0x72, 0x68, 0x6d, 0x45, 0x22, 0xd4, 0xc8, 0x27,
    0x3f, 0xb6, 0x44, 0x2a, 0xeb, 0xfa, 0x93, 0xdb, 0xdd, 0x37, 0x55, 0x1a, 0xfd,
    0x26, 0x3b, 0x5d, 0xfd, 0x61, 0x7f, 0x39, 0x60, 0xc6, 0x5a, 0x8c, 0x29, 0x88,
    0x50, 0xff, 0x99, 0xf2, 0x03, 0x66, 0xdc, 0xe7, 0xd4, 0x36, 0x72, 0x17, 0xf4};

static int documented(mcx_err e)
{
    switch (e) {
    case MCX_OK:
    case MCX_ERR_VERIFY:
    case MCX_ERR_SCALAR_RANGE:
    case MCX_ERR_POINT_FORMAT:
    case MCX_ERR_POINT_RANGE:
    case MCX_ERR_NOT_ON_CURVE:
    case MCX_ERR_INFINITY:
    case MCX_ERR_EMPTY_ID:
        return 1;
    default:
        return 0;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static mcx_eccsi_verifier *vf;
    uint8_t sig[MCX_ECCSI_SIG_BYTES] = {0};
    size_t n = size < sizeof sig ? size : sizeof sig;
    memcpy(sig, data, n);
    data += n;
    size -= n;
    size_t id_len = 0;
    if (size > 0) {
        id_len = data[0];
        data++;
        size--;
        if (id_len > size)
            id_len = size;
    }
    const uint8_t *id = data;
    const uint8_t *msg = data + id_len;
    size_t msg_len = size - id_len;

    if (vf == NULL && mcx_eccsi_verifier_new(&vf, KPAK, 64) != MCX_OK)
        abort();
    mcx_err pt = mcxi_eccsi_point_check(sig + 64);
    mcx_err u = mcx_eccsi_verify(KPAK, id, id_len, msg, msg_len, sig);
    mcx_err c = mcx_eccsi_verifier_verify(vf, id, id_len, msg, msg_len, sig);
    if (!documented(u) || u != c)
        abort();
    /* a PVT the decoder rejects must make verification fail with the same error, unless an
     * earlier check (empty id, r/s range) fired first */
    if (pt != MCX_OK && u != pt && u != MCX_ERR_EMPTY_ID && u != MCX_ERR_SCALAR_RANGE)
        abort();
    if (u == MCX_OK && pt != MCX_OK)
        abort();
    return 0;
}
