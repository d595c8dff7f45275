// linux.seccomp: the names themselves are enums in schemas/config-linux.json; the rules across
// fields are here. An unknown action is the schema's to report, so rules about actions skip it.
import { ERRNO_ACTIONS, SECCOMP_ACTIONS } from './known';
import { Findings, Obj, SPEC, arr, obj, str } from './report';

const KNOWN_ACTIONS = new Set(SECCOMP_ACTIONS);

function known(action: unknown): string | undefined {
  const name = str(action);
  return name !== undefined && KNOWN_ACTIONS.has(name) ? name : undefined;
}

export function checkSeccomp(config: Obj, f: Findings): void {
  const seccomp = obj(obj(config.linux)?.seccomp);
  if (!seccomp) return;
  const at = ['linux', 'seccomp'];

  // errnoRet: "When the action doesn't support an errno, the runtime MUST print and error and fail."
  const defaultAction = known(seccomp.defaultAction);
  if (seccomp.defaultErrnoRet !== undefined && defaultAction !== undefined && !ERRNO_ACTIONS.has(defaultAction)) {
    f.error(
      [...at, 'defaultErrnoRet'],
      `set with defaultAction ${defaultAction}, which returns no errno`,
      `defaultErrnoRet goes with SCMP_ACT_ERRNO or SCMP_ACT_TRACE only; ${SPEC.seccomp}`,
    );
  }
  // libseccomp refuses a notifying default action: every system call, including the ones the
  // runtime itself still makes before exec, would wait for an agent.
  if (defaultAction === 'SCMP_ACT_NOTIFY') {
    f.error(
      [...at, 'defaultAction'],
      'SCMP_ACT_NOTIFY cannot be the default action',
      `use it on selected syscalls; libseccomp rejects it as a default; ${SPEC.seccomp}`,
    );
  }

  let notifies = false;
  arr(seccomp.syscalls).forEach((entry, i) => {
    const rule = obj(entry);
    if (!rule) return;
    const action = known(rule.action);
    if (action === 'SCMP_ACT_NOTIFY') notifies = true;
    if (rule.errnoRet !== undefined && action !== undefined && !ERRNO_ACTIONS.has(action)) {
      f.error(
        [...at, 'syscalls', i, 'errnoRet'],
        `set with action ${action}, which returns no errno`,
        `errnoRet goes with SCMP_ACT_ERRNO or SCMP_ACT_TRACE only; ${SPEC.seccomp}`,
      );
    }
  });

  const listenerPath = str(seccomp.listenerPath);
  // "listenerMetadata ... MUST NOT be set if listenerPath is not set."
  if (seccomp.listenerMetadata !== undefined && seccomp.listenerPath === undefined) {
    f.error(
      [...at, 'listenerMetadata'],
      'set without listenerPath',
      `listenerMetadata is sent to the agent at listenerPath, so it needs one; ${SPEC.seccomp}`,
    );
  }
  if (notifies && listenerPath === undefined) {
    f.warn(
      [...at, 'listenerPath'],
      'SCMP_ACT_NOTIFY is used but no listenerPath is set',
      `without an agent socket nobody answers the notifications and those syscalls block; ${SPEC.seccomp}`,
    );
  }
}
