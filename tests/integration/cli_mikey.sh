#!/usr/bin/env bash
# Integration test of `mcxsec kms keygen|issue` and `mcxsec mikey dump|create|open|gsk-create|gsk-open|
# gmk-bulk`: key files are Annex D documents; every purpose round-trips; rejections give the right
# exit codes; the Streamwide interop message opens with the published keys; dump shows the tree.
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

# --- every purpose, and the input forms (hex, base64, SDP) ------------------------------------------
for p in pck csk spk mkfc mscck musik; do
  out=$("$B" mikey create --purpose $p --cert cert.xml --keyset alice.xml --to sip:bob@example.org --at $AT --format sdp)
  echo "$out" | get message > $p.sdp
  [ "$("$B" mikey open --cert cert.xml --keyset bob.xml --at $AT $p.sdp | get key)" = "$(echo "$out" | get key)" ] || fail "$p"
  [ "$("$B" mikey open --cert cert.xml --keyset bob.xml --at $AT $p.sdp | get purpose)" = $p ] || fail "$p purpose"
done
"$B" mikey create --purpose pck --cert cert.xml --keyset alice.xml --to sip:bob@example.org --at $AT --format hex --hide-ids --out pck.hex >/dev/null
"$B" mikey open --cert cert.xml --keyset bob.xml --at $AT pck.hex | grep -q '^purpose=pck' || fail "hex input"
"$B" mikey create --purpose csk --cert cert.xml --keyset alice.xml --to sip:bob@example.org --at $AT --format base64 --out csk.b64 >/dev/null
"$B" mikey open --cert cert.xml --keyset bob.xml --at $AT - < csk.b64 | grep -q '^purpose=csk' || fail "base64 stdin"

# --- dump --------------------------------------------------------------------------------------------
"$B" mikey dump gmk.mikey | grep -q 'IDRkmsr' || fail "dump tree"
"$B" mikey dump --cert cert.xml --keyset alice.xml gmk.mikey | grep -q "key  *$key" || fail "dump decrypt"
"$B" mikey dump --json pck.hex | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["payloads"][0]["payload"]=="HDR"' \
  || fail "dump json"

# --- interop: the Streamwide GMK message and Alice's published keys ------------------------------------
sed -n 's/^message = /mikey /p' "$V/streamwide_v5.txt" | head -1 > sw.txt
# the certificate is read from a saved KmsResponse/KmsInit, the key set from a standalone file
"$B" mikey open --cert "$V/kmsxml/sw_response_init.xml" --keyset "$V/kmsxml/sw_keyset_alice.xml" \
  --at 2025-10-02T23:48:00Z sw.txt > sw.out || fail "Streamwide GMK: $(cat sw.out)"
grep -q '^key=07d1a1677ac36d8e81620484689b3c2d$' sw.out || fail "Streamwide GMK key"
grep -q '^key_id=0df9bc39$' sw.out || fail "Streamwide GMK-ID"
grep -q '^csb_id=06a12aea$' sw.out || fail "Streamwide GUK-ID"

# --- GSK: signed broadcast, opened by both members; unacceptable signer refused ------------------------
g=$("$B" mikey gsk-create --gmk "$key" --gmk-id "$kid" --cert cert.xml --keyset alice.xml --at $AT --format sdp)
echo "$g" | get message > gsk.sdp
for m in alice bob; do
  o=$("$B" mikey gsk-open --gmk "$key" --gmk-id "$kid" --cert cert.xml --require-signature \
      --signer sip:alice@example.org --at $AT gsk.sdp)
  [ "$(echo "$o" | get gsk)" = "$(echo "$g" | get gsk)" ] || fail "GSK ($m)"
done
set +e
"$B" mikey gsk-open --gmk "$key" --gmk-id "$kid" --cert cert.xml --signer sip:bob@example.org --at $AT gsk.sdp 2>/dev/null
[ $? = 1 ] || fail "unacceptable GSK signer"
"$B" mikey gsk-open --gmk 00000000000000000000000000000000 --gmk-id "$kid" --cert cert.xml --at $AT gsk.sdp 2>/dev/null
[ $? = 1 ] || fail "wrong GMK"
set -e

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
