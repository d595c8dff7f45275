// The pure parts of update, events and ps: flag parsing as runc's, merging into the
// stored resources, Go durations, and cutting host ps output down to a container.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { filterPsOutput } from '../../src/cli/commands/ps';
import { parseDuration } from '../../src/cli/commands/events';
import { mergeResources, parseBytes, resourceErrors, resourcesFromFlags, touchedResources } from '../../src/container/update';

describe('update', () => {
  test('sizes as docker/go-units reads them (binary multiples)', () => {
    assert.equal(parseBytes('memory', '4096'), 4096);
    assert.equal(parseBytes('memory', '64m'), 64 * 2 ** 20);
    assert.equal(parseBytes('memory', '64M'), 64 * 2 ** 20);
    assert.equal(parseBytes('memory', '1.5g'), 1.5 * 2 ** 30);
    assert.equal(parseBytes('memory', '512MiB'), 512 * 2 ** 20);
    assert.equal(parseBytes('memory', '100 kb'), 102400);
    assert.equal(parseBytes('memory', '-1'), -1);
    assert.throws(() => parseBytes('memory', '12q'), /^RuntimeError: invalid value for --memory: "12q"/);
    assert.throws(() => parseBytes('memory-swap', '-2'), /--memory-swap/);
  });

  test('flags become LinuxResources; unset flags stay out', () => {
    const warnings: string[] = [];
    const r = resourcesFromFlags(
      { memory: '128m', memorySwap: '-1', cpuShare: '512', cpuQuota: '-1', cpuPeriod: '100000', cpuRtRuntime: '5000', cpusetCpus: '0-1', pidsLimit: '-1', blkioWeight: '300', kernelMemory: '1g' },
      (m) => warnings.push(m),
    );
    assert.deepEqual(r, {
      memory: { limit: 134217728, swap: -1 },
      cpu: { shares: 512, quota: -1, period: 100000, realtimeRuntime: 5000, cpus: '0-1' },
      pids: { limit: -1 },
      blockIO: { weight: 300 },
    });
    assert.deepEqual(warnings, ['--kernel-memory is ignored: kernel memory limits are deprecated (as in runc)']);
    assert.deepEqual(resourcesFromFlags({}, () => {}), {});
    assert.deepEqual(resourcesFromFlags({ cpuShares: '2', blkioWeight: '0' }, () => {}), { cpu: { shares: 2 } });
    assert.throws(() => resourcesFromFlags({ cpuPeriod: '-5' }, () => {}), /invalid value for --cpu-period: "-5" \(a non-negative integer\)/);
    assert.throws(() => resourcesFromFlags({ pidsLimit: '1.5' }, () => {}), /--pids-limit/);
  });

  test('merge: objects field by field, arrays replaced, null removes, devices left alone', () => {
    const old = {
      memory: { limit: 100, swap: 200 },
      cpu: { quota: 1000, period: 100000 },
      devices: [{ allow: false, access: 'rwm' }],
      blockIO: { throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1 }] },
    };
    const warnings: string[] = [];
    const merged = mergeResources(old, {
      memory: { limit: 150 },
      cpu: { quota: 2000 },
      devices: [{ allow: true, access: 'rwm' }],
      blockIO: { throttleReadBpsDevice: [{ major: 8, minor: 16, rate: 2 }] },
      pids: { limit: 5 },
    }, (m) => warnings.push(m));
    assert.deepEqual(merged, {
      memory: { limit: 150, swap: 200 },
      cpu: { quota: 2000, period: 100000 },
      devices: [{ allow: false, access: 'rwm' }],
      blockIO: { throttleReadBpsDevice: [{ major: 8, minor: 16, rate: 2 }] },
      pids: { limit: 5 },
    });
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /^linux\.resources\.devices: update does not change device rules/);
    assert.equal(old.memory.limit, 100, 'the stored value is not modified in place');
    const removed = mergeResources(old, { cpu: { quota: null } } as never, () => {});
    assert.deepEqual(removed.cpu, { period: 100000 });
  });

  test('unlimited memory without swap means both unlimited (runc)', () => {
    assert.deepEqual(mergeResources({ memory: { limit: 100, swap: 200 } }, { memory: { limit: -1 } }, () => {}).memory, { limit: -1, swap: -1 });
    assert.deepEqual(mergeResources({}, { memory: { limit: -1, swap: 300 } }, () => {}).memory, { limit: -1, swap: 300 });
  });

  test('only the touched sections are applied, with their merged values', () => {
    const merged = { memory: { limit: 150, swap: 200 }, cpu: { quota: 2000, period: 100000 }, pids: { limit: 5 }, devices: [] };
    assert.deepEqual(touchedResources(merged, { cpu: { quota: 2000 } }), { cpu: { quota: 2000, period: 100000 } });
    assert.deepEqual(touchedResources(merged, { memory: { limit: 150 }, devices: [] }), { memory: { limit: 150, swap: 200 } });
  });

  test('validation lines about resources only, without the config.json prefix', () => {
    assert.deepEqual(
      resourceErrors(['config.json: linux.resources.memory.swap: too small', 'config.json: process.args: missing']),
      ['linux.resources.memory.swap: too small'],
    );
  });
});

describe('events --interval', () => {
  test('Go durations', () => {
    assert.equal(parseDuration('5s'), 5000);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('1m30s'), 90000);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('1h'), 3600000);
    assert.equal(parseDuration('0'), 0);
    assert.equal(parseDuration('-1s'), -1000);
    assert.throws(() => parseDuration('5'), /--interval: invalid duration "5"/);
    assert.throws(() => parseDuration('soon'), /invalid duration/);
    assert.throws(() => parseDuration(''), /invalid duration/);
  });
});

describe('ps table', () => {
  const out = [
    'UID        PID  PPID  C STIME TTY          TIME CMD',
    'root         1     0  0 07:00 ?        00:00:01 /sbin/init',
    'root       100     1  0 07:01 ?        00:00:00 sleep 1000',
    'root       101   100  0 07:01 ?        00:00:00 sh -c x',
    '',
  ].join('\n');

  test('keeps the header and the container\'s rows', () => {
    assert.equal(
      filterPsOutput(out, [100, 101]),
      'UID        PID  PPID  C STIME TTY          TIME CMD\nroot       100     1  0 07:01 ?        00:00:00 sleep 1000\nroot       101   100  0 07:01 ?        00:00:00 sh -c x\n',
    );
    assert.equal(filterPsOutput(out, []), 'UID        PID  PPID  C STIME TTY          TIME CMD\n');
  });

  test('the PID column wherever ps puts it; none is an error', () => {
    assert.equal(filterPsOutput('COMMAND PID\nsleep 7\nsh 8\n', [8]), 'COMMAND PID\nsh 8\n');
    assert.throws(() => filterPsOutput('COMMAND\nsleep\n', [1]), /couldn't find the PID column/);
  });
});
