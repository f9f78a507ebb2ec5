/** js-yaml (dev dependency, tests only) has no bundled types: the one function the tests use. */
declare module 'js-yaml' {
  export function load(text: string): unknown;
}
