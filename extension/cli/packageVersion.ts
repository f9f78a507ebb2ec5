/** The version of this build of Pixel Classifier, from package.json (bundled into dist/cli.js by esbuild). */
import { version } from '../../package.json';

/** package.json's `version`, e.g. `0.1.0`. */
export const PACKAGE_VERSION: string = version;
