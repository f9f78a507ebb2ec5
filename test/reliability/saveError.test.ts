/** Issue #7 follow-up: OS write errors become `Cannot save <target>: <plain reason>`, other errors pass through. */
import { describe, expect, it } from 'vitest';
import { SaveError, toSaveError } from '../../extension/project/saveError';

function osError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

describe('toSaveError', () => {
  it('names the target, not the temp file, with a plain reason and the OS code', () => {
    const e = toSaveError('/p/a.pixelclass.json', osError('EACCES', "EACCES: permission denied, open '/p/.a.pixelclass.json.1.x.tmp'"));
    expect(e).toBeInstanceOf(SaveError);
    expect((e as SaveError).message).toBe('Cannot save /p/a.pixelclass.json: permission denied (the folder or file is read-only for you)');
    expect((e as SaveError).code).toBe('EACCES');
    expect((toSaveError('/p/a', osError('ENOSPC', 'ENOSPC: no space left on device, write')) as Error).message).toBe('Cannot save /p/a: disk full');
    expect((toSaveError('/p/a', osError('EXDEV', 'x')) as Error).message).toBe('Cannot save /p/a: the system reported EXDEV');
  });

  it('leaves non-OS errors and already wrapped errors unchanged', () => {
    const internal = new Error('internal: spool file is shorter than expected');
    expect(toSaveError('/p/a', internal)).toBe(internal);
    const wrapped = new SaveError('/p/b', 'disk full', 'ENOSPC');
    expect(toSaveError('/p/a', wrapped)).toBe(wrapped);
    expect(toSaveError('/p/a', 'text')).toBe('text');
  });
});
