#!/usr/bin/env bash
# The repository's banned-function rule (STYLE.md §9, the project brief): no sprintf, vsprintf,
# strcpy, strcat, gets, strtok, atoi, rand or alloca anywhere in our C code, and no memcmp in
# src/crypto and src/keys (secrets are compared with mcx_ct_eq, public data without memcmp so that
# a comparison of secrets cannot slip in as one). VLAs are rejected by -Wvla in MCX_WARN.
set -euo pipefail
src=${MCXSEC_SOURCE_DIR:?}
cd "$src"
status=0
# calls only: an identifier followed by "(", outside // and /* ... */ comment lines
scan() { # scan REGEX DIR...
  local re=$1 hits
  shift
  hits=$(grep -rnE --include='*.c' --include='*.h' "$re" "$@" |
    grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/?\*|//)' || true)
  if [[ -n $hits ]]; then
    echo "banned: $hits" >&2
    status=1
  fi
}
scan '(^|[^_[:alnum:]])(v?sprintf|strcpy|strcat|gets|strtok|atoi|rand|alloca)[[:space:]]*\(' \
  src include tools services bench fuzz tests
scan '(^|[^_[:alnum:]])memcmp[[:space:]]*\(' src/crypto src/keys
[[ $status -eq 0 ]] && echo "banned: ok (no banned call)"
exit $status
