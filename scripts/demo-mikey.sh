#!/usr/bin/env bash
# Issue 3 part of `make demo`: MIKEY-SAKKE group and private keys, and a signed GSK broadcast,
# narrated, using only the built `mcxsec` CLI. Usage: scripts/demo-mikey.sh BIN_DIR
set -euo pipefail
bin=${1:?usage: demo-mikey.sh BIN_DIR}
mcx="$bin/mcxsec"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
at=2025-10-03T12:00:00Z
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
val() { sed -n "s/^$1=//p"; }

say "A KMS for the security domain kms.example.org writes its certificate (TS 33.180 Annex D)"
"$mcx" kms keygen --kms-uri kms.example.org --cert-out cert.xml --master-out master.txt >/dev/null
sed -n '1,6p' cert.xml
echo "  ..."

say "It issues key sets (RSK, SSK, PVT for the key period of $at) to the group manager, Alice and Bob"
for u in gms alice bob; do
  "$mcx" kms issue --cert cert.xml --master master.txt --user "sip:$u@example.org" --at $at --out $u.xml | grep -E '^(user|key_period_no|uid)='
done

say "The group manager creates a GMK for group sip:fire@example.org and sends one I_MESSAGE per member"
gmk=$("$mcx" mikey create --purpose gmk --cert cert.xml --keyset gms.xml --to sip:alice@example.org \
       --at $at --group-id sip:fire@example.org --text "Fire brigade" --out gmk-alice.mikey)
key=$(echo "$gmk" | val key); kid=$(echo "$gmk" | val key_id)
"$mcx" mikey create --purpose gmk --cert cert.xml --keyset gms.xml --to sip:bob@example.org \
       --key "$key" --key-id "$kid" --at $at --group-id sip:fire@example.org --text "Fire brigade" \
       --out gmk-bob.mikey >/dev/null
echo "GMK-ID $kid; each member's message carries its own GUK-ID in the CSB-ID:"
echo "  Alice: $(echo "$gmk" | val csb_id)"

say "Each member opens its I_MESSAGE (signature, identity, KMS, time, replay and purpose checked)"
echo "-- Alice"; "$mcx" mikey open --cert cert.xml --keyset alice.xml --at $at --purpose gmk gmk-alice.mikey | grep -E '^(key|key_id|purpose|initiator|group_id|text)='
echo "-- Bob";   "$mcx" mikey open --cert cert.xml --keyset bob.xml   --at $at --purpose gmk gmk-bob.mikey   | grep -E '^(key|key_id|purpose|initiator|group_id|text)='

say "Bob cannot open Alice's message (it is encrypted to Alice's identity)"
"$mcx" mikey open --cert cert.xml --keyset bob.xml --at $at gmk-alice.mikey 2>&1 || true

say "Alice calls Bob privately: a PCK, signed by Alice, encrypted to Bob"
pck=$("$mcx" mikey create --purpose pck --cert cert.xml --keyset alice.xml --to sip:bob@example.org --at $at --format sdp)
echo "$pck" | val message | cut -c1-100; echo "  ..."
echo "$pck" | val message > pck.sdp
"$mcx" mikey open --cert cert.xml --keyset bob.xml --at $at --purpose pck pck.sdp | grep -E '^(key|key_id|purpose|initiator)='

say "Off-network: Alice broadcasts a fresh GSK under the GMK, ECCSI-signed (MIKEY pre-shared-key mode)"
gsk=$("$mcx" mikey gsk-create --gmk "$key" --gmk-id "$kid" --cert cert.xml --keyset alice.xml --at $at --out gsk.mikey)
echo "$gsk" | grep -E '^(gsk|gsk_id|gmk_id|signed)='
for m in alice bob; do
  echo "-- $m opens it (signature required, only sip:alice@example.org accepted as signer)"
  "$mcx" mikey gsk-open --gmk "$key" --gmk-id "$kid" --cert cert.xml --require-signature \
        --signer sip:alice@example.org --at $at gsk.mikey | grep -E '^(gsk|gsk_id|signer)='
done

say "mikey dump of Alice's GMK message, with her keys: every field, then the verified contents"
"$mcx" mikey dump --cert cert.xml --keyset alice.xml gmk-alice.mikey | cut -c1-120
