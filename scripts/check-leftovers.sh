#!/usr/bin/env bash
# After the suites: no container processes, mounts, cgroups or state dirs may be left.
set -u
status=0
mounts=$(grep -E 'runtime-test|runtime-conformance|runtime-bench' /proc/self/mountinfo || true)
if [ -n "$mounts" ]; then echo "leftover mounts:"; echo "$mounts"; status=1; fi
for d in /sys/fs/cgroup/*/runtime /sys/fs/cgroup/*/runtime-test*; do
  [ -d "$d" ] || continue
  left=$(find "$d" -mindepth 1 -type d 2>/dev/null | head -5)
  if [ -n "$left" ]; then echo "leftover cgroups under $d:"; echo "$left"; status=1; fi
done
for d in /tmp/runtime-test-root-* /tmp/runtime-conformance-*; do
  [ -d "$d" ] && { echo "leftover state dir $d"; status=1; }
done
procs=$(ps -eo pid,args | grep -E 'runtime-init|runtime-test-bundle' | grep -v grep || true)
if [ -n "$procs" ]; then echo "leftover processes:"; echo "$procs"; status=1; fi
[ $status -eq 0 ] && echo "leftovers: none"
exit $status
