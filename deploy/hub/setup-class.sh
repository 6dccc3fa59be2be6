#!/usr/bin/env bash
# Create the unix accounts of a class and nbgrader's exchange directory (run as root).
#
#   bash deploy/hub/setup-class.sh ROSTER [EXCHANGE_ROOT]
#
# ROSTER has one "<role> <user>" per line (role: grader, instructor or student; '#' comments),
# the same file jupyterhub_config.py reads. EXCHANGE_ROOT defaults to /srv/nbgrader/exchange,
# the Exchange.root of deploy/hub/nbgrader_config.py.
#
# Safe to run again, e.g. after adding students to the roster: existing accounts are kept
# as they are (passwords are never touched: set them with passwd or your directory service),
# and the exchange's permissions are put right if someone changed them.
set -euo pipefail

ROSTER="${1:?usage: setup-class.sh ROSTER [EXCHANGE_ROOT]}"
EXCHANGE="${2:-/srv/nbgrader/exchange}"

if [ "$(id -u)" -ne 0 ]; then
    echo "setup-class: run as root (it creates unix accounts)." >&2
    exit 1
fi
if [ ! -r "$ROSTER" ]; then
    echo "setup-class: cannot read the roster $ROSTER." >&2
    exit 1
fi

created=0
kept=0
while read -r role name rest; do
    role="${role%%#*}"
    [ -z "$role" ] && continue
    case "$role" in
        grader|instructor|student) ;;
        *) echo "setup-class: $ROSTER: unknown role '$role' (grader, instructor or student)" >&2; exit 1 ;;
    esac
    if [ -z "${name:-}" ] || [ -n "${rest%%#*}" ]; then
        echo "setup-class: $ROSTER: expected '<role> <user>', got '$role ${name:-} ${rest:-}'" >&2
        exit 1
    fi
    if id -u "$name" >/dev/null 2>&1; then
        kept=$((kept + 1))
    else
        useradd --create-home --shell /bin/bash "$name"
        created=$((created + 1))
    fi
    # Private homes: a student's notebooks and fetched feedback are theirs alone.
    chmod 0700 "$(getent passwd "$name" | cut -d: -f6)"
done < "$ROSTER"

# The exchange: everyone writes, nobody deletes another's files (sticky bit). nbgrader creates
# <course>/outbound (0755, the instructor's), <course>/inbound (2733: students can drop
# submissions but not list them) and <course>/feedback (0711) below it on the first release.
install -d -m 0755 "$(dirname "$EXCHANGE")"
install -d -m 1777 "$EXCHANGE"
chmod 1777 "$EXCHANGE"

echo "setup-class: $created account(s) created, $kept already there; exchange $EXCHANGE (mode 1777)."
