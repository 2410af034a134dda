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
echo "cli_sakke: ok"
