// The init helper's error frames as the user (and the engines) read them. Docker's CLI and
// podman choose exit 127/126 for a program that cannot run by matching runc's phrases,
// case and all, so the program's own errors must use them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { describeInitError } from '../../src/container/channel';

describe('describeInitError', () => {
  test('a missing program path: runc\'s "exec: NAME: no such file or directory"', () => {
    const msg = describeInitError({ type: 'error', step: 'lookup executable', field: 'process.args[0]', errno: 2, cause: 'No such file or directory', detail: '/no/such/program' });
    assert.equal(msg, 'process.args[0]: exec: "/no/such/program": no such file or directory');
  });

  test('a program not on PATH: "executable file not found in $PATH"', () => {
    const msg = describeInitError({ type: 'error', step: 'lookup executable', field: 'process.args[0]', errno: 2, cause: 'No such file or directory', detail: 'foo not found in PATH /bin:/usr/bin' });
    assert.equal(msg, 'process.args[0]: exec: "foo": executable file not found in $PATH (PATH=/bin:/usr/bin)');
  });

  test('a file that is not executable: "permission denied"', () => {
    const msg = describeInitError({ type: 'error', step: 'exec', field: 'process.args[0]', errno: 13, cause: 'Permission denied', detail: '/etc/passwd' });
    assert.equal(msg, 'process.args[0]: exec: "/etc/passwd": permission denied');
  });

  test('other fields keep the step, detail and strerror text', () => {
    const msg = describeInitError({ type: 'error', step: 'chdir', field: 'process.cwd', errno: 2, cause: 'No such file or directory', detail: '/nope' });
    assert.equal(msg, 'process.cwd: chdir /nope: No such file or directory');
  });
});
