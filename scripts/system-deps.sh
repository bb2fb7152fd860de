#!/usr/bin/env bash
# The system packages the tests need: Debian's Chromium and CJK fonts (page tests), gettext (translations) and
# Redis (the shared cache's tests). Installs them when run as root on a Debian-like machine; otherwise says what
# to install.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
command -v xgettext >/dev/null || missing+=(gettext)
command -v redis-server >/dev/null || missing+=(redis-server)  # the shared cache's tests run a private one
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing ${missing[*]} (apt)"
  apt-get update -qq
  # redis-server's package starts its service after unpacking, which can fail where no init system runs; the tests
  # only need the program (they start their own server), so a failed start is reported, not fatal
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || command -v redis-server >/dev/null || exit 1
else
  echo "The tests need: ${missing[*]}. Install them (e.g. sudo apt-get install ${missing[*]})." >&2
  exit 1
fi
