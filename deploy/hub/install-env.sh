#!/usr/bin/env bash
# Install the hub's Python environment: JupyterHub, JupyterLab, nbgrader and the course (nbkit).
#
#   bash deploy/hub/install-env.sh [PREFIX]        (default PREFIX: /opt/backprop-by-hand/env)
#
# Every account on the hub runs this environment (the hub as root, each user's JupyterLab and
# kernels as that user, the formgrader as the grader), so it must live where every account can
# read it, and its Python too: a Python under /root (pyenv) will not do. PYTHON picks the
# interpreter (default: python3 on PATH, falling back to /usr/bin/python3 if others cannot run it).
#
# The course is installed as a copy (not editable): the environment does not depend on where
# the repository is. Run the script again after pulling course changes; it is quick when the
# dependencies are already there.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/../.." && pwd)"
PREFIX="${1:-/opt/backprop-by-hand/env}"

runs_for_others() {  # can an unprivileged account run this interpreter?
    [ "$(id -u)" -ne 0 ] && return 0   # not root: we cannot check for others; trust the caller
    runuser -u nobody -- "$1" -c "pass" >/dev/null 2>&1
}

pick_python() {
    local candidate
    for candidate in "${PYTHON:-}" "$(command -v python3 || true)" /usr/bin/python3; do
        [ -n "$candidate" ] || continue
        candidate="$(readlink -f "$candidate")"
        [ -x "$candidate" ] || continue
        "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null || continue
        "$candidate" -c 'import venv, ensurepip' 2>/dev/null || continue
        runs_for_others "$candidate" || continue
        echo "$candidate"
        return 0
    done
    return 1
}

if [ ! -x "$PREFIX/bin/python" ] || ! runs_for_others "$PREFIX/bin/python"; then
    if ! PY="$(pick_python)" && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "install-env: no Python that every account can run; installing Debian's python3 and python3-venv..."
        DEBIAN_FRONTEND=noninteractive apt-get update -q \
            && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3 python3-venv \
            || true
    fi
    if ! PY="${PY:-$(pick_python)}"; then
        echo "install-env: no Python 3.10+ with venv that every account can run was found." >&2
        echo "  Install one (Debian/Ubuntu: apt-get install python3 python3-venv) or set PYTHON=/path/to/python3." >&2
        exit 1
    fi
    if [ -e "$PREFIX" ] && [ ! -e "$PREFIX/pyvenv.cfg" ]; then
        echo "install-env: $PREFIX exists and is not a Python environment; choose another PREFIX." >&2
        exit 1
    fi
    echo "install-env: creating $PREFIX with $PY"
    rm -rf "$PREFIX"
    install -d -m 0755 "$(dirname "$PREFIX")"
    "$PY" -m venv "$PREFIX"
    "$PREFIX/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
fi

PIP=("$PREFIX/bin/python" -m pip install -q --disable-pip-version-check)
# The dependencies are installed again only when pyproject.toml changes (a stamp names its hash).
STAMP="$PREFIX/.deps-$("$PREFIX/bin/python" -c "import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest()[:16])" "$REPO/pyproject.toml")"
if [ ! -e "$STAMP" ]; then
    echo "install-env: installing the course with JupyterHub into $PREFIX (first time: a few minutes)..."
    "${PIP[@]}" "$REPO[hub]"
    rm -f "$PREFIX"/.deps-*
    touch "$STAMP"
fi
# A fresh copy of nbkit each time: the version number does not change with the code.
"${PIP[@]}" --no-deps --force-reinstall "$REPO"
chmod -R a+rX "$PREFIX"

if [ "$(id -u)" -eq 0 ] && ! runuser -u nobody -- "$PREFIX/bin/python" -c "import nbkit.grading, nbgrader, jupyterhub" ; then
    echo "install-env: $PREFIX is installed but other accounts cannot import the course from it." >&2
    exit 1
fi
echo "install-env: $PREFIX ready."
