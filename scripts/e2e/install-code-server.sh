#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3, needs Node 20) from npm ONCE into a cache folder
# outside the package's dependencies, following ../shared/docs/real-editor-testing.md §1.
# Idempotent: if the cached install is present and `code-server --version` works, it does nothing.
#
#   MISP_GUARD_CACHE   cache root (default: $HOME/.cache/misp-guard)
#   prints the code-server binary path as its last line.
set -euo pipefail

VERSION=4.100.3
CACHE_ROOT="${MISP_GUARD_CACHE:-$HOME/.cache/misp-guard}"
PREFIX="$CACHE_ROOT/code-server-$VERSION"
BIN="$PREFIX/node_modules/.bin/code-server"

# code-server writes ~/.config/code-server/config.yaml and ~/.local/share/code-server even for
# --version, so every call here runs with a throwaway HOME and an explicit --config.
works() {
  local h; h="$(mktemp -d)"
  printf 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n' > "$h/config.yaml"
  HOME="$h" XDG_CONFIG_HOME="$h" XDG_DATA_HOME="$h" TMPDIR="$h" "$BIN" --config "$h/config.yaml" --version >&2
  local rc=$?
  rm -rf "$h"
  return $rc
}

if [ -x "$BIN" ] && [ -f "$PREFIX/.installed" ] && works >/dev/null 2>&1; then
  echo "code-server $VERSION already installed in $PREFIX" >&2
  echo "$BIN"
  exit 0
fi

if [ ! -x /usr/bin/rg ]; then
  echo "install-code-server: /usr/bin/rg missing; run: apt-get install -y ripgrep" >&2
  exit 1
fi

mkdir -p "$CACHE_ROOT"
# Isolated scratch: npm's TMPDIR (holds the seeded ripgrep cache) and a HOME so nothing lands in ~.
SCRATCH="$(mktemp -d "$CACHE_ROOT/install.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT
mkdir -p "$SCRATCH/tmp" "$SCRATCH/home"

# @vscode/ripgrep 1.15.11 downloads rg v13.0.0-10 from GitHub; seed its cache with Debian's rg instead.
RG_CACHE="$SCRATCH/tmp/vscode-ripgrep-cache-1.15.11"
mkdir -p "$RG_CACHE"
cp /usr/bin/rg "$SCRATCH/rg"
tar czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$SCRATCH" rg

# A half-finished install from an interrupted run is removed and redone.
rm -rf "$PREFIX"
mkdir -p "$PREFIX"

NODEDIR="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
echo "installing code-server@$VERSION into $PREFIX (about 1 min)..." >&2
start=$(date +%s)
TMPDIR="$SCRATCH/tmp" HOME="$SCRATCH/home" \
  npm_config_cache="${npm_config_cache:-$HOME/.npm}" \
  npm_config_yes=true npm_config_unsafe_perm=true npm_config_nodedir="$NODEDIR" \
  npm install --prefix "$PREFIX" --no-save --no-audit --no-fund "code-server@$VERSION" --foreground-scripts >&2

works
touch "$PREFIX/.installed"
echo "code-server $VERSION installed in $(( $(date +%s) - start )) s" >&2
echo "$BIN"
