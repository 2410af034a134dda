#!/usr/bin/env bash
# `cmake --install` puts headers, the shared and static library, mcxsec.pc and the CMake package
# config in place, and a consumer program compiles and runs against them via pkg-config.
set -euo pipefail
build=$(cd "$MCXSEC_BIN_DIR/.." && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cmake --install "$build" --prefix "$stage/usr" >/dev/null
for f in include/mcxsec/mcxsec.h include/mcxsec/sakke.h include/mcxsec/eccsi.h; do
  [[ -f $stage/usr/$f ]] || { echo "missing $f"; exit 1; }
done
libdir=$(dirname "$(find "$stage/usr" -name mcxsec.pc | head -n 1)")/..
[[ -f $libdir/pkgconfig/mcxsec.pc ]] || { echo "missing mcxsec.pc"; exit 1; }
ls "$libdir"/libmcxsec.so.* >/dev/null || { echo "missing versioned libmcxsec.so"; exit 1; }
[[ -f $libdir/cmake/mcxsec/mcxsecConfig.cmake ]] || { echo "missing CMake package config"; exit 1; }
cat >"$stage/consumer.c" <<'C'
#include <mcxsec/mcxsec.h>
#include <stdio.h>
#include <string.h>
int main(void)
{
    uint8_t uid[MCX_UID_BYTES];
    if (mcx_uid("sip:user@example.org", "kms.example.org", 2592000, 0, 1388, uid) != MCX_OK)
        return 1;
    printf("%s %02x%02x\n", mcx_version(), uid[0], uid[1]);
    return uid[0] == 0x3a && uid[1] == 0x81 ? 0 : 1;
}
C
export PKG_CONFIG_PATH="$libdir/pkgconfig"
sed -i "s|^prefix=.*|prefix=$stage/usr|" "$libdir/pkgconfig/mcxsec.pc"
extra=()
[[ ${MCXSEC_SANITIZE:-OFF} == ON ]] && extra=(-fsanitize=address,undefined)
# shellcheck disable=SC2046
cc -std=c11 -Wall -Werror "${extra[@]}" "$stage/consumer.c" -o "$stage/consumer" $(pkg-config --cflags --libs mcxsec)
LD_LIBRARY_PATH="$libdir" "$stage/consumer"
echo "install: ok"
