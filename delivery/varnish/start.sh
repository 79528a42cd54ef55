#!/bin/sh
# The varnish container's entry point: review.vcl with the purgers of REVIEW_PURGERS, then varnishd in the foreground.
set -eu
sh "$(dirname "$0")/render.sh" > /tmp/review.vcl
exec varnishd -F -f /tmp/review.vcl -a http=:80,HTTP "$@"
