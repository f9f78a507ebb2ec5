// Reading a saved `*.pixelclass.json` in the e2e tests (independently of the extension's own code).
'use strict';

/** Labelled pixels of one image in a parsed project: the sum of the run lengths of its RLE rows. */
function labelledInFile(project, image) {
  let n = 0;
  for (const rows of Object.values(project.labels[image] || {})) {
    for (const row of rows) {
      if (row === 'end') continue;
      for (const run of row.split(':')[1].trim().split(' ')) n += Number(/\+(\d+)=/.exec(run)[1]);
    }
  }
  return n;
}

module.exports = { labelledInFile };
