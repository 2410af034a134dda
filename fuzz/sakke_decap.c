/*
 * Fuzz harness: SAKKE decapsulation (RFC 6508 §6.2.2) of arbitrary input with a fixed test key
 * (the RFC 6508 Appendix A KMS key and RSK), and point decoding of the same bytes as a KMS public
 * key. Inputs that are not exactly 273 octets are padded/truncated into a SED as well, so short and
 * long inputs reach the parser too. Must never crash, leak or release an SSV on failure.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcxsec/sakke.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t ID[] = "2011-02\0tel:+447700900123"; /* includes the final NUL */

static int hexv(char c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

static void unhex(uint8_t *out, const char *hex, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(hexv(hex[2 * i]) * 16 + hexv(hex[2 * i + 1]));
}

/* RFC 6508 Appendix A */
static const char *Z_HEX =
    "045958EF1B1679BF099B3A030DF255AA6A23C1D8F143D4D23F753E69BD27A832F38CB4AD53DDEF4260B0FE8BB45C4C"
    "1FF510EFFE300367A37B61F701D914AEF09724825FA0707D61A6DFF4FBD7273566CDDE352A0B04B7C16A78309BE640"
    "697DE747613A5FC195E8B9F328852A579DB8F99B1D0034479EA9C5595F47C4B2F54FF21508D37514DCF7A8E143A605"
    "8C09A6BF2C9858CA37C258065AE6BF7532BC8B5B63383866E0753C5AC0E72709F8445F2E6178E065857E0EDA10F682"
    "06B63505ED87E534FB2831FF957FB7DC619DAE61301EEACC2FDA3680EA4999258A833CEA8FC67C6D19487FB449059F"
    "26CC8AAB655AB58B7CC796E24E9A394095754F5F8BAE";
static const char *K_HEX =
    "0493AF67E5007BA6E6A80DA793DA300FA4B52D0A74E25E6E7B2B3D6EE9D18A9B5C5023597BD82D8062D34019563BA1"
    "D25C0DC56B7B979D74AA50F29FBF11CC2C93F5DFCA615E609279F6175CEADB00B58C6BEE1E7A2A47C4F0C456F05259"
    "A6FA94A634A40DAE1DF593D4FECF688D5FC678BE7EFC6DF3D6835325B83B2C6E69036B155F0A27241094B04BFB0BDF"
    "AC6C670A65C325D39A069F03659D44CA27D3BE8DF311172B554160181CBE94A2A783320CED590BC42644702CF37127"
    "1E496BF20F588B78A1BC01ECBB6559934BDD2FB65D2884318A33D1A42ADF5E33CC5800280B28356497F87135BAB961"
    "2A17260424409AC15FEE996B744C332151235DECB0F5";

static mcx_sakke_pub *pub;
static mcx_sakke_rsk *rsk;

static int setup(void)
{
    uint8_t Z[MCX_SAKKE_POINT_BYTES], K[MCX_SAKKE_POINT_BYTES];
    char kh[2 * MCX_SAKKE_POINT_BYTES + 1];
    size_t j = 0;
    for (const char *p = K_HEX; *p != '\0'; p++)
        if (*p != ' ')
            kh[j++] = *p;
    kh[j] = '\0';
    unhex(Z, Z_HEX, sizeof Z);
    unhex(K, kh, sizeof K);
    if (mcx_sakke_pub_new(&pub, Z) != MCX_OK)
        return -1;
    if (mcx_sakke_rsk_new(&rsk, pub, ID, sizeof ID, K) != MCX_OK)
        return -1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        if (setup() != 0)
            abort(); /* the fixed RFC key must load */
        ready = 1;
    }
    uint8_t sed[MCX_SAKKE_SED_BYTES], ssv[MCX_SAKKE_SSV_BYTES];
    memset(sed, 0, sizeof sed);
    memcpy(sed, data, size < sizeof sed ? size : sizeof sed);
    mcx_err e = mcx_sakke_decapsulate(rsk, sed, ssv);
    if (e != MCX_OK) {
        for (size_t i = 0; i < sizeof ssv; i++)
            if (ssv[i] != 0)
                abort(); /* an SSV was released on failure */
    }
    /* the same bytes as a KMS public key */
    uint8_t Z[MCX_SAKKE_POINT_BYTES];
    memset(Z, 0, sizeof Z);
    memcpy(Z, data, size < sizeof Z ? size : sizeof Z);
    mcx_sakke_pub *p = NULL;
    if (mcx_sakke_pub_new(&p, Z) == MCX_OK)
        mcx_sakke_pub_free(p);
    else if (p != NULL)
        abort();
    return 0;
}
