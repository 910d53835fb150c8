#!/usr/bin/env bash
# Lints the GitHub Actions workflows (.github/workflows/*.yml, and the recipes users copy: deploy/ci/*.yml) with
# GitHub's own workflow parser,
# @actions/workflow-parser from npm, pinned in package-lock.json (see workflow-lint.mjs for what it checks).
# actionlint's binaries come from GitHub, which CI cannot reach; the npm schema validators tried
# (@action-validator/cli 0.6.0) carry a schema too old for today's keys (permissions: attestations).
# Any finding fails the run.
# Usage: .ci/lint/workflows.sh [workflow.yml...]   (default: every workflow of the repository)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ "$#" -eq 0 ]; then
  set -- "$here"/../../.github/workflows/*.yml "$here"/../../deploy/ci/*.yml
fi
files=()
for f in "$@"; do files+=("$(realpath "$f")"); done
if [ ! -f "$here/node_modules/@actions/workflow-parser/package.json" ]; then
  npm ci --prefix "$here" --ignore-scripts --no-audit --no-fund --fetch-retries=5 --loglevel=error
fi
version="$(node -p "require('$here/node_modules/@actions/workflow-parser/package.json').version")"
echo "@actions/workflow-parser $version: ${files[*]}"
if ! (cd "$here" && node --import ./json-modules.mjs workflow-lint.mjs "${files[@]}"); then
  echo "workflow lint: FAILED: fix the findings above" >&2
  exit 1
fi
echo "workflow lint: no findings"
