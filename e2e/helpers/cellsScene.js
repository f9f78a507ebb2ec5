// The sample cells scene the labelling e2e tests paint on: sample/cells.tif, opened in a session on the sample
// folder, with its ground truth (nucleus centres and radii) from scripts/makeSample.mjs, which made the image.
'use strict';
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { startSession, REPO } = require('./session');
const { readTiff } = require('./readTiff');

const SAMPLE = path.join(REPO, 'sample');

/** How long to wait for predictions: generous, the first update computes features and trains in workers on a possibly loaded 2-core machine. */
const PREDICTION_TIMEOUT = Number(process.env.E2E_PREDICTION_TIMEOUT_MS || 180000);

/** The pixels of sample/cells.tif. */
function cellsImage() {
  return readTiff(path.join(SAMPLE, 'cells.tif'));
}

/** A session named `name` on the sample folder, and the nuclei makeSample drew into cells.tif. */
async function openCellsScene(name) {
  const { nuclei } = (await import(pathToFileURL(path.join(REPO, 'scripts', 'makeSample.mjs')).href)).makeCells();
  const s = await startSession({ name, workspace: SAMPLE });
  return { s, nuclei };
}

module.exports = { PREDICTION_TIMEOUT, cellsImage, openCellsScene };
