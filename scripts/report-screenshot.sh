#!/bin/sh
# Renders a cordon HTML report in headless Chromium and saves a full-page PNG, to check that
# the report looks right in a real browser (apt-get install chromium).
#   scripts/report-screenshot.sh report.html report.png [WIDTH] [HEIGHT]
set -eu
html=$1 png=$2 w=${3:-1280} h=${4:-2200}
case $html in /*) ;; *) html=$(pwd)/$html ;; esac
# --no-sandbox: CI and this machine run as root, where Chromium refuses its own sandbox.
# The report has no scripts and no network, so nothing runs that the sandbox would contain.
chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
  --window-size="$w,$h" --screenshot="$png" "file://$html" 2>/dev/null
test -s "$png"
