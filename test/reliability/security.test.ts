/**
 * Issue #7, "Security":
 * - every message from the webview is validated: starting from each valid message type, every field is
 *   replaced by hostile values (wrong types, out-of-range and non-integer numbers, NaN/±Infinity, huge
 *   arrays and strings, wrong ArrayBuffer sizes, prototype-pollution keys); each must be rejected with a
 *   reason, never throw, never pass extra keys through, never touch Object.prototype;
 * - project files are data: `../`, absolute, drive-letter, UNC, backslash and NUL paths and symlinks that
 *   lead out of the project folder / workspace are refused before anything is read; output templates
 *   cannot escape either;
 * - the webview page: a strict CSP with a fresh nonce on every script, no remote or inline sources.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateWebviewMessage, type ValidationContext } from '../../extension/editor/messageValidation';
import { contentSecurityPolicy, createNonce, renderWebviewHtml } from '../../extension/editor/webviewHtml';
import { resolveOutputPath } from '../../extension/batch/outputTemplate';
import { trainProjectForest } from '../../extension/batch/trainProject';
import { checkProjectImages, parseProject } from '../../extension/project/projectFile';
import { PathSafetyError, resolveProjectPath } from '../../extension/project/projectPaths';
import { PROTOCOL_LIMITS } from '../../extension/protocol';
import { stringifyProject } from '../../extension/project/stringifyProject';
import { projectSeeds } from './fuzz/seeds';

// ------------------------------------------------------------------ webview messages

const ctx: ValidationContext = { shape: { t: 2, z: 3, c: 2, y: 100, x: 80 }, nClasses: 3 };
const points = () => new Float32Array([10, 10, 20.5, 30]).buffer;
const selection = () => ({
  scales: [{ sigma: 1, in2D: false }, { sigma: 3.5, in2D: true }],
  selected: { GaussianSmoothing: [true, false], LaplacianOfGaussian: [false, true] },
});

/** One valid body per message type the webview may send. */
const VALID: Record<string, Record<string, unknown>> = {
  ready: { type: 'ready' },
  'classes/add': { type: 'classes/add' },
  'live/updateNow': { type: 'live/updateNow' },
  'navigate/mostUncertain': { type: 'navigate/mostUncertain' },
  log: { type: 'log', level: 'warn', message: 'hello' },
  'image/requestPlane': { type: 'image/requestPlane', t: 1, z: 2, c: 1 },
  'labels/requestPlane': { type: 'labels/requestPlane', t: 1, z: 2 },
  'labels/paint': { type: 'labels/paint', t: 0, z: 1, classId: 2, brushSize: 5, points: points() },
  'classes/rename': { type: 'classes/rename', classId: 1, name: 'Nuclei' },
  'classes/recolor': { type: 'classes/recolor', classId: 3, color: '#12abEF' },
  'classes/delete': { type: 'classes/delete', classId: 2 },
  'features/set': { type: 'features/set', features: selection() },
  'live/set': { type: 'live/set', enabled: true },
  'view/changed': { type: 'view/changed', t: 1, z: 0, box: { column: 0, row: 10, width: 80, height: 90 } },
};

function deep(levels: number): unknown {
  let v: unknown = 0;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}

/** Hostile replacements for any field. */
const HOSTILE: [string, () => unknown][] = [
  ['undefined', () => undefined], ['null', () => null], ['NaN', () => NaN], ['Infinity', () => Infinity], ['-Infinity', () => -Infinity],
  ['-1', () => -1], ['0.5', () => 0.5], ['2^31', () => 2 ** 31], ['2^53+2', () => 2 ** 53 + 2], ['-0.0001', () => -0.0001],
  ['string number', () => '1'], ['empty string', () => ''], ['1 MB string', () => 'x'.repeat(2 ** 20)], ['true', () => true],
  ['array', () => [1, 2]], ['1e6-element array', () => new Array(1_000_000).fill(1)], ['object', () => ({})],
  ['deeply nested array', () => deep(50_000)], ['proto object', () => JSON.parse('{"__proto__": {"polluted": 1}}')],
  ['ArrayBuffer(7)', () => new ArrayBuffer(7)], ['empty ArrayBuffer', () => new ArrayBuffer(0)], ['function', () => () => 1],
  ['symbol', () => Symbol('x')], ['bigint', () => 10n], ['Float32Array view', () => new Float32Array(4)],
];

/** Values a given field legitimately accepts among the hostile ones (so they are not expected to fail). */
function acceptable(field: string, name: string): boolean {
  // free-text fields legitimately take any short string ("1" is a fine class name; an empty log line is fine)
  if ((field === 'message' || field === 'name') && name === 'string number') return true;
  if (field === 'message' && name === 'empty string') return true;
  if (field === 'enabled' && name === 'true') return true;
  return false;
}

describe('webview message validation', () => {
  it('accepts one valid message of every type and returns a clean copy', () => {
    for (const [type, body] of Object.entries(VALID)) {
      const result = validateWebviewMessage({ messageId: 1, body: { ...body, extra: 'dropped', __proto__: { polluted: 1 } } }, ctx);
      expect(result.ok, `${type}: ${!result.ok && result.reason}`).toBe(true);
      if (result.ok) {
        expect(Object.keys(result.envelope.body)).not.toContain('extra');
        expect(Object.getPrototypeOf(result.envelope.body)).toBe(Object.prototype);
      }
    }
  });

  it('rejects every hostile value in every field of every message type, with a reason and without throwing', () => {
    let cases = 0;
    for (const [type, body] of Object.entries(VALID)) {
      for (const field of Object.keys(body)) {
        if (field === 'type') continue;
        for (const [name, make] of HOSTILE) {
          if (acceptable(field, name)) continue;
          const message = { messageId: 7, body: { ...body, [field]: make() } };
          const started = performance.now();
          const result = validateWebviewMessage(message, ctx);
          expect(performance.now() - started).toBeLessThan(5000); // no hang on huge inputs (generous: shared CI machines)
          expect(result.ok, `${type}.${field} = ${name} was accepted`).toBe(false);
          if (!result.ok) expect(result.reason.length).toBeGreaterThan(5);
          cases++;
        }
      }
    }
    expect(cases).toBeGreaterThan(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects hostile envelopes and types', () => {
    const bad: unknown[] = [
      null, undefined, 0, 'ready', [], new ArrayBuffer(8), { body: { type: 'ready' } }, { messageId: -1, body: { type: 'ready' } },
      { messageId: NaN, body: { type: 'ready' } }, { messageId: 1, inReplyTo: 'x', body: { type: 'ready' } }, { messageId: 1 },
      { messageId: 1, body: null }, { messageId: 1, body: [] }, { messageId: 1, body: { type: 'x'.repeat(1_000_000) } },
      { messageId: 1, body: { type: '__proto__' } }, { messageId: 1, body: { type: 'constructor' } }, { messageId: 1, body: { type: 'toString' } },
      { messageId: 1, body: { type: 'image/plane' } }, // a host→webview type
      JSON.parse('{"messageId": 1, "body": {"type": "hasOwnProperty"}}'),
    ];
    for (const raw of bad) expect(validateWebviewMessage(raw, ctx).ok).toBe(false);
  });

  it('checks every coordinate against the open image and stroke buffers against the limits', () => {
    const paint = (over: Record<string, unknown>) => validateWebviewMessage({ messageId: 1, body: { ...VALID['labels/paint'], ...over } }, ctx).ok;
    expect(paint({ t: 2 })).toBe(false); // t < 2
    expect(paint({ z: 3 })).toBe(false);
    expect(paint({ classId: 4 })).toBe(false); // 3 classes
    expect(paint({ classId: 0 })).toBe(true); // eraser
    expect(paint({ brushSize: PROTOCOL_LIMITS.maxBrushSize + 1 })).toBe(false);
    expect(paint({ points: new Float32Array([NaN, 1]).buffer })).toBe(false);
    expect(paint({ points: new Float32Array([1e9, 1]).buffer })).toBe(false);
    expect(paint({ points: new ArrayBuffer(12) })).toBe(false); // not whole (column,row) pairs
    expect(paint({ points: new ArrayBuffer(8 * (PROTOCOL_LIMITS.maxStrokePoints + 1)) })).toBe(false);
    const view = (box: Record<string, unknown>) => validateWebviewMessage({ messageId: 1, body: { ...VALID['view/changed'], box } }, ctx).ok;
    expect(view({ column: 79, row: 99, width: 1, height: 1 })).toBe(true);
    expect(view({ column: 79, row: 99, width: 2, height: 1 })).toBe(false);
    expect(view({ column: -1, row: 0, width: 1, height: 1 })).toBe(false);
    expect(validateWebviewMessage({ messageId: 1, body: { type: 'image/requestPlane', t: 0, z: 0, c: 0 } }, { nClasses: 2 }).ok).toBe(false); // no image open
  });

  it('rejects hostile feature selections (unknown ids, prototype keys, too many scales, non-finite sigmas)', () => {
    const set = (features: unknown) => validateWebviewMessage({ messageId: 1, body: { type: 'features/set', features } }, ctx).ok;
    expect(set({ ...selection(), selected: { ...selection().selected, __proto__: [true, true] } })).toBe(true); // literal __proto__ sets the prototype, not a key
    expect(set({ ...selection(), selected: JSON.parse('{"__proto__": [true, true]}') })).toBe(false);
    expect(set({ ...selection(), selected: { constructor: [true, true] } })).toBe(false);
    expect(set({ scales: Array.from({ length: PROTOCOL_LIMITS.maxScales + 1 }, (_, i) => ({ sigma: i + 1, in2D: false })), selected: {} })).toBe(false);
    for (const sigma of [NaN, Infinity, 0, -1, 101, '1', null]) expect(set({ ...selection(), scales: [{ sigma, in2D: false }, { sigma: 1, in2D: false }] })).toBe(false);
    expect(set({ ...selection(), selected: { GaussianSmoothing: [true] } })).toBe(false); // wrong length
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

// ------------------------------------------------------------------ workspace paths

describe('project paths cannot leave the project folder / workspace', () => {
  const root = mkdtempSync(join(tmpdir(), 'pc-sec-'));
  const workspace = join(root, 'workspace');
  const outside = join(root, 'outside');
  mkdirSync(join(workspace, 'data'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'secret.tif'), 'not for you');
  writeFileSync(join(workspace, 'data', 'cells.tif'), 'ok');
  symlinkSync(join(outside, 'secret.tif'), join(workspace, 'data', 'link.tif'));
  symlinkSync(outside, join(workspace, 'data', 'linkdir'));

  const ESCAPES = [
    '../../outside/secret.tif', 'a/../../../outside/secret.tif', '../../../../../../../etc/passwd', '../../workspace-evil/x.tif',
    '/etc/passwd', 'C:/Windows/win.ini', 'c:x.tif', '\\\\server\\share\\x.tif', 'sub\\..\\..\\x.tif', 'x\0.tif', '',
    'link.tif', 'linkdir/secret.tif',
  ];

  it('resolveProjectPath refuses every escape with a PathSafetyError and allows plain relative paths', () => {
    const projectDir = join(workspace, 'data');
    for (const p of ESCAPES) expect(() => resolveProjectPath(projectDir, p, [workspace]), p).toThrow(PathSafetyError);
    expect(resolveProjectPath(projectDir, 'cells.tif', [workspace])).toBe(join(projectDir, 'cells.tif'));
    expect(resolveProjectPath(projectDir, 'sub/new.tif', [workspace])).toBe(join(projectDir, 'sub', 'new.tif'));
    // a sibling folder of the workspace with a common prefix is still outside
    expect(() => resolveProjectPath(workspace, '../workspace-evil/x.tif', [workspace])).toThrow(PathSafetyError);
  });

  it('a project listing escaping images: checking reports them as unsafe and training refuses before reading', async () => {
    const projectFile = join(workspace, 'data', 'p.pixelclass.json');
    const seed = JSON.parse(new TextDecoder().decode(projectSeeds()[1].bytes));
    for (const p of ['../../outside/secret.tif', 'link.tif', 'linkdir/secret.tif']) {
      const labels = seed.labels['cells.tif'];
      const project = parseProject(stringifyProject({ ...seed, images: [{ ...seed.images[0], path: p }], labels: { [p]: labels } }), projectFile);
      const warnings = await checkProjectImages(project, projectFile, { allowedRoots: [workspace] });
      expect(warnings.map((w) => w.kind)).toEqual(['unsafe-path']);
      await expect(trainProjectForest(project, projectFile, { allowedRoots: [workspace] })).rejects.toBeInstanceOf(PathSafetyError);
    }
  });

  it('output templates cannot escape: relative templates stay in the workspace, {dataset_dir} beside the input, inputs are never overwritten', () => {
    const input = join(workspace, 'data', 'cells.tif');
    const base = { input, resultType: 'Probabilities', format: 'tiff' as const, baseDir: workspace, allowedRoots: [workspace], inputs: [input] };
    for (const template of ['../out/{nickname}.tif', 'results/../../{nickname}.tif', '{dataset_dir}/../{nickname}.tif', '{dataset_dir}/../../x.tif',
      '{dataset_dir}x.tif', '/tmp/../etc/{nickname}.tif', '{dataset_dir}/cells.tif', 'data/cells.tif', '{dataset_dir}/linkdir/{nickname}.tif', 'data/linkdir/x.tif', 'a\0b.tif']) {
      expect(() => resolveOutputPath({ ...base, template }), template).toThrow(PathSafetyError);
    }
    expect(resolveOutputPath({ ...base, template: '{dataset_dir}/{nickname}_{result_type}.tif' })).toBe(join(workspace, 'data', 'cells_Probabilities.tif'));
    expect(resolveOutputPath({ ...base, template: 'results/{nickname}.tif' })).toBe(join(workspace, 'results', 'cells.tif'));
    // an absolute template is an explicit output folder the user typed: allowed
    expect(resolveOutputPath({ ...base, template: join(outside, '{nickname}.tif') })).toBe(join(outside, 'cells.tif'));
  });
});

// ------------------------------------------------------------------ webview page

describe('webview HTML and CSP', () => {
  const render = (title = 'cells.tif') => renderWebviewHtml({
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net', nonce: createNonce(), title,
    scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js', styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/media/editor.css',
  });
  const csp = (html: string) => /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)![1].replace(/&#39;/g, "'");

  it('has default-src none, nonce-only scripts, no unsafe-*, no remote hosts', () => {
    const html = render();
    const policy = csp(html);
    const directives = Object.fromEntries(policy.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toHaveLength(1);
    expect(directives['script-src'][0]).toMatch(/^'nonce-[A-Za-z0-9+/]{22,}'$/);
    expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|\*|http:|wss?:/);
    for (const [name, sources] of Object.entries(directives)) {
      for (const s of sources as string[]) {
        // only the webview's own resource origin, blob:/data: images, nonces and 'none'
        const imageScheme = name === 'img-src' && (s === 'blob:' || s === 'data:');
        expect(s === "'none'" || s.startsWith("'nonce-") || imageScheme || s === 'https://file+.vscode-resource.vscode-cdn.net', `${name} ${s}`).toBe(true);
      }
    }
    expect(directives['connect-src']).toBeUndefined(); // falls back to 'none': no fetch/XHR/WebSocket anywhere
  });

  it('puts the page nonce on every script and stylesheet, a fresh one per page', () => {
    const html = render();
    const nonce = /'nonce-([^']+)'/.exec(csp(html))![1];
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(s).toContain(`nonce="${nonce}"`);
    expect(html).not.toMatch(/<script\b(?![^>]*\bsrc=)[^>]*>[^<]+<\/script>/); // no inline script bodies
    expect(html).not.toMatch(/\son[a-z]+=/i); // no inline event handlers
    const nonces = new Set(Array.from({ length: 50 }, () => createNonce()));
    expect(nonces.size).toBe(50);
    expect(contentSecurityPolicy('x', 'n1')).not.toBe(contentSecurityPolicy('x', 'n2'));
  });

  it('escapes a hostile file name in the title', () => {
    const html = render('</title><script>alert(1)</script><img src=x onerror=alert(2)>.tif');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect([...html.matchAll(/<script\b/g)]).toHaveLength(1);
  });
});
