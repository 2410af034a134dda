#!/usr/bin/env bash
# KMS end to end over real sockets on 127.0.0.1 (issue 4 item 10), once on SQLite and once on a
# real PostgreSQL server started in a temporary directory: the provisioning flow with the mcxsec
# CLI (init, users, grants, a partner domain, client provision of users and a group manager into
# sealed key stores), repeat requests returning the same key set, Annex D response structure
# against golden files, every refusal case (no token, bad signature, expired, wrong audience,
# wrong scope, another user's keys, ungranted group, revoked user, unknown user, malformed XML,
# oversized body, entity expansion, external entity, bad percent-encoding, unknown path, period
# outside the window, wrong method, wrong KmsUri), audit chain verification, metrics and reload.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/kms.sh"
ROOT=$(mktemp -d /tmp/mcx-kms-flow.XXXXXX)
cleanup() { kms_stop || true; if declare -F pg_stop >/dev/null; then pg_stop; fi; rm -rf "$ROOT"; }
trap cleanup EXIT
export MCXSEC_KEYSTORE_PASSPHRASE="integration test passphrase"

normalize() { # Annex D XML with the volatile values (times, keys, UIDs) replaced
  sed -E -e 's#<Time>[^<]*</Time>#<Time>T</Time>#g' \
         -e 's#<(PubEncKey|PubAuthKey|UserDecryptKey|UserSigningKeySSK|UserPubTokenPVT|UserID)([^>]*)>[^<]*<#<\1\2>HEX<#g' \
         -e 's#<(ValidFrom|ValidTo)>[^<]*<#<\1>T<#g' -e 's#<KeyPeriodNo>[^<]*<#<KeyPeriodNo>N<#g' \
         -e 's#https://127\.0\.0\.1:[0-9]+#https://KMS#g' "$1"
}

golden() { # name file
  local g=$here/golden/$1.xml
  if [[ -n ${KMS_WRITE_GOLDEN:-} ]]; then normalize "$2" > "$g"; echo "wrote golden/$1.xml"; return; fi
  if [[ -f $g ]]; then
    diff <(normalize "$2") "$g" >/dev/null || { diff <(normalize "$2") "$g" >&2 || true; fail "$1 differs from golden/$1.xml"; }
    echo "ok   golden $1"
  else
    echo "note golden/$1.xml missing; normalized response follows (add it to make this a check):"
    normalize "$2"; echo
  fi
}

suite() {
  local backend=$1
  WORK=$ROOT/$backend
  echo "=== KMS suite on $backend ==="
  kms_setup "$backend"
  local K=("$MCX" kms --db "$DB" --quiet)
  "${K[@]}" user add sip:alice@example.org
  "${K[@]}" user add sip:bob@example.org
  "${K[@]}" user add sip:carol@example.org
  "${K[@]}" user add sip:gms@example.org --kind gms
  "${K[@]}" user add sip:group1@example.org
  "${K[@]}" user add sip:group2@example.org
  "${K[@]}" grant --to sip:gms@example.org --identity sip:group1@example.org
  # a partner domain: its own community, its certificate added here, visible to alice only
  "$MCX" kms --db "sqlite:$WORK/partner.db" init --kms-uri kms.partner.org --kek-file "$WORK/kek" >/dev/null
  "$MCX" kms --db "sqlite:$WORK/partner.db" cert --cert-out "$WORK/partner.xml"
  "${K[@]}" domain add-external --cert "$WORK/partner.xml"
  "${K[@]}" grant --to sip:alice@example.org --domain kms.partner.org
  [[ $("${K[@]}" domain list) == kms.partner.org ]] || fail "domain list"
  # bulk issuing for the next period: every stored key set has its own audit record
  "$MCX" kms --db "$DB" issue-all --period next --kek-file "$WORK/kek" > "$WORK/issue-all.out"
  local issued; issued=$(sed -n 's/^issued=//p' "$WORK/issue-all.out")
  [[ $issued == 6 ]] || { cat "$WORK/issue-all.out"; fail "issue-all: expected 6 key sets issued"; }
  [[ $("${K[@]}" audit show | grep -c '"action":"keyprov".*issued by issue-all') == "$issued" ]] \
    || fail "issue-all: not every issued key set is audited"
  "$MCX" kms --db "$DB" issue-all --period next --kek-file "$WORK/kek" > "$WORK/issue-all.out"
  grep -q '^already_issued=6$' "$WORK/issue-all.out" || fail "issue-all: a repeat issued again"
  echo "ok   issue-all --period next: 6 key sets, each audited; a repeat issues none"
  kms_start
  [[ $(curl -sf "$ADMIN_URL/healthz") == ok ]] || fail "healthz"

  # --- provisioning through the CLI --------------------------------------------------------------
  for u in alice bob carol gms; do tok "sip:$u@example.org" > "$WORK/$u.tok"; done
  "$MCX" client provision --kms "$KMS_URL" --token "$WORK/alice.tok" --ca "$CA" --keystore "$WORK/alice.ks" \
     --report-external kms.partner.org > "$WORK/alice.out" || fail "alice provision"
  grep -q 'external=kms.partner.org' "$WORK/alice.out" || fail "alice did not get the partner certificate"
  [[ $(grep -c 'validated' "$WORK/alice.out") == 2 ]] || fail "alice: expected current + next key sets"
  "$MCX" client show --keystore "$WORK/alice.ks" > "$WORK/alice.show"
  [[ $(grep -c '^keyset' "$WORK/alice.show") == 2 && $(grep -c '^certificate' "$WORK/alice.show") == 2 ]] \
    || { cat "$WORK/alice.show"; fail "alice keystore contents"; }
  echo "ok   alice provisioned (2 key sets, home + partner certificates)"
  MCXSEC_KEYSTORE_PASSPHRASE=wrong-passphrase "$MCX" client show --keystore "$WORK/alice.ks" >/dev/null 2>&1 \
    && fail "keystore opened with a wrong passphrase"
  echo "ok   keystore refuses a wrong passphrase"
  "$MCX" client provision --kms "$KMS_URL" --token "$WORK/bob.tok" --ca "$CA" --keystore "$WORK/bob.ks" > "$WORK/bob.out"
  grep -q external= "$WORK/bob.out" && fail "bob got a partner certificate he was not granted"
  echo "ok   bob provisioned, partner domain withheld"
  "$MCX" client provision --kms "$KMS_URL" --token "$WORK/gms.tok" --ca "$CA" --keystore "$WORK/gms.ks" \
     --identity sip:group1@example.org > "$WORK/gms.out" || fail "gms provision"
  [[ $(grep -c validated "$WORK/gms.out") == 4 ]] || fail "gms: expected 4 key sets"
  echo "ok   group manager provisioned for itself and sip:group1"
  # TLS verification: a client trusting another CA refuses the server
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/o.key" -out "$WORK/other-ca.crt" \
    -days 1 -subj /CN=other >/dev/null 2>&1
  "$MCX" client provision --kms "$KMS_URL" --token "$WORK/bob.tok" --ca "$WORK/other-ca.crt" --keystore "$WORK/x.ks" \
    >/dev/null 2>"$WORK/tls.err" && fail "client accepted an untrusted server certificate"
  grep -qi 'TLS handshake' "$WORK/tls.err" || fail "untrusted server: unexpected error"
  echo "ok   client refuses an untrusted TLS certificate"

  # --- the MIKEY commands use the provisioned key stores (issue 4 item 9) ------------------------------
  "$MCX" mikey create --purpose gmk --keystore "$WORK/gms.ks" --to sip:alice@example.org \
    --group-id sip:group1@example.org --params --out "$WORK/gmk.b64" > "$WORK/gmk.out" || fail "mikey create from gms.ks"
  "$MCX" mikey open --keystore "$WORK/alice.ks" "$WORK/gmk.b64" > "$WORK/gmk.open" || fail "mikey open with alice.ks"
  [[ $(sed -n 's/^key=//p' "$WORK/gmk.out") == $(sed -n 's/^key=//p' "$WORK/gmk.open") ]] || fail "GMK differs"
  "$MCX" mikey open --keystore "$WORK/bob.ks" "$WORK/gmk.b64" >/dev/null 2>&1 && fail "bob opened alice's GMK"
  "$MCX" mikey create --purpose pck --keystore "$WORK/alice.ks" --to sip:bob@example.org --out "$WORK/pck.b64" >/dev/null
  "$MCX" mikey open --keystore "$WORK/bob.ks" "$WORK/pck.b64" >/dev/null || fail "bob cannot open alice's PCK"
  echo "ok   MIKEY GMK (gms -> alice) and PCK (alice -> bob) from the provisioned key stores"

  # --- Annex D responses, repeatability -------------------------------------------------------------
  local A; A=$(cat "$WORK/alice.tok")
  req sip:alice@example.org /keymanagement/identity/v1/init > "$WORK/b_init.xml"
  post "$A" /keymanagement/identity/v1/init "$WORK/b_init.xml"; expect 200 "init"
  golden kms_init "$WORK/resp.xml"
  req sip:alice@example.org /keymanagement/identity/v1/keyprov > "$WORK/b_kp.xml"
  post "$A" /keymanagement/identity/v1/keyprov "$WORK/b_kp.xml"; expect 200 "keyprov (own)"
  golden kms_keyprov "$WORK/resp.xml"
  sed -E 's#<Time>[^<]*</Time>##' "$WORK/resp.xml" > "$WORK/kp1.xml"
  post "$A" /keymanagement/identity/v1/keyprov "$WORK/b_kp.xml"; expect 200 "keyprov (repeat)"
  sed -E 's#<Time>[^<]*</Time>##' "$WORK/resp.xml" > "$WORK/kp2.xml"
  cmp -s "$WORK/kp1.xml" "$WORK/kp2.xml" || fail "a repeated request returned a different key set"
  echo "ok   repeated keyprov returns the same key set"
  post "$A" /keymanagement/identity/v1/certcache "$WORK/b_kp.xml"; expect 200 "certcache"
  golden kms_certcache "$WORK/resp.xml"
  grep -q 'Role="External"' "$WORK/resp.xml" || fail "certcache: no External certificate"
  local cn; cn=$(sed -nE 's/.*CacheNum="([0-9]+)".*/\1/p' "$WORK/resp.xml")
  post "$A" "/keymanagement/identity/v1/certcache/$cn" "$WORK/b_kp.xml"; expect 200 "certcache/<current>"
  grep -q 'KmsCertificate' "$WORK/resp.xml" && fail "certcache/<current number> should be empty"
  echo "ok   certcache/<n> with the current number is empty"
  local G; G=$(cat "$WORK/gms.tok")
  req sip:gms@example.org /x > "$WORK/b_gms.xml"
  post "$G" "/keymanagement/identity/v1/keyprov/sip%3Agroup1%40example.org" "$WORK/b_gms.xml"; expect 200 "gms: granted group"

  # --- refusals ------------------------------------------------------------------------------------------
  post "" /keymanagement/identity/v1/keyprov "$WORK/b_kp.xml"; expect 401 "no token"
  golden kms_error "$WORK/resp.xml"
  local sig=${A##*.} head=${A%.*}
  local c=${sig:10:1}; local flip=A; [[ $c == A ]] && flip=B
  post "$head.${sig:0:10}$flip${sig:11}" /keymanagement/identity/v1/keyprov "$WORK/b_kp.xml"; expect 401 "bad signature"
  post "${A%?}x" /keymanagement/identity/v1/keyprov "$WORK/b_kp.xml"
  [[ $CODE == 401 || ${A: -1} == x ]] || fail "non-canonical signature encoding accepted"
  post "$(tok sip:alice@example.org --time-offset -7200 --lifetime 60)" /keymanagement/identity/v1/keyprov "$WORK/b_kp.xml"
  expect 401 "expired token"
  post "$("$MCX" idms issue-token --key "$IDMS_KEY" --iss "$ISS" --aud other-kms --id sip:alice@example.org --scope "$SCOPE")" \
    /keymanagement/identity/v1/keyprov "$WORK/b_kp.xml"; expect 401 "wrong audience"
  post "$("$MCX" idms issue-token --key "$IDMS_KEY" --iss https://evil.example.org --aud "$AUD" --id sip:alice@example.org --scope "$SCOPE")" \
    /keymanagement/identity/v1/keyprov "$WORK/b_kp.xml"; expect 401 "wrong issuer"
  "$MCX" idms keygen --out-private "$WORK/rogue.key" --out-public "$WORK/rogue.pub" >/dev/null
  post "$("$MCX" idms issue-token --key "$WORK/rogue.key" --iss "$ISS" --aud "$AUD" --id sip:alice@example.org --scope "$SCOPE")" \
    /keymanagement/identity/v1/keyprov "$WORK/b_kp.xml"; expect 401 "token signed by another key"
  post "$("$MCX" idms issue-token --key "$IDMS_KEY" --iss "$ISS" --aud "$AUD" --id sip:alice@example.org --scope openid)" \
    /keymanagement/identity/v1/keyprov "$WORK/b_kp.xml"
  expect 403 "token without the key-management scope"
  post "$A" "/keymanagement/identity/v1/keyprov/sip%3Abob%40example.org" "$WORK/b_kp.xml"; expect 403 "another user's keys"
  post "$G" "/keymanagement/identity/v1/keyprov/sip%3Agroup2%40example.org" "$WORK/b_gms.xml"; expect 403 "gms: ungranted group"
  req sip:nobody@example.org /x > "$WORK/b_nobody.xml"
  post "$(tok sip:nobody@example.org)" /keymanagement/identity/v1/keyprov "$WORK/b_nobody.xml"; expect 403 "unknown identity"
  printf '<KmsRequest xmlns="urn:3gpp:ns:mcsecKMSInterface:1.0" Version="1.1.0"><UserUri>' > "$WORK/b_bad.xml"
  post "$A" /keymanagement/identity/v1/keyprov "$WORK/b_bad.xml"; expect 400 "malformed XML"
  head -c 20000 /dev/zero | tr '\0' ' ' > "$WORK/b_big.xml"
  post "$A" /keymanagement/identity/v1/keyprov "$WORK/b_big.xml"; expect 413 "oversized body"
  printf '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><KmsRequest xmlns="urn:3gpp:ns:mcsecKMSInterface:1.0" Version="1.1.0"><UserUri>&c;</UserUri><KmsUri>%s</KmsUri><Time>2026-01-01T00:00:00Z</Time><ClientReqUrl>x</ClientReqUrl></KmsRequest>' "$KMS_URI" > "$WORK/b_ent.xml"
  post "$A" /keymanagement/identity/v1/keyprov "$WORK/b_ent.xml"; expect 400 "entity expansion"
  printf '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><KmsRequest xmlns="urn:3gpp:ns:mcsecKMSInterface:1.0" Version="1.1.0"><UserUri>&x;</UserUri><KmsUri>%s</KmsUri><Time>2026-01-01T00:00:00Z</Time><ClientReqUrl>x</ClientReqUrl></KmsRequest>' "$KMS_URI" > "$WORK/b_xxe.xml"
  post "$A" /keymanagement/identity/v1/keyprov "$WORK/b_xxe.xml"; expect 400 "external entity"
  grep -q 'root:' "$WORK/resp.xml" && fail "external entity content leaked"
  post "$A" "/keymanagement/identity/v1/keyprov/sip%ZZalice" "$WORK/b_kp.xml"; expect 400 "bad percent-encoding"
  post "$A" "/keymanagement/identity/v1/keyprov/sip%3Aalice%40example.org/XYZ" "$WORK/b_kp.xml"; expect 400 "bad NTP time"
  local far; far=$(printf '%08X00000000' $(( $(date +%s) + 2208988800 + 10 * 2592000 )))
  post "$A" "/keymanagement/identity/v1/keyprov/sip%3Aalice%40example.org/$far" "$WORK/b_kp.xml"
  expect 403 "key period outside the pre-fetch window"
  post "$A" /keymanagement/identity/v1/nonsense "$WORK/b_kp.xml"; expect 404 "unknown path"
  post "$A" /other/path "$WORK/b_kp.xml"; expect 404 "path outside the API"
  sed "s#<KmsUri>$KMS_URI<#<KmsUri>kms.other.org<#" "$WORK/b_kp.xml" > "$WORK/b_wrongkms.xml"
  post "$A" /keymanagement/identity/v1/keyprov "$WORK/b_wrongkms.xml"; expect 400 "KmsUri of another KMS"
  req sip:bob@example.org /x > "$WORK/b_spoof.xml"
  post "$A" /keymanagement/identity/v1/keyprov "$WORK/b_spoof.xml"; expect 403 "UserUri not the token's identity"
  CODE=$(curl -sS --cacert "$CA" -o "$WORK/resp.xml" -w '%{http_code}' "$KMS_URL/keymanagement/identity/v1/init")
  expect 405 "GET instead of POST"
  # revocation: carol gets nothing more, and her stored key sets are marked revoked
  "${K[@]}" user revoke sip:carol@example.org
  req sip:carol@example.org /x > "$WORK/b_carol.xml"
  post "$(cat "$WORK/carol.tok")" /keymanagement/identity/v1/keyprov "$WORK/b_carol.xml"; expect 403 "revoked user"
  "$MCX" client provision --kms "$KMS_URL" --token "$WORK/carol.tok" --ca "$CA" --keystore "$WORK/carol.ks" \
    >/dev/null 2>"$WORK/carol.err" && fail "revoked user provisioned"
  grep -q 'identity revoked' "$WORK/carol.err" || fail "revoked: unclear client error"
  echo "ok   revoked user refused (server and client)"
  # revoking the partner domain: still in alice's cert cache, now with Revoked=true, new CacheNum
  "${K[@]}" domain revoke kms.partner.org
  [[ $("${K[@]}" domain list) == $'kms.partner.org\trevoked' ]] || fail "domain list after revoke"
  post "$A" /keymanagement/identity/v1/certcache "$WORK/b_kp.xml"; expect 200 "certcache after domain revoke"
  grep -q 'Role="External"' "$WORK/resp.xml" && grep -q '<Revoked>true</Revoked>' "$WORK/resp.xml" \
    || fail "revoked partner certificate not served with Revoked=true"
  local cn2; cn2=$(sed -nE 's/.*CacheNum="([0-9]+)".*/\1/p' "$WORK/resp.xml")
  (( cn2 > cn )) || fail "CacheNum did not change with the revocation"
  golden kms_certcache_revoked "$WORK/resp.xml"
  "${K[@]}" domain add-external --cert "$WORK/partner.xml" 2>"$WORK/readd.err" && fail "a revoked domain was added again"
  grep -q 'was revoked' "$WORK/readd.err" || fail "re-adding a revoked domain: unclear error"
  "$MCX" client provision --kms "$KMS_URL" --token "$WORK/alice.tok" --ca "$CA" --keystore "$WORK/alice.ks" \
    > "$WORK/alice2.out" || fail "alice provision after domain revoke"
  grep -q '^external=kms.partner.org revoked$' "$WORK/alice2.out" || fail "client: revoked domain not reported"
  echo "ok   revoked external domain served with Revoked=true (CacheNum $cn -> $cn2), not re-addable"

  # --- audit, metrics, reload -----------------------------------------------------------------------
  "${K[@]}" audit verify >/dev/null || fail "audit chain does not verify"
  "${K[@]}" audit show > "$WORK/audit.show"
  grep -q '"action":"domain.report","subject":"kms.partner.org"' "$WORK/audit.show" || fail "external-domain report not recorded"
  grep -q '"action":"domain.revoke","subject":"kms.partner.org"' "$WORK/audit.show" || fail "domain revocation not audited"
  grep -q '"result":"refused"' "$WORK/audit.show" || fail "refusals not audited"
  grep -q '"detail":"status=405 ' "$WORK/audit.show" || fail "405 refusal not audited"
  grep -q '"action":"keyprov"' "$WORK/audit.jsonl" || fail "JSON-lines audit file"
  grep -Eiq '"(ssk|rsk|pvt)"|UserSigningKeySSK|UserDecryptKey' "$WORK/audit.jsonl" && fail "key material in the audit log"
  echo "ok   audit chain verifies, holds reports and refusals, no key material"
  curl -sf "$ADMIN_URL/metrics" > "$WORK/metrics.txt" || fail "metrics endpoint"
  grep -q '^mcxkms_keysets_issued_total [1-9]' "$WORK/metrics.txt" || fail "metrics"
  # key rotation: a second IdMS key, selected by the JWS kid, added by a SIGHUP reload
  printf '[auth]\npublic_key.idms-2026 = %s\n' "$WORK/rogue.pub" >> "$WORK/kmsd.ini"
  kill -HUP "$KMSD_PID"; sleep 0.5
  post "$A" /keymanagement/identity/v1/keyprov "$WORK/b_kp.xml"; expect 200 "after SIGHUP reload"
  local R=("$MCX" idms issue-token --key "$WORK/rogue.key" --iss "$ISS" --aud "$AUD" --id sip:alice@example.org --scope "$SCOPE")
  post "$("${R[@]}" --kid idms-2026)" /keymanagement/identity/v1/keyprov "$WORK/b_kp.xml"; expect 200 "token of the new IdMS key (kid idms-2026)"
  post "$("${R[@]}" --kid idms-2027)" /keymanagement/identity/v1/keyprov "$WORK/b_kp.xml"; expect 401 "token with an unknown kid"
  post "$("${R[@]}")" /keymanagement/identity/v1/keyprov "$WORK/b_kp.xml"; expect 401 "new key's token without kid (not the kid-less key)"
  kms_stop
  "$MCX" kms --db "$DB" check --kek-file "$WORK/kek" --validate > "$WORK/check.out" \
    || { cat "$WORK/check.out"; fail "mcxsec kms check"; }
  grep -q '^bad=0$' "$WORK/check.out" || fail "check: bad key sets"
  [[ $(sed -n 's/^validated=//p' "$WORK/check.out") == $(sed -n 's/^keysets=//p' "$WORK/check.out") ]] || fail "check --validate"
  echo "ok   mcxsec kms check: $(sed -n 's/^database=//p' "$WORK/check.out"); all key sets open and validate"
  # a stored key set that does not open is found (its first octet, in the IV, changed)
  local one_ks="uri = 'sip:bob@example.org' AND period_no = (SELECT min(period_no) FROM keysets)"
  if [[ $backend == sqlite ]]; then
    sql() { sqlite3 "$WORK/kms.db" "$1"; }
    sql "UPDATE keysets SET sealed = CAST(X'EE' || substr(sealed, 2) AS BLOB) WHERE $one_ks"
  else
    sql() { psql "$DB" -qAtc "$1"; }
    sql "UPDATE keysets SET sealed = '\xee'::bytea || substring(sealed from 2) WHERE $one_ks"
  fi
  "$MCX" kms --db "$DB" check --kek-file "$WORK/kek" > "$WORK/check.out" 2>&1 && fail "a key set that does not open passed the check"
  grep -q 'first_bad=sip:bob@example.org period [0-9]*: does not open' "$WORK/check.out" || { cat "$WORK/check.out"; fail "check report"; }
  echo "ok   a stored key set that does not open fails mcxsec kms check"
  # tampering with the audit log is detected: a deleted record, a truncated tail, an edit
  local last; last=$(sql "SELECT max(seq) FROM audit")
  sql "CREATE TABLE audit_saved AS SELECT * FROM audit"
  cut_record() { # seq, the record audit verify must name, what
    sql "DELETE FROM audit WHERE seq = $1"
    "${K[@]}" audit verify >/dev/null 2>"$WORK/verify.err" && fail "$3 was not detected"
    grep -q "BROKEN at record $2" "$WORK/verify.err" || { cat "$WORK/verify.err"; fail "$3: wrong position"; }
    sql "INSERT INTO audit SELECT * FROM audit_saved WHERE seq = $1"
    "${K[@]}" audit verify >/dev/null || fail "restored audit chain does not verify"
    echo "ok   $3 detected (and the restored chain verifies)"
  }
  cut_record 5 6 "a deleted audit record"
  cut_record "$last" "$last" "a truncated audit tail"
  sql "UPDATE audit SET subject='sip:mallory@example.org' WHERE seq=3"
  "${K[@]}" audit verify >/dev/null 2>&1 && fail "an edited audit record was not detected"
  echo "ok   edited audit record detected"
  if [[ $backend == pg ]]; then pg_stop; fi
  echo "=== $backend: all passed ==="
}

suite sqlite
( trap 'kms_stop || true; if declare -F pg_stop >/dev/null; then pg_stop; fi' EXIT; suite pg )
