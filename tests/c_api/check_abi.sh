#!/bin/sh
# The ABI against the committed baseline packaging/abi/baton-1.abi: every
# exported function, every public struct field's offset and size, every enum
# value recorded there must still be the same. New lines are additions and
# compatible; a missing or changed line is an incompatible change and fails.
# To record a deliberate change at a new major version: make abi-baseline.
# usage: check_abi.sh LIBBATON ABI_DUMP_EXE BASELINE [OUT]
set -eu
lib=$1
dump=$2
baseline=$3
out=${4:-$(mktemp)}
{
  nm -D --defined-only "$lib" | awk '$3 ~ /^baton_/ {print "symbol " $3}'
  "$dump"
} | LC_ALL=C sort > "$out"
missing=$(LC_ALL=C comm -23 "$baseline" "$out")
if [ -n "$missing" ]; then
  echo "INCOMPATIBLE ABI change: these baseline facts no longer hold:"
  echo "$missing"
  exit 1
fi
added=$(LC_ALL=C comm -13 "$baseline" "$out" | wc -l)
echo "ABI compatible with $(basename "$baseline"): $(wc -l < "$baseline") facts kept, $added added"
