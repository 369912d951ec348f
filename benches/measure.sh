#!/usr/bin/env bash
# Whole-process timings of `aims check` on an estate, in the three cases issue 13 names:
#   cold      no cache (--no-cache)
#   warm      the cache, nothing changed
#   one file  the cache, with a unique comment appended to one file before each run, so that
#             neither the tree cache nor the results cache can answer
#   floor     the cold check paired with the bare pest pass over the same files as a whole
#             process (`pipeline --pest-floor`), so that both see the machine's same moment:
#             farm-bench's A/B wall is the check's ratio to the floor
# Each is `farm-bench -n 3` (medians quoted; the floor pairs -n 5). The estate is copied first;
# the original is never touched.
#
#   cargo build --release --benches
#   cargo bench --bench pipeline -- --systems 10000 --write /tmp/e10k
#   benches/measure.sh target/release/aims /tmp/e10k 10k [PIPELINE-BENCH-BINARY]
set -u
BIN=$(realpath "$1"); DIR=$2; L=$3
FLOOR=${4:-$(ls -t "$(dirname "$BIN")"/deps/pipeline-* 2>/dev/null | grep -v '\.d$' | head -1)}
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
if [ -n "$FLOOR" ]; then
  rm -rf "$W/.aims-cache"
  echo "== cold against the pest floor $L (A = aims check, B = bare pest pass)"
  farm-bench -n 5 --timeout 600 --vs "$FLOOR --pest-floor $W" -- $BIN $A --no-cache 2>&1 | grep -E "wall|peak"
fi
rm -rf "$W"
