// Errors of the cgroup layer. Every message starts with the config field it is about,
// so the CLI can print one line that tells the user what to change.

export class CgroupError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'CgroupError';
    this.field = field;
  }
}

/** Short text of a Node fs error: "EBUSY (device or resource busy)". */
export function errnoText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e && typeof e.code === 'string') {
    const detail = /^[A-Z]+: ([^,]+)/.exec(e.message)?.[1];
    return detail ? `${e.code} (${detail})` : e.code;
  }
  return String((e as Error)?.message ?? err);
}

export function errnoCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
