#!/bin/sh
# Writes review.vcl to stdout with the hosts that may ban (REVIEW_PURGERS: names or addresses, an address/bits for a
# network; commas or spaces between) in place of the committed ones. Used by start.sh in the compose file and by the
# tests. Without REVIEW_PURGERS: this host alone.
set -eu
here=$(dirname "$0")
purgers=$(printf '%s' "${REVIEW_PURGERS:-127.0.0.1 ::1}" | tr ',' ' ')
lines=""
for purger in $purgers; do
    case "$purger" in
        *[!A-Za-z0-9.:/_-]*) echo "render.sh: not a host or address: $purger" >&2; exit 1 ;;
        */*) lines="$lines    \"${purger%/*}\"/${purger#*/};
" ;;
        *) lines="$lines    \"$purger\";
" ;;
    esac
done
awk -v lines="$lines" '
    /# purgers:begin/ { print; printf "%s", lines; skip = 1; next }
    /# purgers:end/ { skip = 0 }
    !skip { print }
' "$here/review.vcl"
