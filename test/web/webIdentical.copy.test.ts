/** Issue #20: web = desktop, byte for byte, with the pool's 'copy' memory mode (see webIdentical.ts). */
import { describe, it, vi } from 'vitest';
import { installSharedArrayBufferEmulation } from '../../extension/web/sharedMemory';
import { expectWebEqualsDesktop } from './webIdentical';

// The browser bundle resolves extension/node/<m> to extension/web/<m>; here each is a switch between the two.
vi.mock('../../extension/node/openImage', async () => (await import('./platformSwitch')).webSwitch(await vi.importActual('../../extension/node/openImage'), await import('../../extension/web/openImage')));
vi.mock('../../extension/node/tiffFileWriter', async () => (await import('./platformSwitch')).webSwitch(await vi.importActual('../../extension/node/tiffFileWriter'), await import('../../extension/web/tiffFileWriter')));
vi.mock('../../extension/node/zarrDirectoryStore', async () => (await import('./platformSwitch')).webSwitch(await vi.importActual('../../extension/node/zarrDirectoryStore'), await import('../../extension/web/zarrDirectoryStore')));
vi.mock('../../extension/node/fileByteSource', async () => (await import('./platformSwitch')).webSwitch(await vi.importActual('../../extension/node/fileByteSource'), await import('../../extension/web/fileByteSource')));

describe('web = desktop (issue #20), without shared memory (copies with write-back, as in a browser without cross-origin isolation)', () => {
  it('trains the same model bytes and predicts the same probability bytes', async () => {
    // The browser without COOP/COEP: SharedArrayBuffer is the unshared stand-in, jobs get copies.
    installSharedArrayBufferEmulation(true);
    await expectWebEqualsDesktop('copy');
  });
});
