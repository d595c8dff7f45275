#!/usr/bin/env bash
# Builds a busybox root filesystem in DIR from Debian's busybox-static:
# one static binary and a symlink per applet, plus the few files programs expect.
set -euo pipefail
dir=${1:?usage: make-rootfs.sh DIR}
busybox=${BUSYBOX:-/bin/busybox}
[ -x "$busybox" ] || { echo "make-rootfs.sh: $busybox not found (apt-get install busybox-static)" >&2; exit 1; }
mkdir -p "$dir"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,home,var,run}
cp "$busybox" "$dir/bin/busybox"
for applet in $("$busybox" --list); do
  [ -e "$dir/bin/$applet" ] || ln -s busybox "$dir/bin/$applet"
done
chmod 1777 "$dir/tmp"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$dir/etc/passwd"
printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' > "$dir/etc/group"
echo 'nameserver 127.0.0.1' > "$dir/etc/resolv.conf"
echo '127.0.0.1 localhost' > "$dir/etc/hosts"
