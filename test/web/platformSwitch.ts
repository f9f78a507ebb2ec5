/**
 * Which implementation the extension/node modules swapped by the web tests use (issue #20): the browser bundle
 * resolves extension/node/<m> to extension/web/<m> at build time; the tests mock each with {@link webSwitch}.
 */

/** `web: true` → the extension/web counterparts. */
export const platformSwitch = { web: false };

/**
 * A module whose every export is looked up, at each use, in the web module when {@link platformSwitch}.web is set,
 * else in the Node module.
 */
export function webSwitch(nodeModule: Record<string, unknown>, webModule: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(nodeModule)) {
    Object.defineProperty(out, key, { enumerable: true, get: () => (platformSwitch.web ? webModule : nodeModule)[key] ?? nodeModule[key] });
  }
  return out;
}
