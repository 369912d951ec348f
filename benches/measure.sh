#!/usr/bin/env bash
# Whole-process timings of `aims check` on an estate, in the three cases issue 13 names:
#   cold      no cache (--no-cache)
#   warm      the cache, nothing changed
#   one file  the cache, with a unique comment appended to one file before each run, so that
#             neither the tree cache nor the results cache can answer
# Each is `farm-bench -n 3` (medians quoted). The estate is copied first; the original is
# never touched.
#
#   cargo build --release
#   cargo bench --bench pipeline -- --systems 10000 --write /tmp/e10k
#   benches/measure.sh target/release/aims /tmp/e10k 10k
set -u
BIN=$(realpath "$1"); DIR=$2; L=$3
W=/tmp/m-$L; rm -rf "$W"; cp -r "$DIR" "$W"; rm -rf "$W/.aims-cache"
A="check $W --as-of 2026-11-22 --format json"
echo "== cold $L"; farm-bench -n 3 --timeout 600 -- $BIN $A --no-cache 2>&1 | grep -E "wall|cpu s|peak"
$BIN $A >/dev/null
echo "== warm $L"; farm-bench -n 3 --timeout 600 -- $BIN $A 2>&1 | grep -E "wall|cpu s|peak"
F=$W/systems_00007.aims; cp "$F" "/tmp/m-$L.orig"
cat > "/tmp/m-$L.sh" <<EOS
#!/bin/sh
cp /tmp/m-$L.orig $F; echo "// bench \$(date +%s%N)" >> $F
exec $BIN $A
EOS
chmod +x "/tmp/m-$L.sh"
echo "== one file $L"; farm-bench -n 3 --timeout 600 -- "/tmp/m-$L.sh" 2>&1 | grep -E "wall|cpu s|peak"
rm -rf "$W"
