#!/bin/sh
# Generates a spec whose documents name 10,000 evidence files (N to change it), pins them with
# `aims pin`, and prints the folder, so that `aims check` on it can be timed:
#
#   dir=$(scripts/bench-evidence.sh)            # or: N=50000 scripts/bench-evidence.sh
#   /usr/bin/time -v target/release/aims check --only evidence-reviewed --as-of 2026-11-22 "$dir"
#
# Each file is 16 KiB (SIZE to change it), so the run hashes N x SIZE bytes.
set -eu
N=${N:-10000}
SIZE=${SIZE:-16384}
AIMS=${AIMS:-target/release/aims}
dir=$(mktemp -d "${TMPDIR:-/tmp}/aims-evidence-XXXXXX")
mkdir -p "$dir/evidence"
spec="$dir/documents.aims"
i=0
while [ "$i" -lt "$N" ]; do
  # Distinct content per file: the index, then filler.
  { printf 'evidence %d\n' "$i"; head -c "$SIZE" /dev/zero; } > "$dir/evidence/e$i.txt"
  printf 'document doc_%d "Evidence %d" { kind: record  last_reviewed: 2026-09-01  path: "evidence/e%d.txt" }\n' \
    "$i" "$i" "$i" >> "$spec"
  i=$((i + 1))
done
"$AIMS" pin "$dir" > /dev/null
echo "$dir"
