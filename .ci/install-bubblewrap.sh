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
. "$(dirname "$0")/apt.sh"
need_root install-bubblewrap "apt-get update && apt-get install -y bubblewrap"
echo "install-bubblewrap: bwrap is missing; installing Debian's bubblewrap package..."
apt_install install-bubblewrap bubblewrap || exit 1
echo "install-bubblewrap: installed $(bwrap --version)"
