// Data shared by the pure translators (v1-resources, v2-resources) and the drivers.

/** One write into a cgroup control file, produced from a LinuxResources field. */
export interface CgroupWrite {
  /** v1: the subsystem (memory, cpu, cpuset, ...); v2: the controller prefix of the file, or "cgroup". */
  controller: string;
  file: string;
  value: string;
  /** The config path the value came from, e.g. "linux.resources.memory.limit". */
  field: string;
  /**
   * When the file is missing or the kernel refuses the value as unsupported:
   * 'skip' ignores it silently, 'warn' turns it into a warning. Absent: an error.
   */
  optional?: 'skip' | 'warn';
  /** Written instead when `file` does not exist (e.g. io.weight when io.bfq.weight is absent). */
  fallback?: { file: string; value: string };
  /**
   * The kernel may refuse this value with EINVAL until a later write of the same
   * controller lands (cpu period before quota, burst before quota): retry it once after them.
   */
  retryAfterEinval?: boolean;
}

export interface CgroupWarning {
  field: string;
  message: string;
}

export interface TranslatedResources {
  writes: CgroupWrite[];
  warnings: CgroupWarning[];
}

/** Resource field prefix used in every `field`. */
export const RES = 'linux.resources';
