#!/usr/bin/env bash
# Integration test of `mcxsec kms keygen|issue` and `mcxsec mikey dump|create|open|gsk-create|gsk-open|
# gmk-bulk`: key files are Annex D documents; every purpose round-trips with its CS-ID; rejections
# (incl. revoked / expired / not yet active keys) give the right exit codes; the Streamwide interop
# message opens with the published keys, also from the repository's commented hex file; dump shows
# the tree, and for a malformed message what decoded and where it stopped; SAKKE-to-self; GSK
# offers with a stated validity.
set -eu   # no pipefail: `... | grep -q` may close the pipe early
B="$MCXSEC_BIN_DIR/mcxsec"
V="$MCXSEC_SOURCE_DIR/tests/vectors"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
AT=2025-10-03T12:00:00Z
fail() { echo "FAIL: $*" >&2; exit 1; }
get() { sed -n "s/^$1=//p"; }

# --- key files ------------------------------------------------------------------------------------
"$B" kms keygen --kms-uri kms.example.org --cert-out cert.xml --master-out master.txt >/dev/null
for u in gms alice bob; do
  "$B" kms issue --cert cert.xml --master master.txt --user "sip:$u@example.org" --at $AT --out $u.xml >/dev/null
done
[ "$(stat -c %a alice.xml)" = 600 ] || fail "key set file is not mode 0600"
grep -q 'urn:3gpp:ns:mcsecKMSInterface:1.0' cert.xml || fail "certificate namespace"
grep -q '<UserDecryptKey>04' alice.xml || fail "key set content"

# --- GMK: group manager -> alice, with key parameters ----------------------------------------------
out=$("$B" mikey create --purpose gmk --cert cert.xml --keyset gms.xml --to sip:alice@example.org \
      --at $AT --group-id sip:fire@example.org --text Fire --expiry 2025-10-04T12:00:00Z --out gmk.mikey)
key=$(echo "$out" | get key); kid=$(echo "$out" | get key_id)
open=$("$B" mikey open --cert cert.xml --keyset alice.xml --at 2025-10-03T12:00:09Z --purpose gmk gmk.mikey)
[ "$(echo "$open" | get key)" = "$key" ] || fail "GMK key differs"
[ "$(echo "$open" | get key_id)" = "$kid" ] || fail "GMK-ID differs"
[ "$(echo "$open" | get group_id)" = "sip:fire@example.org" ] || fail "group id"
[ "$(echo "$open" | get expiry)" = "2025-10-04T12:00:00Z" ] || fail "expiry"
"$B" mikey open --json --cert cert.xml --keyset alice.xml --at $AT gmk.mikey | grep -q "\"key\": \"$key\"" || fail "json"

# rejections: wrong member (IDRr), outside the window, wrong purpose, tampered
set +e
"$B" mikey open --cert cert.xml --keyset bob.xml --at $AT gmk.mikey 2>/dev/null; [ $? = 2 ] || fail "bob opened alice's GMK"
"$B" mikey open --cert cert.xml --keyset alice.xml --at 2025-10-03T13:00:00Z gmk.mikey 2>/dev/null; [ $? = 2 ] || fail "time window"
"$B" mikey open --cert cert.xml --keyset alice.xml --at $AT --purpose pck gmk.mikey 2>/dev/null; [ $? = 2 ] || fail "purpose"
cp gmk.mikey bad.mikey; printf '\x55' | dd of=bad.mikey bs=1 seek=300 conv=notrunc 2>/dev/null
"$B" mikey open --cert cert.xml --keyset alice.xml --at $AT bad.mikey 2>/dev/null; [ $? = 1 ] || fail "tampered message accepted"
set -e

# key parameters are enforced: revoked / expired / not yet active are refused (exit 2); a key sent
# ahead of its activation opens with --accept-pending and says pending=true
"$B" mikey create --purpose gmk --cert cert.xml --keyset gms.xml --to sip:alice@example.org \
      --at $AT --revoked --out revoked.mikey >/dev/null
"$B" mikey create --purpose gmk --cert cert.xml --keyset gms.xml --to sip:alice@example.org \
      --at $AT --expiry 2025-10-03T11:00:00Z --out expired.mikey >/dev/null
"$B" mikey create --purpose gmk --cert cert.xml --keyset gms.xml --to sip:alice@example.org \
      --at $AT --activation 2025-10-04T00:00:00Z --out later.mikey >/dev/null
set +e
for f in revoked expired later; do
  "$B" mikey open --cert cert.xml --keyset alice.xml --at $AT $f.mikey 2>$f.err; [ $? = 2 ] || fail "$f GMK opened"
done
set -e
grep -q MCX_ERR_REVOKED revoked.err || fail "revoked: $(cat revoked.err)"
grep -q MCX_ERR_MIKEY_EXPIRED expired.err || fail "expired: $(cat expired.err)"
grep -q MCX_ERR_MIKEY_NOT_ACTIVE later.err || fail "not active: $(cat later.err)"
"$B" mikey open --cert cert.xml --keyset alice.xml --at $AT --accept-pending later.mikey | grep -q '^pending=true$' \
  || fail "pending GMK"

# --- every purpose, and the input forms (hex, base64, SDP) ------------------------------------------
for p in pck csk spk mkfc mscck musik; do
  out=$("$B" mikey create --purpose $p --cert cert.xml --keyset alice.xml --to sip:bob@example.org --at $AT --format sdp)
  echo "$out" | get message > $p.sdp
  [ "$("$B" mikey open --cert cert.xml --keyset bob.xml --at $AT $p.sdp | get key)" = "$(echo "$out" | get key)" ] || fail "$p"
  [ "$("$B" mikey open --cert cert.xml --keyset bob.xml --at $AT $p.sdp | get purpose)" = $p ] || fail "$p purpose"
done
# CS-IDs of TS 33.180 Table E.1.3-1: CSK 6, MuSiK (alias msk) 7; SPK, MKFC, MSCCK none (#CS 0)
for pc in csk:6 musik:7 msk:7 csk-download:6; do
  "$B" mikey create --purpose ${pc%%:*} --cert cert.xml --keyset alice.xml --to sip:bob@example.org --at $AT --out cs.mikey >/dev/null
  [ "$("$B" mikey open --cert cert.xml --keyset bob.xml --at $AT cs.mikey | get cs_id)" = ${pc##*:} ] || fail "CS-ID of ${pc%%:*}"
done
for p in spk mkfc mscck pck; do
  "$B" mikey create --purpose $p --cert cert.xml --keyset alice.xml --to sip:bob@example.org --at $AT --out cs.mikey >/dev/null
  "$B" mikey dump cs.mikey | grep -q '#CS  *0 ' || fail "$p has a crypto session"
done
"$B" mikey create --purpose pck --cert cert.xml --keyset alice.xml --to sip:bob@example.org --at $AT --format hex --hide-ids --out pck.hex >/dev/null
"$B" mikey open --cert cert.xml --keyset bob.xml --at $AT pck.hex | grep -q '^purpose=pck' || fail "hex input"
"$B" mikey create --purpose csk --cert cert.xml --keyset alice.xml --to sip:bob@example.org --at $AT --format base64 --out csk.b64 >/dev/null
"$B" mikey open --cert cert.xml --keyset bob.xml --at $AT - < csk.b64 | grep -q '^purpose=csk' || fail "base64 stdin"

# --- two security domains: Alice (kms.example.org) calls Dave (kms.other.example) --------------------
"$B" kms keygen --kms-uri kms.other.example --cert-out cert2.xml --master-out master2.txt >/dev/null
"$B" kms issue --cert cert2.xml --master master2.txt --user sip:dave@other.example --at $AT --out dave.xml >/dev/null
x=$("$B" mikey create --purpose pck --cert cert.xml --keyset alice.xml --to sip:dave@other.example \
    --to-cert cert2.xml --at $AT --out x.mikey)
set +e
"$B" mikey open --cert cert2.xml --keyset dave.xml --at $AT x.mikey 2>/dev/null; [ $? = 2 ] || fail "foreign KMS not permitted"
set -e
[ "$("$B" mikey open --cert cert2.xml --keyset dave.xml --kms-cert cert.xml --at $AT x.mikey | get key)" = \
  "$(echo "$x" | get key)" ] || fail "two-domain PCK"

# --- dump --------------------------------------------------------------------------------------------
"$B" mikey dump gmk.mikey | grep -q 'IDRkmsr' || fail "dump tree"
"$B" mikey dump --cert cert.xml --keyset alice.xml gmk.mikey | grep -q "key  *$key" || fail "dump decrypt"
"$B" mikey dump --json pck.hex | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["payloads"][0]["payload"]=="HDR"' \
  || fail "dump json"

# a malformed message: the payloads decoded so far, then where and why (exit 2)
head -c 250 gmk.mikey > cut.mikey
set +e
"$B" mikey dump cut.mikey > cut.out 2>/dev/null; [ $? = 2 ] || fail "dump of a malformed message: exit"
set -e
grep -q '^IDR ' cut.out || fail "dump of a malformed message: decoded payloads"
grep -Eq '^error at offset [0-9]+, in the SAKKE payload \(type 26\) starting at offset [0-9]+: truncated: SAKKE data' cut.out \
  || fail "dump of a malformed message: error line: $(tail -1 cut.out)"
"$B" mikey dump --json cut.mikey 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); e=d["error"]
assert e["offset"]==e["payload_offset"]+5 and e["payload_type"]==26 and e["code"]=="MCX_ERR_DECODE", e
assert [p["payload"] for p in d["payloads"]][-1]=="SP"' || fail "dump --json of a malformed message"

# --- the initiator's other device (SAKKE-to-self); the expected initiator (--from) ---------------------
"$B" mikey create --purpose pck --cert cert.xml --keyset alice.xml --to sip:bob@example.org --at $AT \
      --sakke-to-self --hide-ids --out self.mikey > self.out
[ "$("$B" mikey open --self --cert cert.xml --keyset alice.xml --at $AT self.mikey | get key)" = "$(get key < self.out)" ] \
  || fail "SAKKE-to-self"
"$B" mikey open --from sip:alice@example.org --cert cert.xml --keyset bob.xml --at $AT self.mikey | grep -q '^purpose=pck' \
  || fail "--from (hidden initiator, E.7 post-check)"
set +e
"$B" mikey open --from sip:gms@example.org --cert cert.xml --keyset bob.xml --at $AT self.mikey 2>/dev/null
[ $? = 2 ] || fail "--from accepted another initiator"
set -e

# --- interop: the Streamwide GMK message and Alice's published keys ------------------------------------
sed -n 's/^message = /mikey /p' "$V/streamwide_v5.txt" | head -1 > sw.txt
# the certificate is read from a saved KmsResponse/KmsInit, the key set from a standalone file
"$B" mikey open --cert "$V/kmsxml/sw_response_init.xml" --keyset "$V/kmsxml/sw_keyset_alice.xml" \
  --at 2025-10-02T23:48:00Z sw.txt > sw.out || fail "Streamwide GMK: $(cat sw.out)"
grep -q '^key=07d1a1677ac36d8e81620484689b3c2d$' sw.out || fail "Streamwide GMK key"
grep -q '^key_id=0df9bc39$' sw.out || fail "Streamwide GMK-ID"
grep -q '^csb_id=06a12aea$' sw.out || fail "Streamwide GUK-ID"
# the repository's own hex vector file ('#' provenance line) is read as it is
"$B" mikey open --cert "$V/kmsxml/sw_response_init.xml" --keyset "$V/kmsxml/sw_keyset_alice.xml" \
  --at 2025-10-02T23:48:00Z "$V/mikey_sw_test1_gmk.hex" | grep -q '^key=07d1a1677ac36d8e81620484689b3c2d$' \
  || fail "hex vector file with a comment line"
"$B" mikey dump "$V/mikey_sw_test1_gmk.hex" | grep -q 'input: hex' || fail "dump of the hex vector file"
# and hex written as 0x-prefixed, comma-separated octets
grep -v '^#' "$V/mikey_sw_test1_gmk.hex" | sed 's/\(..\)/0x\1, /g' | fold -w 96 > sw_0x.txt
sed -i '1i # 0x-prefixed octets' sw_0x.txt
"$B" mikey dump sw_0x.txt | grep -q 'MIKEY message, 701 octets (input: hex)' || fail "0x-prefixed hex"

# --- GSK: signed broadcast, opened by both members; unacceptable signer refused ------------------------
g=$("$B" mikey gsk-create --gmk "$key" --gmk-id "$kid" --cert cert.xml --keyset alice.xml --at $AT --format sdp)
echo "$g" | get message > gsk.sdp
for m in alice bob; do
  o=$("$B" mikey gsk-open --gmk "$key" --gmk-id "$kid" --cert cert.xml --require-signature \
      --signer sip:alice@example.org --at $AT gsk.sdp)
  [ "$(echo "$o" | get gsk)" = "$(echo "$g" | get gsk)" ] || fail "GSK ($m)"
done
"$B" mikey dump --gmk "$key" --gmk-id "$kid" --cert cert.xml gsk.sdp | grep -q "GSK  *$(echo "$g" | get gsk)" || fail "dump GSK"
set +e
"$B" mikey gsk-open --gmk "$key" --gmk-id "$kid" --cert cert.xml --signer sip:bob@example.org --at $AT gsk.sdp 2>/dev/null
[ $? = 1 ] || fail "unacceptable GSK signer"
"$B" mikey gsk-open --gmk 00000000000000000000000000000000 --gmk-id "$kid" --cert cert.xml --at $AT gsk.sdp 2>/dev/null
[ $? = 1 ] || fail "wrong GMK"
set -e

# a pre-generated GSK offer with a stated validity opens (late entry) an hour later, not after expiry;
# one without stated validity only inside the window (--window widens it)
"$B" mikey gsk-create --gmk "$key" --gmk-id "$kid" --at $AT --expiry 2025-10-03T14:00:00Z --out pre.mikey >/dev/null
"$B" mikey gsk-open --gmk "$key" --gmk-id "$kid" --at 2025-10-03T13:00:00Z pre.mikey | grep -q '^expiry=2025-10-03T14:00:00Z$' \
  || fail "pre-generated GSK"
"$B" mikey gsk-create --gmk "$key" --gmk-id "$kid" --at $AT --out plain.mikey >/dev/null
set +e
"$B" mikey gsk-open --gmk "$key" --gmk-id "$kid" --at 2025-10-03T14:05:01Z pre.mikey 2>/dev/null; [ $? = 2 ] || fail "expired GSK offer"
"$B" mikey gsk-open --gmk "$key" --gmk-id "$kid" --gmk-expiry 2025-10-03T13:00:00Z --at 2025-10-03T12:10:00Z pre.mikey 2>/dev/null
[ $? = 2 ] || fail "GSK outliving its GMK"
"$B" mikey gsk-open --gmk "$key" --gmk-id "$kid" --at 2025-10-03T12:10:00Z plain.mikey 2>/dev/null; [ $? = 2 ] || fail "GSK window"
set -e
"$B" mikey gsk-open --gmk "$key" --gmk-id "$kid" --window 900 --at 2025-10-03T12:10:00Z plain.mikey | grep -q '^gsk=' || fail "GSK --window"

# --- gmk-bulk ------------------------------------------------------------------------------------------
for i in $(seq 1 20); do echo "sip:member$i@example.org"; done > members.txt
"$B" kms issue --cert cert.xml --master master.txt --user sip:member7@example.org --at $AT --out m7.xml >/dev/null
b=$("$B" mikey gmk-bulk --cert cert.xml --keyset gms.xml --members members.txt --out bulk --at $AT --print-key)
[ "$(echo "$b" | get messages)" = 20 ] || fail "bulk count"
[ "$(ls bulk/*.mikey | wc -l)" = 20 ] || fail "bulk files"
n=$(awk '$2=="sip:member7@example.org"{print $1}' bulk/index.txt)
f=$(printf 'bulk/%06d.mikey' "$n")
[ "$("$B" mikey open --cert cert.xml --keyset m7.xml --at $AT "$f" | get key)" = "$(echo "$b" | get gmk)" ] || fail "bulk member open"
echo "cli_mikey: all checks passed"
