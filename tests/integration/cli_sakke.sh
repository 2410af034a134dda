#!/usr/bin/env bash
# Integration test of `mcxsec sakke`: the RFC 6508 App. A vector through issue/encap/decap, a random
# key round trip, --json, and the exit codes on bad input (2) and failed checks (1).
set -u
BIN="${MCXSEC_BIN_DIR:?}/mcxsec"
VEC="${MCXSEC_SOURCE_DIR:?}/tests/vectors/rfc6508_appA.txt"
fail() { echo "FAIL: $*" >&2; exit 1; }
val() { sed -n "s/^$1 = //p" "$VEC"; }
field() { sed -n "s/^$1=//p"; }
expect_rc() { # expect_rc CODE cmd...
    local want=$1; shift
    "$@" >/dev/null 2>/tmp/cli_sakke_err.$$; local rc=$?
    [ "$rc" = "$want" ] || fail "'$*' exited $rc, want $want ($(cat /tmp/cli_sakke_err.$$))"
    if [ "$want" != 0 ]; then [ -s /tmp/cli_sakke_err.$$ ] || fail "no reason on stderr for '$*'"; fi
    rm -f /tmp/cli_sakke_err.$$
}

ID=$(val id); SSV=$(val ssv); Z=$(val Z); RSK=$(val rsk); SED=$(val sed)
ZS=aff429d35f84b110d094803b3595a6e2998bc99f

# RFC vector
got=$("$BIN" sakke issue --z "$ZS" --id "$ID" | field rsk) || fail "issue"
[ "$got" = "$RSK" ] || fail "issue: rsk differs"
got=$("$BIN" sakke encap --Z "$Z" --id "$ID" --ssv "$SSV" | field sed) || fail "encap"
[ "$got" = "$SED" ] || fail "encap: sed differs"
got=$("$BIN" sakke decap --Z "$Z" --id "$ID" --rsk "$RSK" --sed "$SED" | field ssv) || fail "decap"
[ "$got" = "$SSV" ] || fail "decap: ssv differs"
"$BIN" sakke decap --Z "$Z" --id "$ID" --rsk "$RSK" --sed "$SED" --json | grep -q "\"ssv\": *\"$SSV\"" \
    || fail "decap --json"

# random key round trip
out=$("$BIN" sakke keygen) || fail keygen
z=$(echo "$out" | field z); Zr=$(echo "$out" | field Z)
id=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
rsk=$("$BIN" sakke issue --z "$z" --id "$id" | field rsk) || fail "issue random"
out=$("$BIN" sakke encap --Z "$Zr" --id "$id") || fail "encap random"
ssv=$(echo "$out" | field ssv); sed=$(echo "$out" | field sed)
got=$("$BIN" sakke decap --Z "$Zr" --id "$id" --rsk "$rsk" --sed "$sed" | field ssv) || fail "decap random"
[ "$got" = "$ssv" ] || fail "random round trip"

# failed checks: exit 1
badH="${SED:0:544}$(printf '%02x' $(( 0x${SED:544:2} ^ 1 )))"
expect_rc 1 "$BIN" sakke decap --Z "$Z" --id "$ID" --rsk "$RSK" --sed "$badH"
expect_rc 1 "$BIN" sakke decap --Z "$Z" --id "${ID}00" --rsk "$RSK" --sed "$SED"
# malformed input: exit 2
expect_rc 2 "$BIN" sakke decap --Z "$Z" --id "$ID" --rsk "$RSK" --sed "05${SED:2}"
expect_rc 2 "$BIN" sakke decap --Z "$Z" --id "$ID" --rsk "$RSK" --sed "${SED:0:100}"
expect_rc 2 "$BIN" sakke decap --Z "$Z" --id "$ID" --rsk "$RSK" --sed "04$(printf 'ff%.0s' $(seq 256))${SED:514}"
expect_rc 2 "$BIN" sakke encap --Z "05${Z:2}" --id "$ID"
expect_rc 2 "$BIN" sakke encap --Z "$Z" --id ""
expect_rc 2 "$BIN" sakke encap --Z "$Z" --id "zz"
expect_rc 2 "$BIN" sakke encap --Z "$Z" --id "$ID" --ssv 0011
expect_rc 2 "$BIN" sakke issue --z 00 --id "$ID"
expect_rc 2 "$BIN" sakke issue --id "$ID"
expect_rc 2 "$BIN" sakke frobnicate
expect_rc 2 "$BIN" sakke encap --Z "$Z" --id "$ID" --bogus 1
# --json: failures are JSON objects with the error, like eccsi verify's
json_rc() { # json_rc CODE REGEX cmd... : exit code and the stdout JSON object
    local want=$1 re=$2; shift 2
    local out; out=$("$@" 2>/dev/null); local rc=$?
    [ "$rc" = "$want" ] || fail "'$*' exited $rc, want $want"
    echo "$out" | grep -qE "$re" || fail "'$*': stdout '$out' does not match $re"
}
json_rc 1 '^\{"valid": false, "error": "MCX_ERR_SAKKE_CHECK", "reason": "[^"]+"\}$' \
    "$BIN" sakke decap --Z "$Z" --id "$ID" --rsk "$RSK" --sed "$badH" --json
json_rc 1 '"valid": false, "error": "MCX_ERR_KEY_INVALID"' \
    "$BIN" sakke decap --Z "$Z" --id "${ID}00" --rsk "$RSK" --sed "$SED" --json
json_rc 2 '^\{"error": "MCX_ERR_POINT_FORMAT", "reason": ' \
    "$BIN" sakke decap --Z "$Z" --id "$ID" --rsk "$RSK" --sed "05${SED:2}" --json
json_rc 2 '^\{"error": "usage", "reason": "mcxsec sakke: --sed: expected 273 octets, got 50"\}$' \
    "$BIN" sakke decap --Z "$Z" --id "$ID" --rsk "$RSK" --sed "${SED:0:100}" --json
json_rc 2 '"error": "MCX_ERR_SCALAR_RANGE"' "$BIN" sakke issue --z 00 --id "$ID" --json

# wrong lengths at the command line: exit 2, a one-line reason naming the expected length
expect_len() { # expect_len WHAT-REGEX cmd...
    local re=$1; shift
    "$@" >/dev/null 2>/tmp/cli_sakke_err.$$; local rc=$?
    [ "$rc" = 2 ] || fail "'$*' exited $rc, want 2"
    [ "$(wc -l </tmp/cli_sakke_err.$$)" = 1 ] || fail "'$*': not a one-line reason"
    grep -qE -- "$re" /tmp/cli_sakke_err.$$ || fail "'$*': reason '$(cat /tmp/cli_sakke_err.$$)'"
    rm -f /tmp/cli_sakke_err.$$
}
expect_len '--Z: expected 257 octets, got 256' "$BIN" sakke encap --Z "${Z:0:512}" --id "$ID"
expect_len '--Z: expected 257 octets, got 258' "$BIN" sakke encap --Z "${Z}00" --id "$ID"
expect_len '--rsk: expected 257 octets, got 256' "$BIN" sakke decap --Z "$Z" --id "$ID" --rsk "${RSK:0:512}" --sed "$SED"
expect_len '--rsk: expected 257 octets, got 258' "$BIN" sakke decap --Z "$Z" --id "$ID" --rsk "${RSK}00" --sed "$SED"
expect_len '--sed: expected 273 octets, got 274' "$BIN" sakke decap --Z "$Z" --id "$ID" --rsk "$RSK" --sed "${SED}00"
expect_len '--sed: expected 273 octets, got 272' "$BIN" sakke decap --Z "$Z" --id "$ID" --rsk "$RSK" --sed "${SED:0:544}"
expect_len '--ssv: expected 16 octets, got 17' "$BIN" sakke encap --Z "$Z" --id "$ID" --ssv "${SSV}00"
expect_len '--z: expected 1 to 128 octets, got 129' "$BIN" sakke issue --z "$(printf '01%.0s' $(seq 129))" --id "$ID"
expect_len '--z: expected 1 to 128 octets, got 0' "$BIN" sakke issue --z "" --id "$ID"
expect_len '--id: the identifier is empty' "$BIN" sakke decap --Z "$Z" --id "" --rsk "$RSK" --sed "$SED"
echo "cli_sakke: ok"
