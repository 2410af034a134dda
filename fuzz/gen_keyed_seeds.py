#!/usr/bin/env python3
"""Seeds for the re-signing fuzz harnesses (fuzz/mikey_imessage_signed.c, fuzz/mikey_gsk_keyed.c).

Those harnesses take messages whose protected parts are in the clear -- the KEMAC Encr data of a
GSK message holds the plaintext key data, a key-parameter extension (General Extension 7) holds
its plaintext after the 35-octet header -- and protect and sign them themselves. This script makes
such messages from the Streamwide vectors and from messages the built CLI creates with the
Streamwide test keys (tests/vectors/kmsxml/), replacing each protected part by the plaintext it
was made from (known here: the script chose the key parameters, the CLI prints the GSK).

Usage: fuzz/gen_keyed_seeds.py BIN_DIR   (writes fuzz/corpus/mikey_{imessage_signed,gsk_keyed}/)
"""
import base64
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VEC = os.path.join(HERE, "..", "tests", "vectors")
KX = os.path.join(VEC, "kmsxml")
NTP_UNIX = 2208988800
SW_AT = "2025-10-02T23:48:00Z"  # T of the Streamwide messages (NTP 0xec898da8)
GSK_AT = "2025-10-03T12:00:00Z"  # the GSK worked example's time
GMK = "07d1a1677ac36d8e81620484689b3c2d"
GMK_ID = "0df9bc39"


def payloads(m):
    """(type, start, end, body_start) of every payload after the HDR (RFC 3830 §6)."""
    n_cs, mt = m[8], m[9]
    off = 10
    for _ in range(n_cs):
        if mt == 0:
            off += 9
        elif mt == 2:
            npol = m[off + 2] & 0x7F
            off += 3 + npol
            off += 2 + int.from_bytes(m[off:off + 2], "big")
            off += 1 + m[off]
    nxt, out = m[2], []
    while nxt != 0:
        t, s = nxt, off
        if t == 4:  # SIGN
            out.append((t, s, len(m), s + 2))
            break
        nxt = m[off]
        if t == 5:
            off += 2 + (8 if m[off + 1] <= 1 else 4)
        elif t == 11:
            off += 2 + m[off + 1]
        elif t in (10, 14, 26):  # SP, IDR, SAKKE: three octets, then a 16-bit length
            off += 5 + int.from_bytes(m[off + 3:off + 5], "big")
        elif t == 21:  # General Extension: type, then a 16-bit length
            off += 4 + int.from_bytes(m[off + 2:off + 4], "big")
        elif t == 1:
            el = int.from_bytes(m[off + 2:off + 4], "big")
            off += 4 + el
            off += 1 + {0: 0, 1: 20, 2: 32}[m[off]]
        else:
            raise ValueError("payload %d" % t)
        out.append((t, s, off, s + 1))
    return out


def params_plain(key_type, status, act=0, exp=0, text=b"", groups=None):
    """TS 33.180 E.6.1 Key Parameters content, as mcx_key_params_encode writes it."""
    p = bytes([key_type]) + status.to_bytes(4, "big") + act.to_bytes(5, "big")
    p += exp.to_bytes(5, "big") + len(text).to_bytes(2, "big") + text
    if groups is not None:
        g = bytes([len(groups)])
        for gid in groups:
            g += b"\x00" + len(gid).to_bytes(2, "big") + gid
        p += len(g).to_bytes(2, "big") + g
    return p


def with_plain_gext7(m, plain):
    m = bytearray(m)
    for t, s, e, b in payloads(m):
        if t == 21 and m[b] == 7:
            d = b + 3  # type, length(16), data
            assert e - d - 35 - 16 == len(plain), (e - d, len(plain))
            m[d + 35:e - 16] = plain
    return bytes(m)


def with_plain_kemac(m, plain):
    m = bytearray(m)
    for t, s, e, b in payloads(m):
        if t == 1:
            el = int.from_bytes(m[b + 1:b + 3], "big")
            assert el == len(plain)
            m[b + 3:b + 3 + el] = plain
    return bytes(m)


def cli(bin_dir, *args):
    r = subprocess.run([os.path.join(bin_dir, "mcxsec")] + list(args), check=True,
                       capture_output=True, text=True).stdout
    return dict(l.split("=", 1) for l in r.splitlines() if "=" in l)


def ntp(iso):
    import datetime
    t = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    return int(t.timestamp()) + NTP_UNIX


def main():
    bin_dir = sys.argv[1]
    tmp = os.path.join(HERE, "..", "build", "seeds.tmp")
    keys = ["--cert", os.path.join(KX, "sw_response_init.xml")]
    ks = lambda who: ["--keyset", os.path.join(KX, "sw_keyset_%s.xml" % who)]
    im, gk = [], []
    # the Streamwide messages: the GMK with its key parameters in the clear, CSK and PCK as they are
    sw = {}
    for line in open(os.path.join(VEC, "streamwide_v5.txt")):
        if line.startswith("["):
            sec = line.strip()[1:-1]
        elif line.startswith("message = "):
            sw[sec] = base64.b64decode(line.split(" = ")[1])
    im.append(("sw_test1_gmk_plain", with_plain_gext7(sw["test1_gmk"], params_plain(0, 1, groups=[]))))
    im.append(("sw_test2_csk", sw["test2_csk"]))
    im.append(("sw_test3_pck", sw["test3_pck"]))
    # messages to Alice, and from Alice (for her other device: SAKKE-to-self)
    act, exp = ntp("2025-10-02T23:00:00Z"), ntp("2025-10-03T23:00:00Z")
    made = [
        ("gmk_uris_params_self", "gms", ["--purpose", "gmk", "--to", "sip:alice@streamwide.com",
         "--text", "Fire", "--group-id", "sip:fire@example.org", "--activation",
         "2025-10-02T23:00:00Z", "--expiry", "2025-10-03T23:00:00Z", "--sakke-to-self"],
         params_plain(0, 1, act, exp, b"Fire", [b"sip:fire@example.org"])),
        ("musik_download_revoked", "gms", ["--purpose", "musik", "--to", "sip:alice@streamwide.com",
         "--revoked"], params_plain(6, 0, groups=[])),
        ("pck_from_bob_hidden", "bob", ["--purpose", "pck", "--to", "sip:alice@streamwide.com",
         "--hide-ids"], None),
        ("pck_from_alice_self_params", "alice", ["--purpose", "pck", "--to", "sip:bob@streamwide.com",
         "--sakke-to-self", "--params"], params_plain(1, 1)),
        ("csk_download_pending", "gms", ["--purpose", "csk-download", "--to",
         "sip:alice@streamwide.com", "--activation", "2025-10-04T00:00:00Z"],
         params_plain(2, 1, ntp("2025-10-04T00:00:00Z"))),
    ]
    for name, who, args, plain in made:
        cli(bin_dir, "mikey", "create", *keys, *ks(who), "--at", SW_AT, "--out", tmp, *args)
        m = open(tmp, "rb").read()
        im.append((name, with_plain_gext7(m, plain) if plain is not None else m))
    # GSK: the worked example with its key data in the clear; signed offers with a stated validity
    ex = dict(l.strip().split(" = ") for l in open(os.path.join(VEC, "mikey_gsk_example.txt"))
              if " = " in l)
    gk.append(("worked_example_plain", with_plain_kemac(bytes.fromhex(ex["message"]),
                                                        bytes.fromhex(ex["keydata"]))))
    gsks = [
        ("signed_alice_validity", ["--expiry", "2025-10-03T13:00:00Z", *keys, *ks("alice")],
         params_plain(0, 1, 0, ntp("2025-10-03T13:00:00Z"))),
        ("signed_bob", [*keys, *ks("bob")], None),
        ("unsigned_pending", ["--activation", "2025-10-03T12:30:00Z", "--expiry",
         "2025-10-03T14:00:00Z"], params_plain(0, 1, ntp("2025-10-03T12:30:00Z"),
                                               ntp("2025-10-03T14:00:00Z"))),
    ]
    for name, args, plain in gsks:
        o = cli(bin_dir, "mikey", "gsk-create", "--gmk", GMK, "--gmk-id", GMK_ID, "--at", GSK_AT,
                "--out", tmp, *args)
        m = open(tmp, "rb").read()
        kd = bytes.fromhex("00010010" + o["gsk"] + "04" + o["gsk_id"])
        m = with_plain_kemac(m, kd)
        gk.append((name, with_plain_gext7(m, plain) if plain is not None else m))
    os.remove(tmp)
    for d, seeds in (("mikey_imessage_signed", im), ("mikey_gsk_keyed", gk)):
        for name, m in seeds:
            open(os.path.join(HERE, "corpus", d, name + ".bin"), "wb").write(m)


if __name__ == "__main__":
    main()
