# Sourced by the project's scripts: puts the pinned tools first on PATH. npm's binaryen
# (wasm-opt 132) must come before any Debian wasm-opt 108, which breaks builds silently.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$root/e2e/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
export CHROMEDRIVER=/usr/bin/chromedriver
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
