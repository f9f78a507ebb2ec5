// E2E (issue 14 items 1, 8, 10): in a real VS Code, a project trained on the 16-bit sample/cells.tif predicts an
// 8-bit PNG of the same scene through "Pixel Classifier: Predict Workspace…". The run is not a silent success:
// the one summary notification says "with warnings", the Problems view lists the PNG's warning (sample type and
// intensities unlike the training image), the output channel has it — and after reloading the window the
// Problems entry is still there (kept until the next run). Then (items 8, 9) Export of cells.tif onto a file of
// the same name that is not its export asks Overwrite / Keep both / Cancel, and ends as one summary notification.
// Finally (issue 17) Export… as HDF5: the format pick offers HDF5, asks the dataset path, writes an ilastik-style .h5.
// Run: npm run build && EXT_INSTALL=copy E2E_SKIP_BUILD=1 bash e2e/run.sh e2e/batchCompatibility.e2e.test.js
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { execFileSync } = require('node:child_process');
const { startSession, waitFor, REPO } = require('./helpers/session');
const { readTiff } = require('./helpers/readTiff');

const SAMPLE = path.join(REPO, 'sample');
const truth = readTiff(path.join(SAMPLE, 'cells.tif'));
let s;

/** A minimal uncompressed 8-bit greyscale TIFF (independent of the extension's writer). */
function uint8Tiff(width, height, pixels) {
  const entries = [[256, 4, width], [257, 4, height], [258, 3, 8], [259, 3, 1], [262, 3, 1], [273, 4, 8], [277, 3, 1], [278, 4, height], [279, 4, width * height]];
  const ifd = 8 + pixels.length + (pixels.length & 1);
  const buf = Buffer.alloc(ifd + 2 + entries.length * 12 + 4);
  buf.write('II', 0, 'latin1'); buf.writeUInt16LE(42, 2); buf.writeUInt32LE(ifd, 4);
  Buffer.from(pixels.buffer, pixels.byteOffset, pixels.length).copy(buf, 8);
  buf.writeUInt16LE(entries.length, ifd);
  entries.forEach(([tag, type, value], i) => {
    const o = ifd + 2 + i * 12;
    buf.writeUInt16LE(tag, o); buf.writeUInt16LE(type, o + 2); buf.writeUInt32LE(1, o + 4);
    if (type === 3) buf.writeUInt16LE(value, o + 8); else buf.writeUInt32LE(value, o + 8);
  });
  return buf;
}

/** A minimal 8-bit greyscale PNG. */
function uint8Png(width, height, pixels) {
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0); body.copy(out, 4); out.writeUInt32BE(zlib.crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4); ihdr[8] = 8; ihdr[9] = 0;
  const raw = Buffer.alloc((width + 1) * height);
  for (let r = 0; r < height; r++) Buffer.from(pixels.buffer, pixels.byteOffset + r * width, width).copy(raw, r * (width + 1) + 1);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

before(async () => {
  s = await startSession({ name: 'batch-compat', workspace: SAMPLE });
  // Training data: sparse labels from the sample's intensities (bright = nuclei, dim = background), trained by the
  // CLI (the session copies no projects). Then the same scene as an 8-bit PNG, as a microscope's "export" gives.
  const { width, height } = truth;
  const labels = new Uint8Array(width * height);
  for (let row = 3; row < height; row += 7) {
    for (let col = 1; col < width; col += 3) {
      const v = truth.at(col, row);
      if (v > 4000) labels[row * width + col] = 1; else if (v < 800) labels[row * width + col] = 2;
    }
  }
  fs.writeFileSync(path.join(s.ws, 'cells_labels.tif'), uint8Tiff(width, height, labels));
  execFileSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'train', '--image', 'cells.tif', '--labels', 'cells_labels.tif',
    '--features', 'light', '--threads', '0', '-o', 'cells.pixelclass.json'], { cwd: s.ws, stdio: 'pipe' });
  fs.rmSync(path.join(s.ws, 'cells_labels.tif'));
  const png = new Uint8Array(width * height);
  for (let i = 0; i < png.length; i++) png[i] = Math.min(255, truth.data[i] >> 5);
  fs.writeFileSync(path.join(s.ws, 'phase.png'), uint8Png(width, height, png));
});
after(async () => { await s?.stop(); });

/**
 * Runs a command from the palette once its row is listed: the extension's commands appear only when the
 * extension host has registered the extension, which on a loaded machine can be after the explorer shows.
 */
async function runCommand(text, rowText) {
  const row = s.page.locator('.quick-input-widget .monaco-list-row', { hasText: rowText }).first();
  await waitFor(async () => {
    await s.page.keyboard.press('F1');
    const input = s.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 20000 });
    await input.fill(text);
    if (await row.waitFor({ state: 'visible', timeout: 5000 }).then(() => true, () => false)) return true;
    await s.page.keyboard.press('Escape');
    return false;
  }, { timeout: 90000, interval: 1000, what: `the command "${rowText}" in the palette` });
  await s.page.keyboard.press('Enter');
}

/** The Problems panel's rows (text), opened through the command palette. */
async function problemRows() {
  await s.quickInput('F1', '>Focus on Problems View', 'Focus on Problems View');
  const panel = s.page.locator('.markers-panel');
  await panel.waitFor({ state: 'visible', timeout: 20000 });
  return panel;
}

test('an 8-bit PNG in a 16-bit project: a warning in the summary, the Problems view and the log; kept after reload', { timeout: 10 * 60000 }, async (t) => {
  try {
    await s.openWorkbench('phase.png');
    await s.shot('01-workspace');

    await runCommand('>Pixel Classifier: Predict Workspace…', 'Predict Workspace…');
    const input = s.page.locator('.quick-input-widget .quick-input-box input');
    await waitFor(async () => /\*\.\{tif/.test(await input.inputValue()), { timeout: 20000, what: 'the glob input box' });
    await input.fill('phase.png');
    await s.page.keyboard.press('Enter');

    // One summary notification at the end of the run, saying that a file has warnings.
    const summary = s.page.locator('.notification-toast', { hasText: 'with warnings (see Problems)' });
    await summary.waitFor({ state: 'visible', timeout: 240000 });
    const text = await summary.innerText();
    t.diagnostic(`summary: ${text.replace(/\s+/g, ' ')}`);
    assert.match(text, /1 predicted, 0 up to date, 1 with warnings \(see Problems\)/);
    await s.shot('02-summary-with-warning');
    // Item 8: the progress notification has become this one summary, nothing else piles up.
    await waitFor(async () => (await s.page.locator('.notification-toast').count()) === 1, { timeout: 20000, what: 'a single notification toast' });
    assert.ok(fs.existsSync(path.join(s.ws, 'phase_Probabilities.tif')), 'the prediction was written (a warning, not a refusal)');

    const panel = await problemRows();
    const warning = panel.locator('.monaco-list-row', { hasText: 'phase.png is 8-bit (uint8) but the classifier was trained on 16-bit (uint16) images' });
    await warning.first().waitFor({ state: 'visible', timeout: 20000 });
    t.diagnostic(`problem: ${(await warning.first().innerText()).replace(/\s+/g, ' ')}`);
    assert.match(await panel.innerText(), /intensities \(1st–99th percentile \d+–\d+\) are unlike the training images'/);
    await s.shot('03-problems-warning');

    // The output channel has the warning too.
    await runCommand('>Pixel Classifier: Show Log', 'Show Log');
    const log = s.page.locator('.part.panel .view-lines', { hasText: 'warning: phase.png is 8-bit' });
    await log.first().waitFor({ state: 'visible', timeout: 20000 });
    await s.shot('04-log');

    // Item 10: reload the window; the Problems entry is restored (the run's output is still there).
    await s.page.reload();
    await s.page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
    await s.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'phase.png' }).first().waitFor({ timeout: 90000 });
    const again = await problemRows();
    await again.locator('.monaco-list-row', { hasText: 'phase.png is 8-bit (uint8)' }).first().waitFor({ state: 'visible', timeout: 60000 });
    await s.shot('05-problems-after-reload');
    assert.deepEqual(s.extensionErrors(), [], 'no extension errors in the console');
  } catch (error) {
    await s.shot('failure').catch(() => {});
    t.diagnostic(s.tailServerLog());
    throw error;
  }
});

test('Export asks before replacing a file that is not its export, and ends as one summary', { timeout: 10 * 60000 }, async (t) => {
  try {
    if (await s.page.locator('.notification-toast').count()) {
      await s.quickInput('F1', '>Notifications: Clear All Notifications', 'Clear All Notifications');
      await waitFor(async () => (await s.page.locator('.notification-toast').count()) === 0, { timeout: 10000, what: 'toasts to clear' });
    }
    await s.openInEditor('cells.tif');
    // Someone's own file where the export goes.
    const mine = path.join(s.ws, 'cells_Probabilities.tif');
    fs.writeFileSync(mine, 'my own analysis, not an export');

    await runCommand('>Pixel Classifier: Export…', 'Export…');
    for (const title of ['Export: source', 'Export: sample type', 'Export: format', 'Export: TIFF compression', 'Export: file name template']) {
      await s.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: 20000 });
      await s.page.keyboard.press('Enter');
    }

    const dialog = s.page.locator('.monaco-dialog-box', { hasText: 'cells_Probabilities.tif already exists and is not the export of cells.tif' });
    await dialog.waitFor({ state: 'visible', timeout: 120000 });
    t.diagnostic(`dialog: ${(await dialog.innerText()).replace(/\s+/g, ' ')}`);
    assert.match(await dialog.innerText(), /output cells_Probabilities\.tif is not a Pixel Classifier export \(no provenance inside\)/);
    await s.shot('06-export-overwrite-question');
    await dialog.locator('.monaco-button', { hasText: 'Keep both' }).click();

    const summary = s.page.locator('.notification-toast', { hasText: 'Exported cells.tif → cells_Probabilities-2.tif' });
    await summary.waitFor({ state: 'visible', timeout: 240000 });
    assert.ok(await summary.locator('.monaco-button', { hasText: 'Reveal' }).count(), 'the summary offers Reveal');
    await waitFor(async () => (await s.page.locator('.notification-toast').count()) === 1, { timeout: 20000, what: 'a single notification toast' });
    await s.shot('07-export-summary');
    assert.equal(fs.readFileSync(mine, 'utf8'), 'my own analysis, not an export', 'Keep both leaves the existing file alone');
    assert.ok(fs.existsSync(path.join(s.ws, 'cells_Probabilities-2.tif')));
    assert.deepEqual(fs.readdirSync(s.ws).filter((f) => f.endsWith('.pixelclass-record.json')), [], 'no sidecar records (issue 19)');
    // The export of cells.tif did not wipe the Problems entry of the Predict Workspace run about phase.png.
    const panel = await problemRows();
    await panel.locator('.monaco-list-row', { hasText: 'phase.png is 8-bit (uint8)' }).first().waitFor({ state: 'visible', timeout: 20000 });
    assert.deepEqual(s.extensionErrors(), [], 'no extension errors in the console');
  } catch (error) {
    await s.shot('failure-export').catch(() => {});
    t.diagnostic(s.tailServerLog());
    throw error;
  }
});

test('Export… as HDF5 (issue 17): ilastik-style dataset, chosen in the format pick', { timeout: 10 * 60000 }, async (t) => {
  try {
    if (await s.page.locator('.notification-toast').count()) {
      await s.quickInput('F1', '>Notifications: Clear All Notifications', 'Clear All Notifications');
      await waitFor(async () => (await s.page.locator('.notification-toast').count()) === 0, { timeout: 10000, what: 'toasts to clear' });
    }
    await s.openInEditor('cells.tif');
    await runCommand('>Pixel Classifier: Export…', 'Export…');
    const title = (text) => s.page.locator('.quick-input-widget .quick-input-title', { hasText: text }).waitFor({ state: 'visible', timeout: 20000 });
    const input = s.page.locator('.quick-input-widget .quick-input-box input');
    for (const step of ['Export: source', 'Export: sample type']) {
      await title(step);
      await s.page.keyboard.press('Enter');
    }
    await title('Export: format');
    await input.fill('HDF5');
    await s.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'ilastik writes it' }).first().waitFor({ state: 'visible', timeout: 20000 });
    await s.shot('08-export-format-hdf5');
    await s.page.keyboard.press('Enter');
    await title('Export: HDF5 dataset path');
    assert.equal(await input.inputValue(), 'exported_data');
    await s.shot('09-export-hdf5-dataset-path');
    await s.page.keyboard.press('Enter');
    await title('Export: file name template');
    assert.match(await input.inputValue(), /\.h5$/, 'the template takes the .h5 extension');
    await s.page.keyboard.press('Enter');

    const summary = s.page.locator('.notification-toast', { hasText: 'Exported cells.tif → cells_Probabilities.h5' });
    await summary.waitFor({ state: 'visible', timeout: 240000 });
    await s.shot('10-export-hdf5-summary');
    const file = path.join(s.ws, 'cells_Probabilities.h5');
    assert.equal(fs.readFileSync(file).subarray(0, 8).toString('latin1'), '\x89HDF\r\n\x1a\n');
    const project = JSON.parse(fs.readFileSync(path.join(s.ws, 'cells.pixelclass.json'), 'utf8'));
    assert.equal(project.export.format, 'hdf5', 'the choice is saved in the project');
    assert.equal(project.export.internalPath, 'exported_data');
    // The CLI reads the export back as an image (file.h5/dataset): two class channels of the image's size.
    const info = execFileSync(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'info', 'cells_Probabilities.h5/exported_data'], { cwd: s.ws, encoding: 'utf8' });
    t.diagnostic(info.replace(/\s+/g, ' '));
    assert.match(info, new RegExp(`shape: +t=1 z=1 c=2 y=${truth.height} x=${truth.width}`));
    assert.deepEqual(s.extensionErrors(), [], 'no extension errors in the console');
  } catch (error) {
    await s.shot('failure-export-hdf5').catch(() => {});
    t.diagnostic(s.tailServerLog());
    throw error;
  }
});

test('Export… as OME-Zarr (issue 13): version pick, a .ome.zarr folder with a pyramid and provenance', { timeout: 10 * 60000 }, async (t) => {
  try {
    if (await s.page.locator('.notification-toast').count()) {
      await s.quickInput('F1', '>Notifications: Clear All Notifications', 'Clear All Notifications');
      await waitFor(async () => (await s.page.locator('.notification-toast').count()) === 0, { timeout: 10000, what: 'toasts to clear' });
    }
    await s.openInEditor('cells.tif');
    await runCommand('>Pixel Classifier: Export…', 'Export…');
    const title = (text) => s.page.locator('.quick-input-widget .quick-input-title', { hasText: text }).waitFor({ state: 'visible', timeout: 20000 });
    const input = s.page.locator('.quick-input-widget .quick-input-box input');
    for (const step of ['Export: source', 'Export: sample type']) {
      await title(step);
      await s.page.keyboard.press('Enter');
    }
    await title('Export: format');
    await input.fill('OME-Zarr');
    await s.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'multiscale pyramid' }).first().waitFor({ state: 'visible', timeout: 20000 });
    await s.shot('11-export-format-ome-zarr');
    await s.page.keyboard.press('Enter');
    await title('Export: OME-Zarr version');
    await s.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Zarr v2' }).first().waitFor({ state: 'visible', timeout: 20000 });
    await s.shot('12-export-ome-zarr-version');
    await s.page.keyboard.press('Enter');
    await title('Export: file name template');
    assert.match(await input.inputValue(), /\.ome\.zarr$/, 'the template takes the .ome.zarr extension');
    await s.page.keyboard.press('Enter');

    const summary = s.page.locator('.notification-toast', { hasText: 'Exported cells.tif → cells_Probabilities.ome.zarr' });
    await summary.waitFor({ state: 'visible', timeout: 240000 });
    await s.shot('13-export-ome-zarr-summary');
    const store = path.join(s.ws, 'cells_Probabilities.ome.zarr');
    const zattrs = JSON.parse(fs.readFileSync(path.join(store, '.zattrs'), 'utf8'));
    assert.equal(zattrs.multiscales[0].version, '0.4');
    assert.deepEqual(zattrs.multiscales[0].axes.map((a) => a.name), ['c', 'y', 'x']);
    assert.equal(zattrs['pixel-classifier-provenance'].settings.format, 'zarr');
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(store, '0', '.zarray'), 'utf8')).shape, [2, truth.height, truth.width]);
    const project = JSON.parse(fs.readFileSync(path.join(s.ws, 'cells.pixelclass.json'), 'utf8'));
    assert.equal(project.export.format, 'zarr', 'the choice is saved in the project');
    assert.equal(project.export.omeZarrVersion, '0.4');
    assert.deepEqual(s.extensionErrors(), [], 'no extension errors in the console');
  } catch (error) {
    await s.shot('failure-export-ome-zarr').catch(() => {});
    t.diagnostic(s.tailServerLog());
    throw error;
  }
});
