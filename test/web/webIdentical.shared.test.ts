/** Issue #20: web = desktop, byte for byte, with the pool's 'shared' memory mode (see webIdentical.ts). */
import { describe, it, vi } from 'vitest';

import { expectWebEqualsDesktop } from './webIdentical';

// The browser bundle resolves extension/node/<m> to extension/web/<m>; here each is a switch between the two.
vi.mock('../../extension/node/openImage', async () => (await import('./platformSwitch')).webSwitch(await vi.importActual('../../extension/node/openImage'), await import('../../extension/web/openImage')));
vi.mock('../../extension/node/tiffFileWriter', async () => (await import('./platformSwitch')).webSwitch(await vi.importActual('../../extension/node/tiffFileWriter'), await import('../../extension/web/tiffFileWriter')));
vi.mock('../../extension/node/zarrDirectoryStore', async () => (await import('./platformSwitch')).webSwitch(await vi.importActual('../../extension/node/zarrDirectoryStore'), await import('../../extension/web/zarrDirectoryStore')));
vi.mock('../../extension/node/fileByteSource', async () => (await import('./platformSwitch')).webSwitch(await vi.importActual('../../extension/node/fileByteSource'), await import('../../extension/web/fileByteSource')));

describe('web = desktop (issue #20), with shared memory (as in a cross-origin isolated browser)', () => {
  it('trains the same model bytes and predicts the same probability bytes', async () => {

    await expectWebEqualsDesktop('shared');
  });
});
