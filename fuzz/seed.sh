#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seed inputs from the examples and the test fixtures: every
# .aims file alone (parse, compile), and each example organisation as one multi-file input with
# its scoring script (compile). The corpus is generated, not committed.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/parse corpus/compile corpus/fmt corpus/lsp
n=0
while IFS= read -r -d '' f; do
  n=$((n + 1))
  cp "$f" "corpus/parse/seed-$n"
  cp "$f" "corpus/compile/seed-$n"
  cp "$f" "corpus/fmt/seed-$n"
  cp "$f" "corpus/lsp/seed-$n"
done < <(find ../examples ../tests/fixtures -name '*.aims' -print0 | sort -z)
for dir in ../examples/*/; do
  out="corpus/compile/example-$(basename "$dir")"
  first=1
  : > "$out"
  while IFS= read -r -d '' f; do
    if [ $first -eq 0 ]; then printf '\n%%%%file\n' >> "$out"; fi
    cat "$f" >> "$out"
    first=0
  done < <(find "$dir" -name '*.aims' -print0 | sort -z)
  script=$(find "$dir" -name '*.rhai' | sort | head -n 1)
  if [ -n "$script" ]; then printf '\n%%%%script\n' >> "$out"; cat "$script" >> "$out"; fi
done
echo "seeded $n files and $(ls ../examples | wc -l) example organisations"
