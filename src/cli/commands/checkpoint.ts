// `checkpoint` (and `restore`, which shares the check): runc's flags are accepted so that no
// client trips over them, and `criu check` runs first. Where it fails (as it does on this
// kernel) the error says why, in criu's own words.
import { spawnSync } from 'child_process';

import type { Command } from 'commander';

import { frozenCheck } from '../../container/start';
import { deriveStatus } from '../../state/status';
import { checkId } from '../../state/store';
import { notExist, RuntimeError } from '../../util/errors';
import { storeOf, type GlobalOptions } from '../context';

/** Throws with criu's reason when checkpoint/restore cannot work on this host. */
export function criuCheck(command: string): void {
  const r = spawnSync('criu', ['check'], { encoding: 'utf8', timeout: 60000 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new RuntimeError(`${command} needs criu, which is not installed (apt-get install criu)`);
    throw new RuntimeError(`${command}: running criu check failed: ${r.error.message}`);
  }
  if (r.status !== 0) {
    // criu prints "Error (file.c:line): message"; the messages are the reason.
    const reasons = `${r.stderr}\n${r.stdout}`
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('Error ('))
      .map((l) => l.replace(/^Error \([^)]*\):\s*/, '').replace(/\.$/, ''))
      // Its helpers' exit statuses say nothing about the cause.
      .filter((l) => !/^exited, status=\d+$/.test(l));
    // criu's last line is the summary; the ones before it are the causes.
    const last = reasons.pop();
    const why = last ? (reasons.length ? `${last} (${reasons.join('; ')})` : last) : `exit status ${r.status}`;
    throw new RuntimeError(`${command} is not possible on this host: criu check failed: ${why}`);
  }
  throw new RuntimeError(`${command}: criu check passed, but checkpoint/restore through criu is not implemented by this build yet`);
}

const collect = (v: string, prev: string[]) => [...prev, v];

/** The flags runc's checkpoint and restore share. */
export function criuOptions(cmd: Command): Command {
  return cmd
    .option('--image-path <dir>', 'where criu keeps the images (default: ./checkpoint)')
    .option('--work-path <dir>', 'where criu writes its logs')
    .option('--tcp-established', 'allow open tcp connections')
    .option('--ext-unix-sk', 'allow external unix sockets')
    .option('--shell-job', 'allow shell jobs')
    .option('--lazy-pages', 'use userfaultfd to lazily restore memory pages')
    .option('--status-fd <fd>', 'criu writes \\0 to this fd once lazy-pages is ready')
    .option('--file-locks', 'handle file locks')
    .option('--manage-cgroups-mode <mode>', 'soft, full, strict or ignore')
    .option('--empty-ns <ns>', 'create a namespace, but do not restore its properties (repeatable)', collect, [])
    .option('--auto-dedup', 'enable auto deduplication of memory images');
}

export function register(program: Command, globals: () => GlobalOptions): void {
  criuOptions(
    program
      .command('checkpoint')
      .description('checkpoint a running container with criu')
      .argument('<container-id>')
      .option('--parent-path <dir>', 'path for previous criu image files in pre-dump')
      .option('--leave-running', 'leave the process running after checkpointing')
      .option('--page-server <address:port>', 'address of the criu page server')
      .option('--pre-dump', 'dump the container\'s memory only, leaving it running'),
  ).action((id: string) => {
    const store = storeOf(globals());
    const rec = store.readRecord(checkId(id));
    if (!rec) throw notExist(id);
    const status = deriveStatus(rec, store.dirOf(id), frozenCheck(rec));
    if (status !== 'running' && status !== 'paused') throw new RuntimeError(`cannot checkpoint container ${id}: container not running`);
    criuCheck('checkpoint');
  });
}
