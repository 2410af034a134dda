#!/usr/bin/env bash
# demo-kms.sh BIN_DIR — issue 4 item 13: a KMS on loopback with a fresh community; a group manager
# and two users provisioned through the HTTPS interface into sealed key stores; narrated.
# Leaves the key stores in $MCX_DEMO_DIR (default: a temporary directory that is removed at the end
# unless MCX_DEMO_KEEP=1) so the MIKEY part of the demo can use them.
set -euo pipefail
bin=${1:?usage: demo-kms.sh BIN_DIR}
mcx=$bin/mcxsec
kmsd=$bin/mcxsec-kmsd
dir=${MCX_DEMO_DIR:-$(mktemp -d /tmp/mcxsec-demo-kms.XXXXXX)}
mkdir -p "$dir"
pid=
cleanup() {
  [[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  [[ ${MCX_DEMO_KEEP:-0} == 1 || -n ${MCX_DEMO_DIR:-} ]] || rm -rf "$dir"
}
trap cleanup EXIT
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

say "1. A TLS certificate for the KMS (made here with the openssl CLI) and an IdMS signing key"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/tls.key" -out "$dir/tls.crt" \
  -days 1 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
run "$mcx" idms keygen --out-private "$dir/idms.key" --out-public "$dir/idms.pub"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$dir/kek"; chmod 600 "$dir/kek"

say "2. A fresh community: KMS URI, 30-day key periods; master secrets generated and sealed under the KEK"
db=sqlite:$dir/kms.db
run "$mcx" kms --db "$db" init --kms-uri kms.demo.example --period 2592000 --kek-file "$dir/kek"

say "3. Who may get keys: two users, a group manager, and the group identity it manages"
run "$mcx" kms --db "$db" user add sip:alice@demo.example
run "$mcx" kms --db "$db" user add sip:bob@demo.example
run "$mcx" kms --db "$db" user add sip:gms@demo.example --kind gms
run "$mcx" kms --db "$db" user add sip:group1@demo.example
run "$mcx" kms --db "$db" grant --to sip:gms@demo.example --identity sip:group1@demo.example

say "4. mcxsec-kmsd on https://127.0.0.1 (TS 33.180 Annex D), admin /healthz and /metrics on loopback"
p=$(port); a=$(port)
cat > "$dir/kmsd.ini" <<INI
[server]
listen = 127.0.0.1:$p
cert = $dir/tls.crt
key = $dir/tls.key
threads = 2
[admin]
listen = 127.0.0.1:$a
[database]
url = $db
[secrets]
kek_file = $dir/kek
[auth]
issuer = https://idms.demo.example
audience = kms.demo.example
public_key = $dir/idms.pub
[log]
audit_jsonl = $dir/audit.jsonl
INI
"$kmsd" -c "$dir/kmsd.ini" >"$dir/kmsd.out" 2>"$dir/kmsd.err" &
pid=$!
for _ in $(seq 1 100); do grep -q '^ready' "$dir/kmsd.out" 2>/dev/null && break; sleep 0.1; done
grep -q '^ready' "$dir/kmsd.out" || { cat "$dir/kmsd.err"; exit 1; }
echo "mcxsec-kmsd is up (pid $pid): $(curl -s "http://127.0.0.1:$a/healthz")"

export MCXSEC_KEYSTORE_PASSPHRASE="demo passphrase - use a real one"
for who in alice bob gms; do
  say "5. $who: an access token from the IdMS, then provisioning over HTTPS into $who.ks"
  run "$mcx" idms issue-token --key "$dir/idms.key" --iss https://idms.demo.example --aud kms.demo.example \
    --id "sip:$who@demo.example" --out "$dir/$who.jwt"
  extra=()
  [[ $who == gms ]] && extra=(--identity sip:group1@demo.example)
  run "$mcx" client provision --kms "https://127.0.0.1:$p" --token "$dir/$who.jwt" --ca "$dir/tls.crt" \
    --keystore "$dir/$who.ks" "${extra[@]}"
done

say "6. What the group manager's key store holds (sealed with AES-256-GCM; no key is printed)"
run "$mcx" client show --keystore "$dir/gms.ks"

say "7. The KMS refuses alice asking for bob's keys, and anyone without a valid token"
req="<KmsRequest xmlns=\"urn:3gpp:ns:mcsecKMSInterface:1.0\" Version=\"1.1.0\"><UserUri>sip:alice@demo.example</UserUri><KmsUri>kms.demo.example</KmsUri><Time>$(date -u +%Y-%m-%dT%H:%M:%SZ)</Time><ClientReqUrl>x</ClientReqUrl></KmsRequest>"
curl -s --cacert "$dir/tls.crt" -X POST -H "Authorization: Bearer $(cat "$dir/alice.jwt")" --data-binary "$req" \
  -w '  -> HTTP %{http_code}\n' "https://127.0.0.1:$p/keymanagement/identity/v1/keyprov/sip%3Abob%40demo.example" \
  | sed -n 's/.*<ErrorMsg>\(.*\)<\/ErrorMsg>.*/  KmsError: \1/p; s/^  -> /  /p'
curl -s --cacert "$dir/tls.crt" -X POST --data-binary "$req" -w '  -> HTTP %{http_code}\n' \
  "https://127.0.0.1:$p/keymanagement/identity/v1/keyprov" | sed -n 's/.*<ErrorMsg>\(.*\)<\/ErrorMsg>.*/  KmsError: \1/p; s/^  -> /  /p'

say "8. The tamper-evident audit log of all of this"
run "$mcx" kms --db "$db" audit verify
echo "(last records)"; "$mcx" kms --db "$db" audit show | tail -n 3

say "9. MIKEY from the provisioned key stores: the group manager sends the GMK of sip:group1 to both users"
for who in alice bob; do
  same=()
  [[ -n ${gmk:-} ]] && same=(--key "$gmk" --key-id "$gmk_id")   # the same GMK for every member
  run "$mcx" mikey create --purpose gmk --keystore "$dir/gms.ks" --to "sip:$who@demo.example" \
    --group-id sip:group1@demo.example --params --out "$dir/gmk-$who.b64" "${same[@]}" > "$dir/gmk-$who.out"
  gmk=$(sed -n 's/^key=//p' "$dir/gmk-$who.out"); gmk_id=$(sed -n 's/^key_id=//p' "$dir/gmk-$who.out")
  echo "  $who: I_MESSAGE of $(sed -n 's/^length=//p' "$dir/gmk-$who.out") octets, GMK-ID $gmk_id"
  run "$mcx" mikey open --keystore "$dir/$who.ks" "$dir/gmk-$who.b64" | grep -E '^(key_id|purpose|initiator|group_id)='
done
say "10. A private call: alice sends bob a PCK, bob opens it with his key store (bob's RSK, alice's SSK check)"
run "$mcx" mikey create --purpose pck --keystore "$dir/alice.ks" --to sip:bob@demo.example --out "$dir/pck.b64" \
  | grep -E '^(purpose|key_id|length)='
run "$mcx" mikey open --keystore "$dir/bob.ks" "$dir/pck.b64" | grep -E '^(purpose|key_id|initiator)='
echo "  and alice's key store cannot open a message addressed to bob:"
"$mcx" mikey open --keystore "$dir/alice.ks" "$dir/pck.b64" >/dev/null 2>&1 && { echo "UNEXPECTED: opened"; exit 1; }
echo "  refused, as it must be"

say "KMS demo done: key stores in $dir (alice.ks, bob.ks, gms.ks; passphrase in \$MCXSEC_KEYSTORE_PASSPHRASE)"
