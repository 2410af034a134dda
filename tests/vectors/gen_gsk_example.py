#!/usr/bin/env python3
# Independent implementation of the GSK message format of docs/gsk-format.md (Python + the
# `cryptography` package), used to produce mikey_gsk_example.txt. test_mikey_gsk checks that the C
# implementation reproduces these bytes exactly.
import hmac, hashlib, struct
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

def prf(inkey, label, n):
    # RFC 3830 §4.1.2 P-function with HMAC-SHA-256 (RFC 6043 §6.1); inkey <= 256 bits: one chunk
    out, a = b"", label
    while len(out) < n:
        a = hmac.new(inkey, a, hashlib.sha256).digest()
        out += hmac.new(inkey, a + label, hashlib.sha256).digest()
    return out[:n]

gmk = bytes.fromhex("07d1a1677ac36d8e81620484689b3c2d"); gmk_id = 0x0df9bc39
gsk = bytes.fromhex("00112233445566778899aabbccddeeff"); gsk_id = 0x05a1b2c3
rand = bytes(range(16)); now_unix = 1759492800                 # 2025-10-03T12:00:00Z
t = (now_unix + 2208988800) << 32                              # NTP-UTC, fraction 0
sp = bytes.fromhex("000106010110020104" "04010c050100060100" "120104130100140110")

label = lambda c: struct.pack(">IBI", c, 0xFF, gmk_id) + rand   # RFC 3830 §4.1.4
encr_key = prf(gmk, label(0x150533E1), 16)
auth_key = prf(gmk, label(0x2D22AC75), 32)
salt_key = prf(gmk, label(0x29B88916), 14)

keydata = bytes([0, 0x01]) + struct.pack(">H", 16) + gsk + bytes([4]) + struct.pack(">I", gsk_id)
iv = bytearray(salt_key + b"\0\0")
for i, b in enumerate(struct.pack(">I", gmk_id)): iv[2 + i] ^= b
for i, b in enumerate(struct.pack(">Q", t)): iv[6 + i] ^= b
enc = Cipher(algorithms.AES(encr_key), modes.CTR(bytes(iv))).encryptor()
encr = enc.update(keydata) + enc.finalize()

hdr = bytes([1, 0, 5, 0x01]) + struct.pack(">I", gmk_id) + bytes([1, 2]) \
    + bytes([4, 0, 0x01, 0]) + struct.pack(">H", 0) + bytes([4]) + struct.pack(">I", gsk_id)
tpl = bytes([11, 0]) + struct.pack(">Q", t)
rpl = bytes([10, 16]) + rand
spl = bytes([1, 0, 0]) + struct.pack(">H", len(sp)) + sp
kemac_head = bytes([0, 1]) + struct.pack(">H", len(encr)) + encr + bytes([2])
body = hdr + tpl + rpl + spl + kemac_head
mac = hmac.new(auth_key, body, hashlib.sha256).digest()
msg = body + mac

print("# GSK message worked example (docs/gsk-format.md). Provenance: computed by")
print("# tests/vectors/gen_gsk_example.py, an independent Python implementation of the format.")
print("[example]")
for k, v in [("gmk", gmk.hex()), ("gmk_id", "%08x" % gmk_id), ("gsk", gsk.hex()), ("gsk_id", "%08x" % gsk_id),
             ("rand", rand.hex()), ("now_unix", str(now_unix)), ("t", "%016x" % t),
             ("encr_key", encr_key.hex()), ("auth_key", auth_key.hex()), ("salt_key", salt_key.hex()),
             ("iv", bytes(iv).hex()), ("keydata", keydata.hex()), ("encr", encr.hex()), ("mac", mac.hex()),
             ("message", msg.hex())]:
    print(f"{k} = {v}")
