/** Unit tests run on the Node platform (issue #20's platform port), as the desktop extension and the CLI do. */
import { installNodePlatform } from '../extension/node/nodePlatform';

installNodePlatform();
