#!/usr/bin/env bash
# Lints the Dockerfile with two linters from npm, pinned in package-lock.json (hadolint's binaries come from
# GitHub, which CI cannot reach, and Debian 12 has no hadolint package):
#   dockerfile-utils  the parser behind VS Code's Dockerfile support: syntax, arguments and flags of every
#                     instruction (it knows HEALTHCHECK --start-period, COPY --chown ...)
#   dockerlinter      hadolint-style rules: tagged base images, non-root last USER, JSON-form CMD/ENTRYPOINT,
#                     COPY over ADD, apt-get hygiene, pipefail, WORKDIR over cd, valid ports ...
# Any finding, warnings included, fails the run. ShellCheck on RUN lines is off (-s none): its npm package
# downloads a binary from GitHub at install time, which is why the install runs with --ignore-scripts.
# Usage: .ci/lint/dockerfile.sh [path/to/Dockerfile]   (default: the repository's Dockerfile)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
file="$(realpath "${1:-$here/../../Dockerfile}")"
if [ ! -x "$here/node_modules/.bin/dockerlinter" ] || [ ! -x "$here/node_modules/.bin/dockerfile-utils" ]; then
  npm ci --prefix "$here" --ignore-scripts --no-audit --no-fund --fetch-retries=5 --loglevel=error
fi
bin="$here/node_modules/.bin"
failed=0

echo "dockerfile-utils $(node -p "require('$here/node_modules/dockerfile-utils/package.json').version") lint $file"
if ! out="$("$bin/dockerfile-utils" lint "$file" 2>&1)" || [ -n "$out" ]; then
  printf '%s\n' "$out"
  failed=1
fi

echo "dockerlinter $("$bin/dockerlinter" -V) -f $file -s none -e info"
if ! out="$("$bin/dockerlinter" -f "$file" -s none -e info 2>&1)" || [ -n "$out" ]; then
  printf '%s\n' "$out"
  echo "(rules: $here/node_modules/dockerlinter/Rules.md)"
  failed=1
fi

if [ "$failed" -ne 0 ]; then
  echo "Dockerfile lint: FAILED: fix the findings above ($file)" >&2
  exit 1
fi
echo "Dockerfile lint: no findings"
