#!/usr/bin/env bash
# The KMS storage unit tests (test_kms_store) against a real PostgreSQL server started in a
# temporary directory (tests/integration/lib/pg.sh). Skips (exit 0 with the reason) only when no
# server can be started on this machine.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/pg.sh"
work=$(mktemp -d /tmp/mcx-kms-pg.XXXXXX)
trap 'pg_stop; rm -rf "$work"' EXIT
if ! pg_start "$work"; then
  echo "SKIP: PostgreSQL half not run: $PG_SKIP_REASON"
  exit 0
fi
MCXSEC_TEST_PG_URL=$PG_URL "$MCXSEC_BIN_DIR/../tests/test_kms_store"
