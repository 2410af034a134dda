#!/usr/bin/env bash
# The README's demo: a narrated tour of what mcxsec does, driven through the built tools.
set -euo pipefail
build=${1:-build/dev}
bin=$build/bin
"$bin/mcxsec" demo
