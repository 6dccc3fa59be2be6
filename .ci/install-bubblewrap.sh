#!/usr/bin/env bash
# Make sure Debian's bubblewrap (`bwrap`) is present for the grading sandbox (`nbkit grade --sandbox`,
# tests/test_grading_sandbox.py). Installed with apt-get only when it is missing, like
# .ci/install-chromium.sh does for Chromium.
#
# Exit status: 0 when bwrap is (now) present; 1 with a message saying what to do otherwise.
set -u

if command -v bwrap >/dev/null 2>&1; then
    echo "install-bubblewrap: $(command -v bwrap) already present, nothing to do."
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-bubblewrap: bwrap is missing and apt-get is not available; install your system's" >&2
    echo "  bubblewrap package (Debian/Ubuntu: bubblewrap, Fedora: bubblewrap)." >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install-bubblewrap: bwrap is missing; installing it needs root (or sudo)." >&2
        echo "  Run as root:  apt-get update && apt-get install -y bubblewrap" >&2
        exit 1
    fi
fi
echo "install-bubblewrap: bwrap is missing; installing Debian's bubblewrap package..."
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get update -q || ! $SUDO apt-get install -y -q --no-install-recommends bubblewrap; then
    echo "install-bubblewrap: apt-get could not install bubblewrap (see above)." >&2
    exit 1
fi
echo "install-bubblewrap: installed $(bwrap --version)"
