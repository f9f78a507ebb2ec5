/**
 * Plain-language save failures (issue #7): the OS error of a failed write (EACCES on a temp file, EFBIG,
 * ENOSPC …) becomes `Cannot save <target>: <reason>`, naming the file the user asked for, never our temp file.
 */

/** A failed save of `file`; `code` keeps the OS error code (e.g. `ENOSPC`) for callers that branch on it. */
export class SaveError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly code?: string,
  ) {
    super(`Cannot save ${file}: ${reason}`);
    this.name = 'SaveError';
  }
}

const REASONS: Record<string, string> = {
  ENOSPC: 'disk full',
  EFBIG: 'disk full (the file is larger than the disk or the file-size limit allows)',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied (the folder or file is read-only for you)',
  EPERM: 'permission denied (the folder or file is read-only for you)',
  EROFS: 'the disk is read-only',
  ENOENT: 'the folder does not exist',
  ENOTDIR: 'the folder does not exist',
  EISDIR: 'a folder with that name exists',
  EIO: 'the disk reported an input/output error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  ENAMETOOLONG: 'the file name is too long',
};

/** The plain reason for an OS error code, or undefined when it is not a known OS error. */
export function saveFailureReason(code: string | undefined): string | undefined {
  return code === undefined ? undefined : REASONS[code];
}

/**
 * Wraps an error of a write to `file` (or to its temp file) as a {@link SaveError}. Errors that are not OS
 * errors (internal bugs, already-wrapped errors) are returned unchanged.
 */
export function toSaveError(file: string, error: unknown): unknown {
  if (error instanceof SaveError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code)) return error;
  return new SaveError(file, saveFailureReason(code) ?? `the system reported ${code}`, code);
}
