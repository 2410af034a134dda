#!/usr/bin/env bash
# Integration test of the crypto CLI (mcxsec uid / eccsi / kdf): published vectors through the
# command line, key issue -> sign -> verify round trips, JSON output, and the exit codes
# (0 ok, 1 verification failed, 2 bad usage or malformed input with a one-line reason on stderr).
set -euo pipefail
bin=${MCXSEC_BIN_DIR:?}/mcxsec
vec=${MCXSEC_SOURCE_DIR:?}/tests/vectors
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*" >&2; fail=$((fail + 1)); }

# expect_exit CODE CMD... : run, keep stdout in $tmp/out and stderr in $tmp/err, check the code
expect_exit() {
  local want=$1 got=0
  shift
  "$@" >"$tmp/out" 2>"$tmp/err" || got=$?
  if [[ $got -ne $want ]]; then
    bad "exit $got (want $want): $*"; sed 's/^/  stderr: /' "$tmp/err" >&2
    return 1
  fi
  if [[ $want -eq 2 ]]; then
    # a one-line reason on stderr
    if [[ $(wc -l <"$tmp/err") -lt 1 ]]; then bad "no reason on stderr: $*"; return 1; fi
  fi
  ok
}
field() { sed -n "s/^$1=//p" "$tmp/out"; }
# value of key in the first record of a vector file whose type matches
vget() { awk -v t="$2" -v k="$3" 'BEGIN{FS=" = "} /^type = /{cur=$2} cur==t && $1==k {print $2; exit}' "$vec/$1"; }

# ---- uid: the TS 33.180 F.2.1.2 example, from --ntp and from --period-no ----------------------------
expect_exit 0 "$bin" uid --uri sip:user@example.org --kms kms.example.org --period 2592000 --offset 0 --ntp 3599719634
[[ $(field uid) == 3a81fb14c3b1d0fe43c9c577104d55a6d81788bfd2f09743c4557746a5a0353b ]] && ok || bad "uid from --ntp"
[[ $(field period_no) == 1388 ]] && ok || bad "period_no"
[[ $(head -n1 "$tmp/out") == uid=* ]] && ok || bad "uid= is not the first line"
expect_exit 0 "$bin" uid --uri sip:user@example.org --kms kms.example.org --period 2592000 --offset 0 --period-no 1388 --json
grep -q '"uid": "3a81fb14c3b1d0fe43c9c577104d55a6d81788bfd2f09743c4557746a5a0353b"' "$tmp/out" && ok || bad "uid --json"
expect_exit 0 "$bin" uid --uri gms@streamwide.com --kms kms.mydev.streamwide.com --period 16777215 --offset 0 --period-no 236
[[ $(field uid) == 15a4d5b12856538d02d91fedbb766e6dd377b014c92e216666c8fb678608d20e ]] && ok || bad "streamwide uid"
expect_exit 2 "$bin" uid --uri sip:user@example.org --kms kms.example.org --period 2592000 --offset 0
expect_exit 2 "$bin" uid --uri sip:user@example.org --kms kms.example.org --period 2592000 --offset 0 --ntp 1 --period-no 1
expect_exit 2 "$bin" uid --uri sip:user@example.org --kms kms.example.org --period 0 --offset 0 --period-no 1
expect_exit 2 "$bin" uid --uri sip:user@example.org --kms kms.example.org --period x --offset 0 --period-no 1
expect_exit 2 "$bin" uid --uri "" --kms kms.example.org --period 10 --offset 0 --period-no 1
expect_exit 2 "$bin" uid --uri a --kms k --period 10 --offset 100 --ntp 5
expect_exit 2 "$bin" uid --bogus

# ---- kdf: GUK salt KDF output and MIKEY PRF master key --------------------------------------------
uri_hex=$(printf 'sip:alice@streamwide.com' | od -An -tx1 | tr -d ' \n')
expect_exit 0 "$bin" kdf --key 07d1a1677ac36d8e81620484689b3c2d --fc 50 --p "$uri_hex"
[[ $(field out) == "$(vget guk_id.txt positive kdf)" ]] && ok || bad "kdf FC 0x50"
expect_exit 0 "$bin" kdf --key 28ba74447f037dcc09ad7f2576dc2def --fc 51 --p "$(printf 'sip:alice@example.org' | od -An -tx1 | tr -d ' \n')" --p 2c5f7886 --json
grep -q '"out": "' "$tmp/out" && ok || bad "kdf --json"
expect_exit 0 "$bin" kdf --mikey --key fcfe65cd967c58d260b603ccb9a887a9 --const 2ad01c64 --cs-id 4 --csb-id 01c8de7b --rand 6819e679461120e10ac458cce67b8024 --len 16
[[ $(field out) == 64837d2b4d69a266e4489d3807353ad9 ]] && ok || bad "mikey prf master key"
expect_exit 0 "$bin" kdf --mikey --key fcfe65cd967c58d260b603ccb9a887a9 --const 39a2c14b --cs-id 4 --csb-id 01c8de7b --rand 6819e679461120e10ac458cce67b8024 --len 12
[[ $(field out) == 8b2f081ce8e8bdab1f8d9eb8 ]] && ok || bad "mikey prf master salt"
expect_exit 0 "$bin" kdf --mikey --prf mikey1 --key 07d1a1677ac36d8e81620484689b3c2d --const 2ad01c64 --cs-id 4 --csb-id 06a12aea --rand ca2f5d51ff0866362c1d85a56f84651e --len 16
[[ $(field out) == a4b67b92a7a2f98636734f9740c1e8f0 ]] && ok || bad "mikey-1 prf"
expect_exit 2 "$bin" kdf --key 00 --fc 5
expect_exit 2 "$bin" kdf --key zz --fc 50
expect_exit 2 "$bin" kdf --fc 50
expect_exit 2 "$bin" kdf --key 00 --fc 5050
expect_exit 2 "$bin" kdf --mikey --key 00 --const 2ad01c64 --cs-id 300 --csb-id 01c8de7b --rand 00 --len 16
expect_exit 2 "$bin" kdf --mikey --key 00 --const 2ad01c64 --cs-id 4 --csb-id 01c8de7b --rand 00 --len 0
# at least one --p (every MCX use of the KDF has a P0)
expect_exit 2 "$bin" kdf --key 07d1a1677ac36d8e81620484689b3c2d --fc 50
[[ $(wc -l <"$tmp/err") -eq 1 ]] && grep -q -- '--p' "$tmp/err" && ok || bad "kdf without --p: reason"
[[ ! -s $tmp/out ]] && ok || bad "kdf without --p printed a result"
expect_exit 2 "$bin" kdf --key 07d1a1677ac36d8e81620484689b3c2d --fc 50 --json
grep -q '^{"error": "usage", "reason": "mcxsec kdf: at least one --p' "$tmp/out" && ok || bad "kdf --json error object"

# ---- eccsi: RFC 6507 Appendix A signature verifies; negatives fail with the right code -----------
kpak=$(vget rfc6507_appA.txt vector kpak)
id=$(vget rfc6507_appA.txt vector id)
msg=$(vget rfc6507_appA.txt vector msg)
sig=$(vget rfc6507_appA.txt vector sig)
ssk=$(vget rfc6507_appA.txt vector ssk)
pvt=$(vget rfc6507_appA.txt vector pvt)
ksak=$(vget rfc6507_appA.txt vector ksak)
expect_exit 0 "$bin" eccsi verify --kpak "$kpak" --id "$id" --msg "$msg" --sig "$sig"
[[ $(field valid) == true ]] && ok || bad "valid=true"
expect_exit 0 "$bin" eccsi validate --kpak "$kpak" --id "$id" --ssk "$ssk" --pvt "$pvt"
[[ $(field hs) == "$(vget rfc6507_appA.txt vector hs)" ]] && ok || bad "validate hs"
# flipped bit in r -> exit 1, valid=false
badsig=${sig:0:63}0${sig:64}
expect_exit 1 "$bin" eccsi verify --kpak "$kpak" --id "$id" --msg "$msg" --sig "$badsig"
[[ $(field valid) == false ]] && ok || bad "valid=false"
expect_exit 1 "$bin" eccsi verify --kpak "$kpak" --id "$id" --msg 6d65737361676501 --sig "$sig"
expect_exit 1 "$bin" eccsi verify --kpak "$kpak" --id "${id}00" --msg "$msg" --sig "$sig" --json
grep -q '"valid": false' "$tmp/out" && ok || bad "verify --json valid false"
# --json failures are JSON objects too: verification failure (1), library refusal and bad hex (2)
expect_exit 1 "$bin" eccsi verify --kpak "$kpak" --id "$id" --msg 6d65737361676501 --sig "$sig" --json
grep -q '^{"valid": false, "error": "MCX_ERR_VERIFY", "reason": "' "$tmp/out" && ok || bad "verify --json failure"
expect_exit 2 "$bin" eccsi verify --kpak "$kpak" --id "$id" --msg "$msg" --sig "${sig:0:256}78" --json
grep -q '"error": "MCX_ERR_NOT_ON_CURVE"' "$tmp/out" && ok || bad "verify --json malformed PVT"
expect_exit 2 "$bin" eccsi verify --kpak "$kpak" --id "$id" --msg "$msg" --sig "${sig}00" --json
grep -q '^{"error": "usage", "reason": "mcxsec eccsi: --sig: expected 129 octets, got 130"}' "$tmp/out" && ok || bad "verify --json wrong length"
expect_exit 1 "$bin" eccsi sign --kpak "$kpak" --id "$id" --ssk "${ssk:0:63}c" --pvt "$pvt" --msg 00 --json
grep -q '"valid": false, "error": "MCX_ERR_KEY_INVALID"' "$tmp/out" && ok || bad "sign --json invalid key"
expect_exit 2 "$bin" uid --uri a --kms k --period 0 --offset 0 --period-no 1 --json
grep -q '"error": "usage"' "$tmp/out" && ok || bad "uid --json error"
# malformed: wrong length, r = 0, PVT not on the curve, empty id -> exit 2
expect_exit 2 "$bin" eccsi verify --kpak "$kpak" --id "$id" --msg "$msg" --sig "${sig}00"
expect_exit 2 "$bin" eccsi verify --kpak "$kpak" --id "$id" --msg "$msg" --sig "$(printf '0%.0s' {1..64})${sig:64}"
expect_exit 2 "$bin" eccsi verify --kpak "$kpak" --id "$id" --msg "$msg" --sig "${sig:0:256}78"
expect_exit 2 "$bin" eccsi verify --kpak "$kpak" --id "" --msg "$msg" --sig "$sig"
expect_exit 2 "$bin" eccsi verify --kpak "$kpak" --id "$id" --msg "$msg"
expect_exit 1 "$bin" eccsi validate --kpak "$kpak" --id "$id" --ssk "${ssk:0:63}c" --pvt "$pvt"
expect_exit 2 "$bin" eccsi validate --kpak "$kpak" --id "$id" --ssk "$(printf '0%.0s' {1..64})" --pvt "$pvt"
expect_exit 2 "$bin" eccsi issue --ksak "$(printf '0%.0s' {1..64})" --id "$id"
expect_exit 2 "$bin" eccsi issue --ksak "$ksak" --id ""
expect_exit 2 "$bin" eccsi sign --kpak "$kpak" --id "$id" --ssk "$ssk" --pvt "$pvt"
expect_exit 1 "$bin" eccsi sign --kpak "$kpak" --id "$id" --ssk "${ssk:0:63}c" --pvt "$pvt" --msg 00
expect_exit 2 "$bin" eccsi frobnicate
expect_exit 2 "$bin" eccsi
expect_exit 2 "$bin" eccsi keygen --ksak 00
expect_exit 0 "$bin" eccsi --help

# round trip: keygen -> issue for a UID -> sign -> verify (and the signature is bound to the id)
expect_exit 0 "$bin" eccsi keygen --json
grep -q '"ksak": "' "$tmp/out" && ok || bad "keygen --json"
expect_exit 0 "$bin" eccsi keygen
k_ksak=$(field ksak); k_kpak=$(field kpak)
expect_exit 0 "$bin" uid --uri sip:alice@example.org --kms kms.example.org --period 2592000 --offset 0 --period-no 1500
uid=$(field uid)
expect_exit 0 "$bin" eccsi issue --ksak "$k_ksak" --id "$uid"
u_ssk=$(field ssk); u_pvt=$(field pvt)
expect_exit 0 "$bin" eccsi sign --kpak "$k_kpak" --id "$uid" --ssk "$u_ssk" --pvt "$u_pvt" --msg 0102030405
u_sig=$(field sig)
[[ ${#u_sig} -eq 258 ]] && ok || bad "sig length"
[[ ${u_sig:128} == "$u_pvt" ]] && ok || bad "sig ends with PVT"
expect_exit 0 "$bin" eccsi verify --kpak "$k_kpak" --id "$uid" --msg 0102030405 --sig "$u_sig"
expect_exit 1 "$bin" eccsi verify --kpak "$k_kpak" --id "$id" --msg 0102030405 --sig "$u_sig"
expect_exit 1 "$bin" eccsi verify --kpak "$kpak" --id "$uid" --msg 0102030405 --sig "$u_sig"

# ---- selftest: the library's known-answer tests ---------------------------------------------------
expect_exit 0 "$bin" selftest
for t in eccsi sakke kdf mikey_prf uid guk_id selftest; do
  [[ $(field "$t") == ok ]] && ok || bad "selftest: $t"
done
expect_exit 0 "$bin" selftest --json
grep -q '"eccsi": "ok", "sakke": "ok", .*"selftest": "ok"}' "$tmp/out" && ok || bad "selftest --json"
expect_exit 2 "$bin" selftest extra

# ---- the exit codes are documented where the issue's list (0/1/2) is extended by 3 ------------------
expect_exit 0 "$bin" --help
grep -q '3 internal failure' "$tmp/out" && ok || bad "--help documents exit 3"
grep -q '| 3 |' "$MCXSEC_SOURCE_DIR/docs/cli.md" && ok || bad "docs/cli.md documents exit 3"

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
