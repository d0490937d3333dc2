#!/usr/bin/env bash
# tests/bare_debian.sh -- the README's two commands, verbatim, as root on a
# minimal Debian with nothing installed (debootstrap --variant=minbase: no
# make, no compiler, no libraries), in a chroot. Checks that `./setup` says
# what it installs and that `make test` then passes. Needs root and the
# Debian archive; installs debootstrap when missing. Prints "1 passed, 0
# failed" or "0 passed, 1 failed". Takes a few minutes (download, build).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bare_debian: needs root (debootstrap, chroot)"; exit 1; }
suite=${SUITE_DEBIAN:-bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
if ! command -v debootstrap >/dev/null 2>&1; then
  echo "bare_debian: installing: debootstrap"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi
root=$(mktemp -d /tmp/slicesim-bare.XXXXXX)
cleanup() {
  umount "$root/proc" 2>/dev/null || true
  rm -rf "$root" || true
}
trap cleanup EXIT
echo "bare_debian: debootstrap --variant=minbase $suite"
debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$root.log" 2>&1 || {
  tail -20 "$root.log"; rm -f "$root.log"; echo "0 passed, 1 failed"; exit 1; }
rm -f "$root.log"
for tool in make cc gcc pkg-config; do
  if chroot "$root" sh -c "command -v $tool" >/dev/null 2>&1; then
    echo "bare_debian: the minimal system already has $tool"; echo "0 passed, 1 failed"; exit 1
  fi
done
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
mkdir -p "$root/root/slicesim"
git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$root/root/slicesim"
# the README's two commands, as written there
cmds=$(awk '/^```sh$/{on=1; next} on&&/^```$/{exit} on{print}' README.md | sed 's/ *#.*//')
echo "bare_debian: running, as root in the chroot:"; echo "$cmds" | sed 's/^/    /'
log=$(mktemp)
script=$(echo "$cmds" | paste -sd';' | sed 's/;/ \&\& /g')
if chroot "$root" /bin/sh -c "cd /root/slicesim && $script" >"$log" 2>&1 &&
   grep -q '^setup: installing: make gcc' "$log"; then
  grep '^setup:' "$log"
  grep -A3 'Run Summary' "$log"
  rm -f "$log"
  echo "1 passed, 0 failed"
else
  tail -40 "$log"
  rm -f "$log"
  echo "0 passed, 1 failed"
  exit 1
fi
