/**
 * JSON locations for error messages (issue #5: "a malformed project gives a clear error with the JSON
 * location"). `JSON.parse` is used for speed; only when something is wrong does this scanner walk the text
 * again to find the line and column of a syntax error or of the value a JSON pointer names.
 */

/** A 1-based line and column in a text. */
export interface TextLocation {
  line: number;
  column: number;
  /** 0-based character offset. */
  offset: number;
}

/** A JSON syntax error with its location. */
export class JsonSyntaxError extends Error {
  constructor(readonly location: TextLocation, readonly reason: string) {
    super(`${location.line}:${location.column}: ${reason}`);
    this.name = 'JsonSyntaxError';
  }
}

/** Converts a character offset to a 1-based line and column. */
export function offsetToLocation(text: string, offset: number): TextLocation {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) { line++; lineStart = i + 1; }
  }
  return { line, column: end - lineStart + 1, offset: end };
}

/** Escapes one JSON-pointer segment (RFC 6901). */
export function escapePointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Builds a JSON pointer such as `/labels/a.tif/t0z0/3` from path segments. */
export function toPointer(path: readonly (string | number)[]): string {
  return path.map((s) => `/${escapePointerSegment(s)}`).join('');
}

/**
 * Parses JSON; on a syntax error throws {@link JsonSyntaxError} with the line and column where parsing failed.
 */
export function parseJsonWithLocation(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Re-scan to find where it breaks; the scanner throws the located error.
    new Scanner(text, undefined).document();
    throw new JsonSyntaxError(offsetToLocation(text, 0), 'invalid JSON');
  }
}

/**
 * Location of the value a JSON pointer (as path segments) names, or of its closest existing ancestor
 * when the value is missing. `undefined` when the text is not valid JSON.
 */
export function locatePath(text: string, path: readonly (string | number)[]): TextLocation | undefined {
  try {
    const scanner = new Scanner(text, path.map(String));
    scanner.document();
    return offsetToLocation(text, scanner.found);
  } catch {
    return undefined;
  }
}

/** A recursive-descent JSON scanner that records where the target path's value starts. */
class Scanner {
  private pos = 0;
  /** Offset of the deepest matched prefix of the target path. */
  found = 0;

  constructor(private readonly text: string, private readonly target: string[] | undefined) {}

  document(): void {
    this.whitespace();
    this.value([]);
    this.whitespace();
    if (this.pos < this.text.length) this.fail('unexpected text after the JSON value');
  }

  private fail(reason: string): never {
    throw new JsonSyntaxError(offsetToLocation(this.text, this.pos), reason);
  }

  private whitespace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) this.pos++;
      else break;
    }
  }

  private matches(path: string[]): boolean {
    const target = this.target;
    if (!target || path.length > target.length) return false;
    for (let i = 0; i < path.length; i++) if (path[i] !== target[i]) return false;
    return true;
  }

  private value(path: string[]): void {
    // Bounded recursion: hostile nesting must give a located error, not a stack overflow (found by fuzzing).
    if (path.length > 512) this.fail('JSON nested more than 512 levels deep');
    if (this.matches(path)) this.found = this.pos;
    const c = this.text[this.pos];
    if (c === '{') this.object(path);
    else if (c === '[') this.array(path);
    else if (c === '"') this.string();
    else if (c === '-' || (c >= '0' && c <= '9')) this.number();
    else if (this.text.startsWith('true', this.pos)) this.pos += 4;
    else if (this.text.startsWith('false', this.pos)) this.pos += 5;
    else if (this.text.startsWith('null', this.pos)) this.pos += 4;
    else if (c === undefined) this.fail('unexpected end of file');
    else this.fail(`unexpected character ${JSON.stringify(c)}`);
  }

  private object(path: string[]): void {
    this.pos++;
    this.whitespace();
    if (this.text[this.pos] === '}') { this.pos++; return; }
    for (;;) {
      this.whitespace();
      if (this.text[this.pos] !== '"') this.fail('expected a double-quoted property name');
      const keyStart = this.pos;
      this.string();
      const key = JSON.parse(this.text.slice(keyStart, this.pos)) as string;
      this.whitespace();
      if (this.text[this.pos] !== ':') this.fail(`expected ':' after property name "${key}"`);
      this.pos++;
      this.whitespace();
      this.value([...path, key]);
      this.whitespace();
      const c = this.text[this.pos];
      if (c === ',') { this.pos++; continue; }
      if (c === '}') { this.pos++; return; }
      this.fail(c === undefined ? 'unexpected end of file inside an object' : "expected ',' or '}' after a property value");
    }
  }

  private array(path: string[]): void {
    this.pos++;
    this.whitespace();
    if (this.text[this.pos] === ']') { this.pos++; return; }
    for (let index = 0; ; index++) {
      this.whitespace();
      this.value([...path, String(index)]);
      this.whitespace();
      const c = this.text[this.pos];
      if (c === ',') { this.pos++; continue; }
      if (c === ']') { this.pos++; return; }
      this.fail(c === undefined ? 'unexpected end of file inside an array' : "expected ',' or ']' after an array element");
    }
  }

  private string(): void {
    const t = this.text;
    this.pos++;
    while (this.pos < t.length) {
      const c = t[this.pos];
      if (c === '"') { this.pos++; return; }
      if (c === '\\') {
        const e = t[this.pos + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(t.slice(this.pos + 2, this.pos + 6))) this.fail('invalid \\u escape');
          this.pos += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) this.pos += 2;
        else this.fail('invalid escape in a string');
      } else if (c.charCodeAt(0) < 0x20) this.fail('control character in a string');
      else this.pos++;
    }
    this.fail('unterminated string');
  }

  private number(): void {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 64));
    if (!match) this.fail('invalid number');
    this.pos += match[0].length;
  }
}
