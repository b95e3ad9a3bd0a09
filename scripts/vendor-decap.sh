#!/usr/bin/env bash
# Refresh the vendored Decap CMS build (plugins/mkdocs_factcheck/vendor/decap-cms/) from npm.
#   bash scripts/vendor-decap.sh            the version pinned in package.json
#   bash scripts/vendor-decap.sh 3.17.0     another version (then update package.json's `vendored`)
# npm checks the tarball against the registry's integrity hash; only the browser build is kept
# (the main bundle, its lazily loaded chunks and WebAssembly files), not the source maps.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-$(node -p 'require("./package.json").vendored["decap-cms"]')}"
dest=plugins/mkdocs_factcheck/vendor/decap-cms
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "decap-cms@$version" >/dev/null && tar xzf decap-cms-*.tgz)
mkdir -p "$dest"
# LICENSE stays: the npm package does not ship the project's licence file.
find "$dest" -type f ! -name LICENSE -delete
cp "$work"/package/dist/decap-cms.js "$work"/package/dist/decap-cms.js.LICENSE.txt "$dest"/
cp "$work"/package/dist/[0-9]*.decap-cms.js "$work"/package/dist/*.wasm "$dest"/
printf '%s\n' "$version" > "$dest/VERSION"
cat > "$dest/README" <<TXT
Decap CMS $version (https://decapcms.org), MIT licence (LICENSE beside this file), as npm
serves package decap-cms@$version: dist/decap-cms.js with its chunks and WebAssembly files,
without source maps. decap-cms.js.LICENSE.txt lists the licences of the libraries it bundles.
Refreshed by scripts/vendor-decap.sh; do not edit by hand.
TXT
du -sh "$dest"
