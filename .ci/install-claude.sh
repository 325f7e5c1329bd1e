#!/bin/sh
# Install the pinned Claude Code CLI that the plugin tests run against, once, into a cache
# folder (never into the repository). Prints the path of the `claude` binary.
#
#   .ci/install-claude.sh            -> $AUTORESEARCH_TEST_CACHE or ~/.cache/autoresearch-tests
#   CLAUDE_CODE_VERSION=x.y.z ...     -> another version (the tests pin 2.1.330)
set -eu

version="${CLAUDE_CODE_VERSION:-2.1.330}"
cache="${AUTORESEARCH_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/autoresearch-tests}"
prefix="$cache/claude-code-$version"
bin="$prefix/node_modules/.bin/claude"

if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "^$version"; then
    echo "$bin"
    exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
    echo "install-claude.sh: npm is not installed; install Node.js >= 18 (https://nodejs.org) and rerun" >&2
    exit 1
fi

mkdir -p "$cache"
tmp="$(mktemp -d "$cache/.install.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
npm install --silent --no-audit --no-fund --prefix "$tmp" "@anthropic-ai/claude-code@$version" >&2
# Build in a temporary folder, then rename: a concurrent or interrupted install never leaves
# a half-written prefix behind.
rm -rf "$prefix"
mv "$tmp" "$prefix"
trap - EXIT
"$bin" --version >&2
echo "$bin"
