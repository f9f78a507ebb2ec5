/** Child process of hdf5Watchdog.test.ts: opens an HDF5 image and prints its shape or the error, then just returns. */
import { openImage } from '../../../extension/node/openImage';

void (async () => {
  try {
    const image = await openImage(process.argv[2]);
    process.stdout.write(`shape ${JSON.stringify(image.info.shape)}\n`);
    await image.close();
  } catch (error) {
    process.stdout.write(`error ${(error as Error).message}\n`);
  }
})();
