#!/bin/sh
# Fails when libbaton exports a symbol without the baton_ prefix, or a plugin
# exports anything but baton_connector_entry.
set -eu
lib=$1
plugins=$2
bad=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^baton_' | grep -v '^BATON_' || true)
if [ -n "$bad" ]; then
  echo "libbaton exports symbols without the baton_ prefix:"; echo "$bad"; exit 1
fi
count=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -c '^baton_')
echo "libbaton: $count baton_ symbols, nothing else"
for p in "$plugins"/*.so; do
  [ -e "$p" ] || continue
  extra=$(nm -D --defined-only "$p" | awk '{print $3}' | grep -v '^baton_connector_entry$' || true)
  if [ -n "$extra" ]; then echo "$p exports more than its entry:"; echo "$extra"; exit 1; fi
  echo "$(basename "$p"): only baton_connector_entry"
done
