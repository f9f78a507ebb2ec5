/**
 * Issue #7, security: "Workspace trust: declare `capabilities.untrustedWorkspaces` honestly; in restricted
 * mode viewing works, but nothing is written and batch commands are disabled" and "`localResourceRoots`
 * limited to the extension's media and the document's folder".
 *
 * The real `activate()` runs against a fake `vscode` module (test/reliability/helpers/fakeVscode.ts): the
 * editor provider and the command handlers it registers are driven like VS Code would, with workspace
 * trust switched off and on, on a real small TIFF in a temp folder.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

vi.mock('vscode', async () => (await import('./helpers/fakeVscode')).vscode);

import { calls, trust, Uri } from './helpers/fakeVscode';
import { activate } from '../../extension/extension';
import type { LabelEditorProvider } from '../../extension/editor/labelEditorProvider';
import type { LabelDocument } from '../../extension/editor/labelDocument';
import { encodeTiff } from '../../extension/core/image/tiffWriter';
import type { Envelope, HostToWebviewMessage } from '../../extension/protocol';

const root = path.resolve(__dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  capabilities: { untrustedWorkspaces: { supported: unknown; description?: string } };
  contributes: { commands: { command: string; enablement?: string }[] };
};

let dir: string;
let image: string;
const openDocuments: LabelDocument[] = [];

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pc-trust-'));
  image = path.join(dir, 'cells.tif');
  const plane = new Uint16Array(16 * 12).map((_, i) => i * 7);
  await fs.writeFile(image, encodeTiff([plane], { width: 16, height: 12, dtype: 'uint16' }));
  calls.length = 0;
});
afterEach(async () => {
  trust.isTrusted = true;
  for (const d of openDocuments.splice(0)) d.dispose();
  await new Promise((r) => setTimeout(r, 10));
  await fs.rm(dir, { recursive: true, force: true });
});

/** Activates the extension; returns its editor provider and command handlers. */
function start() {
  const extensionDir = path.join(dir, 'extension');
  const context = {
    subscriptions: [] as { dispose(): unknown }[],
    extensionUri: Uri.file(extensionDir), extensionPath: extensionDir, extension: { packageJSON: { version: '1.2.3' } },
  };
  activate(context as never);
  const provider = calls.find((c) => c.name === 'window.registerCustomEditorProvider')!.args[1] as LabelEditorProvider;
  const commands = new Map(calls.filter((c) => c.name === 'commands.registerCommand').map((c) => [c.args[0] as string, c.args[1] as () => Promise<void>]));
  return { provider, commands, context, extensionDir };
}

/** Opens the image in the editor with a fake webview panel, as VS Code does. */
async function openEditor(provider: LabelEditorProvider) {
  const posted: Envelope<HostToWebviewMessage>[] = [];
  let receive: (m: unknown) => void = () => undefined;
  const webview = {
    options: {} as { enableScripts?: boolean; localResourceRoots?: Uri[] },
    html: '',
    cspSource: 'vscode-resource:',
    asWebviewUri: (u: Uri) => u,
    postMessage: async (m: unknown) => { posted.push(m as Envelope<HostToWebviewMessage>); return true; },
    onDidReceiveMessage: (l: (m: unknown) => void) => { receive = l; return { dispose: () => undefined }; },
  };
  const panel = { webview, active: true, viewColumn: 1, reveal: (...args: unknown[]) => calls.push({ name: 'panel.reveal', args }), onDidChangeViewState: () => ({ dispose: () => undefined }), onDidDispose: () => ({ dispose: () => undefined }) };
  const token = { isCancellationRequested: false } as never;
  const document = await provider.openCustomDocument(Uri.file(image) as never, { backupId: undefined } as never, token) as LabelDocument;
  openDocuments.push(document);
  await provider.resolveCustomEditor(document, panel as never, token);
  let id = 1;
  /** Delivers a message; with `reply`, waits (up to 10 s, for loaded machines) until the host has posted one of that type. */
  const send = async (body: Record<string, unknown>, reply?: string) => {
    const before = posted.length;
    receive({ messageId: id++, body });
    await new Promise((r) => setTimeout(r, 20));
    for (let waited = 0; reply && waited < 10_000 && !posted.slice(before).some((e) => e.body.type === reply); waited += 10) {
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const bodies = (type: string) => posted.map((e) => e.body).filter((b) => b.type === type);
  return { document, webview, send, bodies, token };
}

const paint = { type: 'labels/paint', t: 0, z: 0, classId: 1, brushSize: 3, points: new Float32Array([4.5, 4.5, 8.5, 6.5]).buffer };

describe('workspace trust: the manifest', () => {
  it('declares limited support in untrusted workspaces, saying what is disabled', () => {
    const { supported, description } = manifest.capabilities.untrustedWorkspaces;
    expect(supported).toBe('limited');
    expect(description).toMatch(/Restricted Mode/);
    expect(description).toMatch(/saving/);
    expect(description).toMatch(/Predict Workspace/);
  });

  it('batch commands (they write files) are disabled in untrusted workspaces', () => {
    for (const id of ['pixelClassifier.predictWorkspace', 'pixelClassifier.predictWorkspaceForce', 'pixelClassifier.export']) {
      const command = manifest.contributes.commands.find((c) => c.command === id);
      expect(command?.enablement, id).toMatch(/isWorkspaceTrusted/);
    }
  });
});

describe('workspace trust: Restricted Mode', () => {
  beforeEach(() => {
    trust.isTrusted = false;
  });

  it('viewing works: init, planes and labels are served; the editor says it is read-only', async () => {
    const { provider } = start();
    const e = await openEditor(provider);
    await e.send({ type: 'ready' }, 'init');
    const [init] = e.bodies('init') as Extract<HostToWebviewMessage, { type: 'init' }>[];
    expect(init.image.shape).toMatchObject({ y: 12, x: 16 });
    expect(init.settings.readOnly).toBe(true);
    await e.send({ type: 'image/requestPlane', t: 0, z: 0, c: 0 }, 'image/plane');
    const [plane] = e.bodies('image/plane') as Extract<HostToWebviewMessage, { type: 'image/plane' }>[];
    expect(new Uint16Array(plane.data)[5]).toBe(35);
    await e.send({ type: 'labels/requestPlane', t: 0, z: 0 }, 'labels/plane');
    expect(e.bodies('labels/plane')).toHaveLength(1);
  });

  it('nothing is written: painting, classes, features and training are refused; save and save-as fail; no file appears', async () => {
    const { provider } = start();
    const e = await openEditor(provider);
    await e.send({ type: 'ready' }, 'init');
    await e.send(paint, 'error/show');
    await e.send({ type: 'classes/add' }, 'error/show');
    await e.send({ type: 'live/updateNow' }, 'error/show');
    expect(e.document.labels!.labelledCount()).toBe(0);
    expect(e.document.classes).toHaveLength(2);
    const refused = (e.bodies('error/show') as { message: string }[]).map((b) => b.message);
    expect(refused).toEqual([
      'cells.tif: painting is disabled: the workspace is not trusted or the file is read-only',
      'cells.tif: adding a class is disabled: the workspace is not trusted or the file is read-only',
      'cells.tif: training is disabled: the workspace is not trusted or the file is read-only',
    ]);
    await expect(provider.saveCustomDocument(e.document, e.token)).rejects.toThrow(/saving is disabled in Restricted Mode/);
    await expect(provider.saveCustomDocumentAs(e.document, Uri.file(path.join(dir, 'copy.tif')) as never, e.token)).rejects.toThrow(/saving is disabled in Restricted Mode/);
    expect((await fs.readdir(dir)).sort()).toEqual(['cells.tif']);
  });

  it('no "add to project" offer (it would change a project) even when the folder has one', async () => {
    // A valid project of the folder that does not list the image: a candidate when trusted.
    const { createProject } = await import('../../extension/project/projectSchema');
    const { selectionDefaultLight } = await import('../../extension/core/features/featureSet');
    const { writeProject } = await import('../../extension/project/projectFile');
    await writeProject(path.join(dir, 'other.pixelclass.json'), createProject(selectionDefaultLight(), '1'));
    const { provider } = start();
    const e = await openEditor(provider);
    expect(e.document.candidates).toHaveLength(1);
    await e.send({ type: 'ready' });
    await new Promise((r) => setTimeout(r, 20));
    expect(calls.filter((c) => c.name === 'window.showInformationMessage')).toEqual([]);
    expect(e.bodies('notice/show')).toEqual([]); // the offer is a banner question when trusted
  });

  it('Predict Workspace, Predict Workspace (force) and Export say they are disabled and do nothing', async () => {
    const { provider, commands } = start();
    const e = await openEditor(provider);
    calls.length = 0;
    for (const id of ['pixelClassifier.predictWorkspace', 'pixelClassifier.predictWorkspaceForce', 'pixelClassifier.export']) await commands.get(id)!();
    const warnings = calls.filter((c) => c.name === 'window.showWarningMessage').map((c) => c.args[0]);
    expect(warnings).toEqual([
      'Predict Workspace is disabled in Restricted Mode: trust the workspace first.',
      'Predict Workspace is disabled in Restricted Mode: trust the workspace first.',
      'Export is disabled in Restricted Mode: trust the workspace first.',
    ]);
    // No project search, no dialog, no batch run.
    expect(calls.map((c) => c.name).filter((n) => n !== 'window.showWarningMessage')).toEqual([]);
    expect((await fs.readdir(dir)).sort()).toEqual(['cells.tif']);
    expect(e.document.isDirty).toBe(false);
  });

  it('once trusted, the same editor paints and saves', async () => {
    const { provider } = start();
    const e = await openEditor(provider);
    trust.isTrusted = true;
    await e.send(paint);
    expect(e.document.labels!.labelledCount()).toBeGreaterThan(0);
    await provider.saveCustomDocument(e.document, e.token);
    expect((await fs.readdir(dir)).sort()).toEqual(['cells.pixelclass.json', 'cells.tif']);
  });
});

describe('webview resource roots', () => {
  it('the webview may load only the extension bundle and media: no workspace or image folder, no parent folder', async () => {
    const { provider, extensionDir } = start();
    const e = await openEditor(provider);
    expect(e.webview.options.enableScripts).toBe(true);
    const roots = e.webview.options.localResourceRoots!.map((u) => u.fsPath);
    expect(roots).toEqual([path.join(extensionDir, 'dist'), path.join(extensionDir, 'media')]);
    for (const r of roots) expect(path.relative(extensionDir, r).startsWith('..')).toBe(false);
    // Pixels travel as messages, so the document's folder is not readable by the webview at all.
    expect(roots.some((r) => image.startsWith(r + path.sep) || r === dir)).toBe(false);
    // …and the page only references those roots (script and style), under a nonce'd CSP.
    const refs = [...e.webview.html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(roots.some((r) => ref.includes(r)), ref).toBe(true);
    expect(e.webview.html).toMatch(/Content-Security-Policy/);
  });
});
