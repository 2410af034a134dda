#!/usr/bin/env bash
# Issue 3 part of `make demo`: MIKEY-SAKKE group and private keys, and a signed GSK broadcast,
# narrated, using only the built `mcxsec` CLI; each member uses the GMK it recovered itself with
# `mikey open`. Usage: scripts/demo-mikey.sh BIN_DIR
set -euo pipefail
bin=$(cd "${1:?usage: demo-mikey.sh BIN_DIR}" && pwd)   # absolute: the demo works in a temp dir
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

say "Each member opens its I_MESSAGE (signature, identity, KMS, time, replay, purpose and key parameters checked)"
# each member keeps the GMK and GMK-ID it recovered itself: they are what it uses below
for m in alice bob; do
  echo "-- $m"
  "$mcx" mikey open --cert cert.xml --keyset $m.xml --at $at --purpose gmk gmk-$m.mikey > open-$m.txt
  grep -E '^(key|key_id|purpose|initiator|group_id|text)=' open-$m.txt
done
alice_gmk=$(val key < open-alice.txt); alice_gmk_id=$(val key_id < open-alice.txt)
bob_gmk=$(val key < open-bob.txt);     bob_gmk_id=$(val key_id < open-bob.txt)

say "Bob cannot open Alice's message (it is encrypted to Alice's identity)"
"$mcx" mikey open --cert cert.xml --keyset bob.xml --at $at gmk-alice.mikey 2>&1 || true

say "Alice calls Bob privately: a PCK, signed by Alice, encrypted to Bob"
pck=$("$mcx" mikey create --purpose pck --cert cert.xml --keyset alice.xml --to sip:bob@example.org --at $at --format sdp)
echo "$pck" | val message | cut -c1-100; echo "  ..."
echo "$pck" | val message > pck.sdp
"$mcx" mikey open --cert cert.xml --keyset bob.xml --at $at --purpose pck pck.sdp | grep -E '^(key|key_id|purpose|initiator)='

say "Off-network: Alice broadcasts a fresh GSK under the GMK she recovered, ECCSI-signed (MIKEY pre-shared-key mode), valid for an hour"
gsk=$("$mcx" mikey gsk-create --gmk "$alice_gmk" --gmk-id "$alice_gmk_id" --cert cert.xml --keyset alice.xml \
      --at $at --expiry 2025-10-03T13:00:00Z --out gsk.mikey)
echo "$gsk" | grep -E '^(gsk|gsk_id|gmk_id|signed|expiry)='
# each member opens it with the GMK it recovered from its own I_MESSAGE
for m in alice bob; do
  if [ $m = alice ]; then g=$alice_gmk; gi=$alice_gmk_id; else g=$bob_gmk; gi=$bob_gmk_id; fi
  echo "-- $m opens it with its own GMK (signature required, only sip:alice@example.org accepted as signer)"
  "$mcx" mikey gsk-open --gmk "$g" --gmk-id "$gi" --cert cert.xml --require-signature \
        --signer sip:alice@example.org --at $at gsk.mikey | grep -E '^(gsk|gsk_id|signer)='
done
echo "-- Bob, joining late (40 minutes on), still opens the re-sent offer: it states its validity"
"$mcx" mikey gsk-open --gmk "$bob_gmk" --gmk-id "$bob_gmk_id" --cert cert.xml --require-signature \
      --signer sip:alice@example.org --at 2025-10-03T12:40:00Z gsk.mikey | grep -E '^(gsk|expiry)='

say "mikey dump of Alice's GMK message, with her keys: every field, then the verified contents"
"$mcx" mikey dump --cert cert.xml --keyset alice.xml gmk-alice.mikey | cut -c1-120
