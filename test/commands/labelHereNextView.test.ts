import { describe, expect, it, vi } from 'vitest';
import * as path from 'node:path';

vi.mock('vscode', async () => (await import('../reliability/helpers/fakeVscode')).vscode);

import { LabelHereNextView } from '../../extension/commands/labelHereNextView';
import { readProject } from '../../extension/project/projectFile';
import { Emitter } from '../../extension/editor/emitter';
import { trainedWorkspace } from '../cli/cliHarness';
import type { CommandServices } from '../../extension/commands/commandServices';

async function setup(maxPatches = 50) {
  const { dir } = await trainedWorkspace(2, { width: 96, height: 80 });
  const projectFile = path.join(dir, 'proj.pixelclass.json');
  const project = await readProject(projectFile);
  const trained = new Emitter<void>();
  const document = { projectFile, imagePath: path.join(dir, 'img0.tif'), snapshot: async () => project };
  const controller = { onDidTrain: trained.event, live: undefined, broadcast: () => undefined };
  const lines: string[] = [];
  const services = {
    logger: { warn: (m: string) => lines.push(m), info: () => undefined, error: () => undefined },
    getPool: () => undefined,
    activeDocument: () => document,
    controller: () => controller,
  } as unknown as CommandServices;
  const view = new LabelHereNextView(services, () => maxPatches);
  return { view, document, controller, trained, lines };
}

describe('Label Here Next view', () => {
  it('ranks after a training and lists entries that navigate there', async () => {
    const { view, document, controller, trained } = await setup();
    expect(view.getChildren()).toEqual([{ kind: 'note', text: 'Train a classifier (paint two classes) to see where to label next.' }]);
    let changes = 0;
    view.onDidChangeTreeData(() => changes++);
    view.watch(document as never, controller as never);
    trained.fire();
    expect(view.getChildren()).toEqual([{ kind: 'note', text: 'Ranking regions…' }]);
    await vi.waitFor(() => expect(view.getChildren().at(-1)).toMatchObject({ kind: 'suggestion' }), { timeout: 20000 }).catch(() => { throw new Error(JSON.stringify(view.getChildren())); });
    const entries = view.getChildren().filter((e) => e.kind === 'suggestion');
    expect(entries.length).toBe(1); // the project has one image (96×80): one region of 256² tiles
    const item = view.getTreeItem(entries[0]) as unknown as { label: string; description: string; command: { command: string; arguments: unknown[] } };
    expect(item.label).toBe('1. img0.tif');
    expect(item.description).toMatch(/^x 0–95, y 0–79 · \d+%$/);
    expect(item.command.command).toBe('pixelClassifier.revealSuggestion');
    expect(item.command.arguments[0]).toBe(document.projectFile);
    expect(changes).toBeGreaterThanOrEqual(2);
    view.dispose();
  });

  it('is off when its budget is 0', async () => {
    const { view } = await setup(0);
    await view.refresh();
    expect(view.getChildren()).toEqual([{ kind: 'note', text: 'Off (pixelClassifier.labelHereNext.maxPatches is 0)' }]);
  });
});
