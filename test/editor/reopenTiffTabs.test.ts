import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('vscode', async () => (await import('../reliability/helpers/fakeVscode')).vscode);
const { vscode, calls } = await import('../reliability/helpers/fakeVscode');
const { reopenTiffTabs, tiffTextTabs } = await import('../../extension/editor/reopenTiffTabs');
const { MemoryLogger } = await import('../../extension/editor/logger');

const text = (p: string) => new vscode.TabInputText(vscode.Uri.file(p));
const group = (viewColumn: number, inputs: unknown[]) => {
  const g = { viewColumn, tabs: [] as unknown[] };
  g.tabs = inputs.map((input, i) => ({ input, group: g, isPreview: i === 0, isActive: i === 0 }));
  return g;
};

describe('reopening TIFFs that VS Code opened as text before the editor was registered', () => {
  beforeEach(() => { calls.length = 0; });
  afterEach(() => { (vscode.window.tabGroups as { all: unknown[] }).all = []; });

  it('finds text tabs of .tif/.tiff only (any case), in every group', () => {
    const groups = [group(1, [text('/w/a.tif'), text('/w/notes.txt'), { viewType: 'x', uri: vscode.Uri.file('/w/b.tif') }]), group(2, [text('/w/C.TIFF')])];
    expect(tiffTextTabs(groups as never).map((t) => (t.input as { uri: { fsPath: string } }).uri.fsPath)).toEqual(['/w/a.tif', '/w/C.TIFF']);
  });

  it('reopens each with the custom editor in the same group and preview state, then closes the text tab', async () => {
    const groups = [group(2, [text('/w/a.tif'), text('/w/notes.txt')])];
    (vscode.window.tabGroups as { all: unknown[] }).all = groups;
    const logger = new MemoryLogger();
    await reopenTiffTabs('pixelClassifier.labelEditor', logger);
    const openWith = calls.filter((c) => c.name === 'commands.executeCommand');
    expect(openWith).toHaveLength(1);
    expect(openWith[0].args[0]).toBe('vscode.openWith');
    expect((openWith[0].args[1] as { fsPath: string }).fsPath).toBe('/w/a.tif');
    expect(openWith[0].args[2]).toBe('pixelClassifier.labelEditor');
    expect(openWith[0].args[3]).toEqual({ viewColumn: 2, preview: true, preserveFocus: false });
    // The fake leaves the text tab in place, so it is closed explicitly.
    expect(calls.filter((c) => c.name === 'window.tabGroups.close').map((c) => c.args[0])).toEqual([groups[0].tabs[0]]);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatch(/^\[info\] Reopened \S*\/w\/a\.tif in the Pixel Classifier editor \(it was opened as text before the extension was ready\)$/);
  });

  it('does nothing without such tabs', async () => {
    await reopenTiffTabs('pixelClassifier.labelEditor', new MemoryLogger());
    expect(calls).toEqual([]);
  });
});
