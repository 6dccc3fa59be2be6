# Shared by the install scripts (.ci/install-*.sh, deploy/hub/install-proxy.sh); source it, do not run it.
#
#   need_root WHO HOW   sets SUDO ("" as root, "sudo" otherwise) or exits 1 saying to run HOW as root
#   apt_install WHO PKG...  apt-get update + install --no-install-recommends; returns non-zero on failure
#
# WHO prefixes every message ("install-chromium"), so a CI log says which script spoke.

need_root() {
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then
            SUDO="sudo"
        else
            echo "$1: installing needs root (or sudo), and neither is available." >&2
            echo "  Run as root:  $2" >&2
            exit 1
        fi
    fi
}

apt_install() {
    local who="$1"
    shift
    export DEBIAN_FRONTEND=noninteractive
    if ! $SUDO apt-get update -q; then
        echo "$who: 'apt-get update' failed (see above)." >&2
        return 1
    fi
    if ! $SUDO apt-get install -y -q --no-install-recommends "$@"; then
        echo "$who: 'apt-get install $*' failed (see above)." >&2
        return 1
    fi
}
