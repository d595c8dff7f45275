// One error type for everything the user should read: its message is the whole line.
export class RuntimeError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'RuntimeError';
  }
}

/** The runc phrase clients match on to treat a container as gone. */
export function notExist(id: string): RuntimeError {
  return new RuntimeError(`container ${id} does not exist`);
}

export function errnoMessage(err: unknown): string {
  if (err instanceof Error) {
    const e = err as NodeJS.ErrnoException;
    if (e.code && e.syscall) return `${e.syscall}${e.path ? ` ${e.path}` : ''}: ${e.code}`;
    return e.message;
  }
  return String(err);
}
