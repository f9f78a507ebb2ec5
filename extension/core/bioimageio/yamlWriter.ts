/**
 * A small YAML 1.2 writer for plain data (objects, arrays, strings, numbers, booleans, null) in block style.
 * Scalars are written as JSON (YAML 1.2 is a superset of JSON: double-quoted strings, numbers, true/false,
 * null), keys plainly when they are simple identifiers, so the output reads naturally and parses the same in
 * any YAML 1.2 (and 1.1) parser.
 */

/** Plain data that {@link toYaml} writes. */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue | undefined };

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function scalar(value: string | number | boolean | null): string {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new RangeError(`YAML: cannot write the number ${value}`);
  return JSON.stringify(value);
}

function key(name: string): string {
  return PLAIN_KEY.test(name) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(name) ? name : JSON.stringify(name);
}

function isCollection(value: YamlValue): value is YamlValue[] | { [key: string]: YamlValue | undefined } {
  return value !== null && typeof value === 'object';
}

function isEmpty(value: YamlValue[] | { [key: string]: YamlValue | undefined }): boolean {
  return Array.isArray(value) ? value.length === 0 : Object.values(value).every((v) => v === undefined);
}

function lines(value: YamlValue, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isCollection(item) && !isEmpty(item)) {
        const inner: string[] = [];
        lines(item, `${indent}  `, inner);
        // The first line of the item goes after the dash.
        out.push(`${indent}- ${inner[0].slice(indent.length + 2)}`, ...inner.slice(1));
      } else {
        out.push(`${indent}- ${isCollection(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item)}`);
      }
    }
    return;
  }
  for (const [name, item] of Object.entries(value as Record<string, YamlValue | undefined>)) {
    if (item === undefined) continue;
    if (isCollection(item) && !isEmpty(item)) {
      out.push(`${indent}${key(name)}:`);
      lines(item, Array.isArray(item) ? indent : `${indent}  `, out);
    } else {
      out.push(`${indent}${key(name)}: ${isCollection(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item)}`);
    }
  }
}

/**
 * The YAML text of `value` (an object at the top), ending with a newline.
 * @example toYaml({ a: 1, b: ['x'] }) === 'a: 1\nb:\n- "x"\n'
 */
export function toYaml(value: { [key: string]: YamlValue | undefined }): string {
  const out: string[] = [];
  lines(value, '', out);
  return `${out.join('\n')}\n`;
}
