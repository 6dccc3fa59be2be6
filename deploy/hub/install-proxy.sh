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

. "$(dirname "$0")/../../.ci/apt.sh"
need_root install-proxy "npm install -g configurable-http-proxy"

if ! command -v npm >/dev/null 2>&1; then
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "install-proxy: npm is missing and apt-get is not available; install Node.js and npm," >&2
        echo "  then run:  npm install -g configurable-http-proxy" >&2
        exit 1
    fi
    echo "install-proxy: installing Node.js and npm from the distribution..."
    apt_install install-proxy nodejs npm || exit 1
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
