#!/usr/bin/env node
/**
 * `node scripts/checkPackage.mjs pixel-classifier.vsix`: checks the package `npm run package` built (CI runs it after
 * every build): the files both entries need (package.json `main` for desktop/Remote, `browser` for vscode.dev), the
 * compute worker and webview bundles, and what the Marketplace and Open VSX show (icon, README, CHANGELOG, LICENSE).
 * Reads the .vsix (a zip) by its central directory, no unzip needed. Exits 1 naming what is missing.
 */
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'pixel-classifier.vsix';
const zip = readFileSync(file);

/** Names in a zip's central directory. */
function zipEntries(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  if (eocd < 0) throw new Error(`${file}: not a zip file (no end of central directory)`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let k = 0; k < count; k++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: damaged central directory`);
    const nameLength = buf.readUInt16LE(at + 28), extra = buf.readUInt16LE(at + 30), comment = buf.readUInt16LE(at + 32);
    names.push(buf.subarray(at + 46, at + 46 + nameLength).toString('utf8'));
    at += 46 + nameLength + extra + comment;
  }
  return names;
}

// vsce stores README.md and CHANGELOG.md lower-cased and LICENSE as LICENSE.txt: names compare case-insensitively.
const names = new Set(zipEntries(zip).map((n) => n.toLowerCase()));
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const strip = (p) => p.replace(/^\.\//, '');
const required = [
  'extension/package.json', 'extension/README.md', 'extension/CHANGELOG.md', 'extension/LICENSE.txt',
  `extension/${strip(pkg.main)}`, 'extension/dist/computeWorker.js', 'extension/dist/webview.js', 'extension/dist/hdf5.js',
  `extension/${strip(pkg.icon)}`,
  ...(pkg.browser ? [`extension/${strip(pkg.browser)}`] : []),
];
const missing = required.filter((n) => !names.has(n.toLowerCase()) && !(n.endsWith('LICENSE.txt') && names.has('extension/license')));
const problems = missing.map((n) => `missing ${n}`);
if (!pkg.browser) problems.push('package.json has no "browser" entry (vscode.dev cannot run the extension)');
const leaked = [...names].filter((n) => /node_modules\/|\.map$|^extension\/(test|e2e|bench|webview|extension)\//.test(n));
if (leaked.length) problems.push(`files that should not ship: ${leaked.slice(0, 5).join(', ')}${leaked.length > 5 ? ` and ${leaked.length - 5} more` : ''}`);
if (problems.length) {
  console.error(`${file}: ${problems.join('; ')}`);
  process.exit(1);
}
console.log(`${file}: ${names.size} files, ${(zip.length / 2 ** 20).toFixed(1)} MiB; main ${pkg.main}, browser ${pkg.browser}`);
