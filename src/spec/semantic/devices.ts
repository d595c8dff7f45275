// linux.devices: which types need device numbers, and entries that collide.
import { Findings, Obj, SPEC, arr, num, obj, str } from './report';

export function checkDevices(config: Obj, f: Findings): void {
  const linux = obj(config.linux);
  if (!linux) return;
  const byPath = new Map<string, { index: number; identity: string }>();
  const byNumber = new Map<string, number>();
  arr(linux.devices).forEach((entry, i) => {
    const dev = obj(entry);
    if (!dev) return;
    const at = ['linux', 'devices', i];
    const type = str(dev.type);
    // "major, minor (int64, REQUIRED unless type is p)": a FIFO has no device numbers.
    if (type === 'c' || type === 'b' || type === 'u') {
      for (const field of ['major', 'minor'] as const) {
        if (dev[field] === undefined) {
          f.error([...at, field], `missing for device type "${type}"`, `c, b and u devices need major and minor; only p, a FIFO, omits them; ${SPEC.devices}`);
        }
      }
    }
    const major = num(dev.major);
    const minor = num(dev.minor);
    const identity = `${type} ${major}:${minor}`;
    const path = str(dev.path);
    if (path !== undefined) {
      const first = byPath.get(path);
      if (first === undefined) byPath.set(path, { index: i, identity });
      else if (first.identity !== identity) {
        // Creating the second one would find a file that does not match it, which the spec
        // says MUST be an error.
        f.error([...at, 'path'], `${path} is listed again as a different device; first at linux.devices[${first.index}]`, `one device per path; ${SPEC.devices}`);
      } else {
        f.warn([...at, 'path'], `${path} is listed twice; first at linux.devices[${first.index}]`, `list each device once; ${SPEC.devices}`);
      }
    }
    if (type !== undefined && type !== 'p' && path !== undefined && byPath.get(path)?.index === i && major !== undefined && minor !== undefined) {
      const key = `${type === 'u' ? 'c' : type} ${major}:${minor}`;
      const first = byNumber.get(key);
      // "The same type, major and minor SHOULD NOT be used for multiple devices."
      if (first !== undefined) {
        f.warn([...at], `device ${key} is the same as linux.devices[${first}]`, `the same type, major and minor should not be used twice; ${SPEC.devices}`);
      } else byNumber.set(key, i);
    }
  });
}
