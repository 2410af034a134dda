#!/usr/bin/env bash
# The README's demo (`make demo`): a narrated tour of mcxsec, driven through the built tools.
#   1. the identity-based crypto core (mcxsec demo);
#   2. the KMS over HTTPS provisioning a group manager and two users (scripts/demo-kms.sh);
#   3. MIKEY-SAKKE group and private keys and an off-network GSK (scripts/demo-mikey.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build/dev}
bin=$(cd "$build/bin" && pwd)
printf '\n\033[1m######## Part 1: the identity-based crypto core ########\033[0m\n\n'
"$bin/mcxsec" demo
if [[ -x $here/demo-kms.sh ]]; then
  printf '\n\033[1m######## Part 2: the KMS over HTTPS ########\033[0m\n'
  bash "$here/demo-kms.sh" "$bin"
fi
printf '\n\033[1m######## Part 3: MIKEY — group keys, private calls, off-network ########\033[0m\n'
bash "$here/demo-mikey.sh" "$bin"
printf '\n\033[1mDemo complete.\033[0m\n'
