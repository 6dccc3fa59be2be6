#!/usr/bin/env bash
# Make sure JupyterHub's proxy, configurable-http-proxy (npm), is on PATH (make test-hub runs this).
#
# Installs Node.js and npm from the distribution when npm is missing (Debian/Ubuntu, as root),
# then `npm install -g configurable-http-proxy`. Does nothing when the proxy is already there.
set -u

if command -v configurable-http-proxy >/dev/null 2>&1; then
    echo "install-proxy: $(command -v configurable-http-proxy) already present, nothing to do."
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install-proxy: configurable-http-proxy is missing and installing it needs root (or sudo)." >&2
        echo "  Run as root:  npm install -g configurable-http-proxy" >&2
        exit 1
    fi
fi

if ! command -v npm >/dev/null 2>&1; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "install-proxy: npm is missing and apt-get is not available; install Node.js and npm," >&2
        echo "  then run:  npm install -g configurable-http-proxy" >&2
        exit 1
    fi
    echo "install-proxy: installing Node.js and npm from the distribution..."
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q && $SUDO apt-get install -y -q --no-install-recommends nodejs npm || {
        echo "install-proxy: 'apt-get install nodejs npm' failed (see above)." >&2
        exit 1
    }
fi

echo "install-proxy: npm install -g configurable-http-proxy"
if ! $SUDO npm install -g --no-fund --no-audit configurable-http-proxy; then
    echo "install-proxy: 'npm install -g configurable-http-proxy' failed (see above)." >&2
    exit 1
fi
command -v configurable-http-proxy >/dev/null 2>&1 || {
    echo "install-proxy: npm finished but configurable-http-proxy is not on PATH ($(npm prefix -g)/bin)." >&2
    exit 1
}
echo "install-proxy: installed $(configurable-http-proxy --version 2>/dev/null)"
