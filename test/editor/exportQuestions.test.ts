/**
 * Issue 14 items 8 and 9 in the Export command: the overwrite question (Overwrite / Keep both / Cancel, modal)
 * and the single summary notification that ends a run. Runs against the fake `vscode` module.
 */
import { describe, expect, it, vi } from 'vitest';

vi.mock('vscode', async () => (await import('../reliability/helpers/fakeVscode')).vscode);

import { vscode } from '../reliability/helpers/fakeVscode';
import { askOverwrite, exportSummary } from '../../extension/commands/exportCommand';

describe('Export: asking before replacing files that are not the record of the same inputs', () => {
  it('maps the answers; dismissing the dialog cancels', async () => {
    const conflicts = [{ output: '/ws/cells_Probabilities.tif', reason: 'classifier changed' }];
    const spy = vi.spyOn(vscode.window, 'showWarningMessage');
    for (const [answer, choice] of [['Overwrite', 'overwrite'], ['Keep both', 'keep-both'], [undefined, 'cancel']] as const) {
      spy.mockResolvedValueOnce(answer as never);
      expect(await askOverwrite('/ws/cells.tif', conflicts)).toBe(choice);
    }
    const [message, options, ...buttons] = spy.mock.calls[0] as unknown as [string, { modal: boolean; detail: string }, ...string[]];
    expect(message).toBe('cells_Probabilities.tif already exists and is not the export of cells.tif with the current classifier and settings.');
    expect(options.modal).toBe(true);
    expect(options.detail).toMatch(/^cells_Probabilities\.tif: classifier changed\n/);
    expect(buttons).toEqual(['Overwrite', 'Keep both']);
    spy.mockRestore();
  });

  it('one summary per run, with Reveal when there is an output', () => {
    const ok = exportSummary('cells.tif', { input: '/ws/cells.tif', status: 'ok', outputs: ['/ws/cells_Probabilities.tif'], seconds: 1.23 });
    expect(ok).toMatchObject({ text: 'Exported cells.tif → cells_Probabilities.tif in 1.2 s.', severity: 'info' });
    expect(ok.actions!.map((a) => a.title)).toEqual(['Reveal']);
    const warned = exportSummary('a.png', { input: '/ws/a.png', status: 'ok', outputs: ['/ws/a_P.tif'], seconds: 1, warnings: ['a.png is 8-bit (uint8) but …'] });
    expect(warned).toMatchObject({ text: 'Exported a.png → a_P.tif in 1.0 s. Warning: a.png is 8-bit (uint8) but … (see Problems)', severity: 'warning' });
    expect(exportSummary('c.tif', { input: '/ws/c.tif', status: 'skipped', outputs: ['/ws/c_P.tif'], seconds: 0 }).text).toBe('c.tif: the export c_P.tif is up to date.');
    expect(exportSummary('c.tif', { input: '/ws/c.tif', status: 'cancelled', outputs: [], seconds: 0, error: 'cancelled: kept the existing c_P.tif' }))
      .toEqual({ text: 'Export of c.tif cancelled: kept the existing c_P.tif.', severity: 'info' });
    expect(exportSummary('s.tif', { input: '/ws/s.tif', status: 'error', outputs: [], seconds: 0, error: 's.tif has 12 z-slices; the classifier was trained on 2D images' }))
      .toEqual({ text: 'Export of s.tif failed: s.tif has 12 z-slices; the classifier was trained on 2D images', severity: 'error' });
  });
});
