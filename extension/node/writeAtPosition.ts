/** Positioned writes through an open file descriptor (the features CLI's workers write their channels into one TIFF). */
import { writeSync } from 'node:fs';

/** Writes all of `bytes` at byte `position` of the open file `fd` (pwrite; retried until every byte is written). */
export function writeAtPosition(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
}
