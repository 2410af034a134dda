#!/usr/bin/env bash
# `cmake --install` into a staging prefix puts headers, the shared and static library, mcxsec.pc
# and the CMake package config in place, and consumers build and run against them unmodified:
#  - a C program with `pkg-config --cflags --libs mcxsec` (shared) and `--static` (static archive);
#  - a CMake project with find_package(mcxsec CONFIG REQUIRED), linking mcxsec::mcxsec and
#    mcxsec::mcxsec_static;
#  - the same .pc, generated for a Debian multiarch libdir (prefix /usr: lib/x86_64-linux-gnu, one
#    level deeper), in a tree of that shape; and the staged tree moved elsewhere (relocatable).
set -euo pipefail
build=$(cd "$MCXSEC_BIN_DIR/.." && pwd)
src=${MCXSEC_SOURCE_DIR:?}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
fail() { echo "install: FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$stage/usr" >/dev/null
for f in include/mcxsec/mcxsec.h include/mcxsec/sakke.h include/mcxsec/eccsi.h bin/mcxsec; do
  [[ -f $stage/usr/$f ]] || fail "missing $f"
done
pc=$(find "$stage/usr" -name mcxsec.pc | head -n 1)
[[ -n $pc ]] || fail "missing mcxsec.pc"
libdir=$(cd "$(dirname "$pc")/.." && pwd)
ls "$libdir"/libmcxsec.so.* >/dev/null || fail "missing versioned libmcxsec.so"
[[ -f $libdir/libmcxsec.a ]] || fail "missing libmcxsec.a"
[[ -f $libdir/cmake/mcxsec/mcxsecConfig.cmake ]] || fail "missing CMake package config"
grep -q '^prefix=${pcfiledir}/' "$pc" || fail "mcxsec.pc prefix is not relative to the .pc file"

cat >"$stage/consumer.c" <<'C'
#include <mcxsec/mcxsec.h>
#include <stdio.h>
int main(void)
{
    uint8_t uid[MCX_UID_BYTES];
    if (mcx_uid("sip:user@example.org", "kms.example.org", 2592000, 0, 1388, uid) != MCX_OK)
        return 1;
    printf("%s %02x%02x\n", mcx_version(), uid[0], uid[1]);
    return uid[0] == 0x3a && uid[1] == 0x81 ? 0 : 1;
}
C
san=()
[[ ${MCXSEC_SANITIZE:-OFF} == ON ]] && san=(-fsanitize=address,undefined)

# needs_so BINARY: true if BINARY links libmcxsec.so dynamically
needs_so() { readelf -d "$1" | grep -q 'NEEDED.*libmcxsec\.so'; }

# pc_consumer PKG_CONFIG_DIR OUT [--static]: compile the C consumer with pkg-config's flags only
pc_consumer() {
  local flags
  flags=$(PKG_CONFIG_PATH="$1" pkg-config --cflags --libs ${3:+"$3"} mcxsec) ||
    fail "pkg-config ${3:-} mcxsec"
  # shellcheck disable=SC2086
  cc -std=c11 -Wall -Werror "${san[@]}" "$stage/consumer.c" -o "$2" $flags || fail "cc ${3:-shared}"
}

# ---- pkg-config, shared: -lmcxsec resolves to libmcxsec.so in the staged libdir
pc_consumer "$libdir/pkgconfig" "$stage/c_shared"
needs_so "$stage/c_shared" || fail "the shared consumer does not use libmcxsec.so"
LD_LIBRARY_PATH="$libdir" "$stage/c_shared" >/dev/null || fail "shared consumer"

# ---- pkg-config, static: the same .pc with --static must give a complete link line for the
# archive; a copy of the tree without the .so makes -lmcxsec resolve to libmcxsec.a
cp -a "$stage/usr" "$stage/static"
rm -f "$(find "$stage/static" -name mcxsec.pc -printf '%h')"/../libmcxsec.so*
pc_consumer "$(dirname "$(find "$stage/static" -name mcxsec.pc)")" "$stage/c_static" --static
needs_so "$stage/c_static" && fail "the static consumer links libmcxsec.so"
"$stage/c_static" >/dev/null || fail "static consumer"
rm -rf "$stage/static"

# ---- relocatable: move the staged tree; pkg-config follows the .pc file
mv "$stage/usr" "$stage/moved"
pc_consumer "$stage/moved/${libdir#"$stage/usr/"}/pkgconfig" "$stage/c_moved"
LD_LIBRARY_PATH="$stage/moved/${libdir#"$stage/usr/"}" "$stage/c_moved" >/dev/null || fail "moved tree"
mv "$stage/moved" "$stage/usr"

# ---- the .pc of a prefix-/usr configuration (multiarch libdir on Debian), in a tree of that shape
cmake -S "$src" -B "$stage/cfg-usr" -DCMAKE_INSTALL_PREFIX=/usr -DMCX_TESTS=OFF >/dev/null
ma=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p' "$stage/cfg-usr/CMakeCache.txt")
mkdir -p "$stage/ma/usr/$ma/pkgconfig" "$stage/ma/usr/include"
cp "$stage/cfg-usr/mcxsec.pc" "$stage/ma/usr/$ma/pkgconfig/"
cp -a "$libdir"/libmcxsec.so* "$stage/ma/usr/$ma/"
cp -a "$stage/usr/include/mcxsec" "$stage/ma/usr/include/"
[[ $(PKG_CONFIG_PATH="$stage/ma/usr/$ma/pkgconfig" pkg-config --variable=libdir mcxsec) \
  -ef "$stage/ma/usr/$ma" ]] || fail "libdir of the $ma .pc does not resolve"
pc_consumer "$stage/ma/usr/$ma/pkgconfig" "$stage/c_ma"
LD_LIBRARY_PATH="$stage/ma/usr/$ma" "$stage/c_ma" >/dev/null || fail "consumer via the $ma .pc"

# ---- CMake package config: both targets
mkdir -p "$stage/cm"
cp "$stage/consumer.c" "$stage/cm/"
cat >"$stage/cm/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.20)
project(mcxsec_consumer C)
find_package(mcxsec CONFIG REQUIRED)
add_executable(c_shared consumer.c)
target_link_libraries(c_shared PRIVATE mcxsec::mcxsec)
add_executable(c_static consumer.c)
target_link_libraries(c_static PRIVATE mcxsec::mcxsec_static)
CM
cmake -S "$stage/cm" -B "$stage/cm/build" -DCMAKE_PREFIX_PATH="$stage/usr" \
  -DCMAKE_C_FLAGS="${san[*]}" -DCMAKE_EXE_LINKER_FLAGS="${san[*]}" >/dev/null || fail "find_package"
cmake --build "$stage/cm/build" >/dev/null || fail "CMake consumer build"
needs_so "$stage/cm/build/c_shared" || fail "mcxsec::mcxsec is not the shared library"
needs_so "$stage/cm/build/c_static" && fail "mcxsec::mcxsec_static links libmcxsec.so"
"$stage/cm/build/c_shared" >/dev/null || fail "CMake shared consumer"
"$stage/cm/build/c_static" >/dev/null || fail "CMake static consumer"
echo "install: ok"
