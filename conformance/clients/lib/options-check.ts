// One in-container check shared by the docker and podman scenarios that pass the same
// run options (hostname, hosts, tmpfs, shm, ulimit, oom score, device, no-new-privileges,
// cgroupns): the engines differ only in how they are called.
import type { Result } from './proc';
import { expectOutput } from './report';

/** The flags both engines take, after which the image and `sh -c OPTIONS_SCRIPT` follow. */
export const OPTIONS_FLAGS = ['--hostname', 'rthost', '--add-host', 'rtdb:10.9.9.9', '--tmpfs', '/scratch:size=1m', '--shm-size', '16m', '--ulimit', 'nofile=1024:1024'];
export const OPTIONS_FLAGS_AFTER_ULIMIT = ['--oom-score-adj', '100', '--device', '/dev/null:/dev/xnull', '--security-opt', 'no-new-privileges', '--cgroupns', 'private'];

export const OPTIONS_SCRIPT = [
  'echo "host=$(hostname)"',
  'grep -q "10.9.9.9.*rtdb" /etc/hosts && echo hosts-ok',
  'grep " /scratch " /proc/mounts | grep -q "size=1024k" && echo tmpfs-ok',
  'df -k /dev/shm | tail -1 | grep -q " 16384 " && echo shm-ok',
  'echo "nofile=$(ulimit -n)"',
  'echo "oom=$(cat /proc/self/oom_score_adj)"',
  '[ -c /dev/xnull ] && echo xnull > /dev/xnull && echo device-ok',
  'grep NoNewPrivs /proc/self/status',
  'grep -q "^[0-9]*:memory:/$" /proc/self/cgroup && echo cgroupns-private',
].join('; ');

export function expectOptionsApplied(res: Result): void {
  for (const want of ['host=rthost', 'hosts-ok', 'tmpfs-ok', 'shm-ok', 'nofile=1024', 'oom=100', 'device-ok', 'cgroupns-private']) expectOutput(res, want);
  expectOutput(res, /NoNewPrivs:\s+1/);
}
