#!/usr/bin/env bash
# After the suites: no container processes, mounts, cgroups or state dirs may be left.
#   check-leftovers.sh --snapshot FILE   record what is there before the tests
#   check-leftovers.sh [--baseline FILE] report what is there now and was not before
set -u
list() {
  grep -E 'runtime-test|runtime-conformance|runtime-bench' /proc/self/mountinfo | awk '{print "mount " $5}'
  for d in /sys/fs/cgroup/*/runtime /sys/fs/cgroup/*/runtime-test*; do
    [ -d "$d" ] && find "$d" -mindepth 1 -type d 2>/dev/null | sed 's/^/cgroup /'
  done
  for d in /tmp/runtime-test-root-* /tmp/runtime-conformance-*; do
    [ -d "$d" ] && echo "state-dir $d"
  done
  ps -eo pid,args | grep -E 'runtime-init|runtime-test-bundle' | grep -v grep | awk '{print "process " $0}'
  true
}
case "${1:-}" in
  --snapshot) list | sort > "$2"; exit 0 ;;
  --baseline) base=$2 ;;
  *) base=/dev/null ;;
esac
left=$(comm -13 "$base" <(list | sort))
if [ -n "$left" ]; then
  echo "leftovers after the tests:"
  echo "$left"
  exit 1
fi
echo "leftovers: none"
