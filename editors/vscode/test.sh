#!/bin/sh
# Tests of the VS Code extension, offline once the npm packages are installed:
#   1. extension.js starts `aims lsp` as configured (with stand-ins for the VS Code API), and
#      serves `aims-stdlib:` documents (from a real `aims lsp` when AIMS_BIN names one);
#   2. the TextMate grammar gives the expected scopes (vscode-tmgrammar-test, tests/*.aims);
#   3. the extension packages into a .vsix (@vscode/vsce).
# Run from anywhere; called by tests/vscode.rs when node and npm are installed.
set -eu
cd "$(dirname "$0")"
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm test --silent
out="${AIMS_VSIX_OUT:-$(mktemp -d)}"
mkdir -p "$out"
npx --no-install vsce package --skip-license --allow-missing-repository --out "$out/aims.vsix" >/dev/null
unzip -l "$out/aims.vsix" | grep -q 'extension/syntaxes/aims.tmLanguage.json'
unzip -l "$out/aims.vsix" | grep -q 'extension/node_modules/vscode-languageclient/'
if unzip -l "$out/aims.vsix" | grep -q 'node_modules/@vscode/vsce/'; then
  echo "the .vsix bundles the packaging tool" >&2
  exit 1
fi
echo "packaged $out/aims.vsix"
