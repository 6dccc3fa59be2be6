#!/usr/bin/env bash
# Make sure Debian's Chromium is present for the browser tests (make test-browser).
#
# The browser suite drives /usr/bin/chromium through Playwright's Python API. We never
# run `playwright install`: it downloads browsers from a CDN, which these machines cannot
# reach. Chromium comes from the distribution instead, and only when it is missing.
#
# Exit status: 0 when /usr/bin/chromium is (now) present; 1 with a message saying what to
# do when it is missing and apt-get is unavailable or fails.
set -u

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
    echo "install-chromium: $CHROMIUM already present, nothing to do."
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    {
        echo "install-chromium: $CHROMIUM is missing and apt-get is not available on this machine."
        echo "  The browser tests need a Chromium binary at $CHROMIUM (or set CHROMIUM=/path/to/chromium"
        echo "  when running the suite). Install Chromium with your system's package manager, e.g."
        echo "    Debian/Ubuntu:  apt-get install chromium"
        echo "    Fedora:         dnf install chromium"
        echo "    macOS:          brew install --cask chromium"
        echo "                    (then CHROMIUM=/Applications/Chromium.app/Contents/MacOS/Chromium)"
        echo "  Do not use 'playwright install': the suite runs against the system's Chromium."
    } >&2
    exit 1
fi

. "$(dirname "$0")/apt.sh"
need_root install-chromium "apt-get update && apt-get install -y chromium"

echo "install-chromium: $CHROMIUM is missing; installing Debian's chromium package (about 500 MB, under a minute)..."
if ! apt_install install-chromium chromium; then
    echo "  On Ubuntu the chromium package is a snap stub; install a Chromium build by other means" >&2
    echo "  and point CHROMIUM at it." >&2
    exit 1
fi

if [ ! -x "$CHROMIUM" ]; then
    echo "install-chromium: apt-get finished but $CHROMIUM is still missing." >&2
    exit 1
fi
echo "install-chromium: installed $("$CHROMIUM" --version 2>/dev/null | tail -n 1)"
