// E2E (issue 12): no label is lost when one project is edited in two places, in a real VS Code.
// 1. img3.tif joins img2.pixelclass.json through the "add this image to project?" question in the editor's banner;
//    both images are painted and saved in both orders: every stroke of both images is in the file afterwards
//    (labelled pixels in the file = the editors' counts), and both tabs end clean.
// 2. While a stroke is unsaved, the project file is rewritten outside VS Code (a teammate's 12 label rows arriving
//    by `git pull`, written by rename): the editor merges them at once and says so in its banner; Ctrl+S then writes
//    every stroke and every external row.
// Run: bash e2e/run.sh e2e/sharedProject.e2e.test.js
'use strict';
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startSession, waitFor, REPO } = require('./helpers/session');
const { labelledInFile } = require('./helpers/projectFile');
const { bodyData } = require('./helpers/canvas');
const { canvasMapper, strokeCanvas } = require('./helpers/pointer');

let s;
let workspace;
const PROJECT = 'img2.pixelclass.json';

before(async () => {
  // A workspace of two images (copies of the sample) and a project of img2 without labels yet.
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-e2e-shared-src-'));
  const image = fs.readFileSync(path.join(REPO, 'sample', 'cells.tif'));
  const sha256 = crypto.createHash('sha256').update(image).digest('hex');
  for (const name of ['img2.tif', 'img3.tif']) fs.writeFileSync(path.join(workspace, name), image);
  const shape = { t: 1, z: 1, c: 1, y: 512, x: 512 };
  const project = {
    format: 'pixel-classifier-project', version: 1, provenance: { extensionVersion: 'e2e' },
    classes: [{ name: 'Label 1', color: '#ffff00' }, { name: 'Label 2', color: '#0000ff' }],
    classifier: { trees: 10, seed: 0 },
    features: {
      scales: [{ sigma: 0.7, in2D: false }, { sigma: 1.6, in2D: false }],
      selected: {
        GaussianSmoothing: [true, true], LaplacianOfGaussian: [false, false], GaussianGradientMagnitude: [false, false],
        DifferenceOfGaussians: [false, false], StructureTensorEigenvalues: [false, false], HessianOfGaussianEigenvalues: [false, false],
      },
    },
    images: [{ path: 'img2.tif', sha256, shape, dtype: 'uint16' }],
    labels: {},
  };
  // Live update off: this test is about labels reaching the file; training would only load the machine.
  s = await startSession({ name: 'shared-project', workspace, settings: { 'pixelClassifier.liveUpdate': false } });
  // The session copies the workspace without project files (a clean sample): put ours in its copy.
  fs.writeFileSync(path.join(s.ws, PROJECT), JSON.stringify(project, null, 2));
});
after(async () => {
  await s?.stop();
  if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
});

const projectPath = () => path.join(s.ws, PROJECT);
const readProjectFile = () => JSON.parse(fs.readFileSync(projectPath(), 'utf8'));

const tab = (name) => s.page.locator('.tabs-container .tab', { hasText: name }).first();
const isDirty = async (name) => /\bdirty\b/.test(await tab(name).getAttribute('class'));

/** Shows the editor of `name` (a tab click) and returns its webview frame once it is ready. */
async function showEditor(name) {
  await tab(name).click();
  return waitFor(async () => {
    const f = await s.webviewFrame();
    const ok = await f.evaluate((n) => document.body.dataset.ready === 'true' && document.title.includes(n), name).catch(() => false);
    return ok ? f : null;
  }, { timeout: 60000, what: `the webview of ${name}` });
}

async function labelCount(frame) {
  const n = Number((await bodyData(frame)).labelCount);
  return Number.isFinite(n) ? n : 0;
}

/** Paints one horizontal stroke of class `classId` at canvas fraction (fx, fy); waits for the count to grow. */
async function paint(frame, classId, fx, fy) {
  const before = await labelCount(frame);
  await frame.locator('#tool-brush').click();
  await frame.locator(`.class-row[data-class-id="${classId}"]`).click();
  const m = await canvasMapper(s, frame);
  const y = m.height * fy;
  await strokeCanvas(s, frame, [[m.width * fx, y], [m.width * (fx + 0.08), y + 3], [m.width * (fx + 0.16), y]]);
  return waitFor(async () => { const n = await labelCount(frame); return n > before ? n : null; },
    { timeout: 30000, what: `more labels after a class-${classId} stroke` });
}

/** Ctrl+S on the editor of `name`, then waits for its dirty marker to clear. */
async function save(name) {
  await showEditor(name);
  await tab(name).click(); // keyboard focus on the workbench, not inside the webview
  await s.page.keyboard.press('Control+S');
  await waitFor(async () => !(await isDirty(name)), { timeout: 30000, what: `${name} saved (dirty marker cleared)` });
}

test('two images of one project, painted and saved in both orders, then an external rewrite merged', { timeout: 10 * 60000 }, async (t) => {
  try {
    await s.openWorkbench('img2.tif');
    let f2 = await s.openInEditor('img2.tif');
    const first2 = await paint(f2, 1, 0.2, 0.3);
    await tab('img2.tif').click();
    let f3 = await s.openInEditor('img3.tif');
    // The offer to join the folder's project is a question in the editor's banner, not a toast.
    const offer = f3.locator('#notice-banner .banner-action', { hasText: `Add to ${PROJECT}` });
    await offer.waitFor({ state: 'visible', timeout: 30000 });
    assert.equal(await s.page.locator('.notification-toast').count(), 0, 'no toast over the canvas');
    await s.shot('00-add-to-project-offer');
    await offer.click();
    await f3.locator('#notice-banner').waitFor({ state: 'hidden', timeout: 10000 });
    await waitFor(async () => (await f3.locator('#status-project').textContent()) === PROJECT, { timeout: 10000, what: `the status bar to name ${PROJECT}` });
    const first3 = await paint(f3, 2, 0.5, 0.6);
    await s.shot('01-two-images-painted');
    assert.ok(await isDirty('img2.tif') && await isDirty('img3.tif'), 'both tabs are dirty');

    // Order 1: img3 first, then img2 (this order lost img3's labels before issue 12).
    await save('img3.tif');
    t.diagnostic(`after saving img3: file has ${labelledInFile(readProjectFile(), 'img3.tif')} px of img3`);
    assert.ok(await isDirty('img2.tif'), 'img2 keeps its unsaved edits when img3 is saved');
    await save('img2.tif');
    let p = readProjectFile();
    t.diagnostic(`after img3, img2: file has ${labelledInFile(p, 'img2.tif')} / ${labelledInFile(p, 'img3.tif')} px; editors ${first2} / ${first3}`);
    assert.equal(labelledInFile(p, 'img2.tif'), first2, 'every img2 pixel is in the file');
    assert.equal(labelledInFile(p, 'img3.tif'), first3, 'every img3 pixel is in the file');
    assert.deepEqual(p.images.map((i) => i.path).sort(), ['img2.tif', 'img3.tif']);

    // Order 2: paint both again, save img2 first, then img3.
    f2 = await showEditor('img2.tif');
    const second2 = await paint(f2, 2, 0.3, 0.7);
    f3 = await showEditor('img3.tif');
    const second3 = await paint(f3, 1, 0.25, 0.2);
    await save('img2.tif');
    assert.ok(await isDirty('img3.tif'), 'img3 keeps its unsaved edits when img2 is saved');
    await save('img3.tif');
    p = readProjectFile();
    t.diagnostic(`after img2, img3: file has ${labelledInFile(p, 'img2.tif')} / ${labelledInFile(p, 'img3.tif')} px; editors ${second2} / ${second3}`);
    assert.equal(labelledInFile(p, 'img2.tif'), second2, 'every img2 pixel is in the file (second round)');
    assert.equal(labelledInFile(p, 'img3.tif'), second3, 'every img3 pixel is in the file (second round)');
    await s.shot('02-saved-both-orders');

    // External rewrite while a stroke is unsaved: 12 rows of 50 px (600 px) for img2, written by rename.
    f2 = await showEditor('img2.tif');
    const unsaved = await paint(f2, 1, 0.6, 0.15);
    assert.ok(await isDirty('img2.tif'), 'img2 has an unsaved stroke');
    const theirs = readProjectFile();
    const plane = theirs.labels['img2.tif'].t0z0;
    const used = new Set(plane.filter((r) => r !== 'end').map((r) => Number(r.split(':')[0])));
    const free = [];
    for (let row = 500; free.length < 12 && row > 0; row--) if (!used.has(row)) free.push(row);
    const externalRows = free.map((row) => `${row}: 400+50=2`);
    theirs.labels['img2.tif'].t0z0 = [...plane.filter((r) => r !== 'end'), ...externalRows]
      .sort((a, b) => Number(a.split(':')[0]) - Number(b.split(':')[0])).concat('end');
    const tmp = path.join(s.ws, '.incoming.json');
    fs.writeFileSync(tmp, JSON.stringify(theirs, null, 2));
    fs.renameSync(tmp, projectPath());

    // The editor merges them at once (600 more labelled pixels) and tells the user.
    await waitFor(async () => (await labelCount(f2)) === unsaved + 600, { timeout: 30000, what: 'the 600 external pixels in the editor' });
    const banner = f2.locator('#notice-banner');
    await banner.waitFor({ state: 'visible', timeout: 15000 });
    const notice = await banner.textContent();
    t.diagnostic(`banner: ${notice}`);
    assert.match(notice, /changed on disk; its changes were merged with your unsaved changes/);
    await s.shot('03-external-change-merged');

    await save('img2.tif');
    p = readProjectFile();
    for (const row of externalRows) assert.ok(p.labels['img2.tif'].t0z0.includes(row), `external row ${row} kept`);
    assert.equal(labelledInFile(p, 'img2.tif'), unsaved + 600, 'every stroke and every external pixel in the file');
    assert.equal(labelledInFile(p, 'img3.tif'), second3, "img3's labels untouched");
    await s.shot('04-saved-after-merge');
    assert.deepEqual(s.extensionErrors(), [], 'no console errors from the extension or its webview');
  } catch (e) {
    await s.shot('failure').catch(() => {});
    console.log('--- code-server log tail ---\n' + s.tailServerLog());
    throw e;
  }
});
