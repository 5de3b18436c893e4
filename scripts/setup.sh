#!/usr/bin/env bash
# Installs what maillage needs on a Debian machine, only what is missing:
# Debian packages (compiler, libraries, test tools) and the npm packages of package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  build-essential cmake ninja-build pkg-config git python3
  clang libclang-rt-14-dev
  libsqlite3-dev sqlite3 nlohmann-json3-dev libcpp-httplib-dev libboost-dev zlib1g-dev libcli11-dev libspdlog-dev
  libicu-dev libstemmer-dev libsodium-dev libxxhash-dev libroaring-dev libqrencode-dev libsimdjson-dev
  libtomlplusplus-dev libcurl4-openssl-dev libjemalloc-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libkainjow-mustache-dev chromium
  nodejs npm
  time curl  # the benchmarks: /usr/bin/time (wall clock and peak RSS), HTTP sources
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  # nodejs/npm may come from outside Debian on some machines: keep them if a node is already there.
  if command -v node >/dev/null && command -v npm >/dev/null; then
    filtered=()
    for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
    missing=("${filtered[@]+"${filtered[@]}"}")
  fi
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# npm packages: reference data (territory), test oracles and, later, the web front end.
if [ -f package-lock.json ]; then
  stamp=node_modules/.maillage-lock
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    echo "setup: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
fi
