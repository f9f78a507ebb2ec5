import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));

describe('what the Marketplace and Open VSX show (issue #20)', () => {
  it('an icon of 128×128 PNG', () => {
    const png = readFileSync(pkg.icon);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([128, 128]);
  });

  it('keywords, repository, gallery banner', () => {
    for (const k of ['microscopy', 'ilastik', 'segmentation', 'pixel classification', 'random forest', 'bioimage']) expect(pkg.keywords).toContain(k);
    expect(pkg.repository.url).toMatch(/^https:\/\//);
    expect(pkg.galleryBanner.color).toMatch(/^#[0-9a-f]{6}$/i);
  });

  it('a LICENSE file matching package.json', () => {
    expect(pkg.license).toBe('MIT');
    expect(readFileSync('LICENSE', 'utf8')).toMatch(/^MIT License\n/);
  });

  it('a README that opens with the animated capture, which the package ships', () => {
    const readme = readFileSync('README.md', 'utf8');
    const first = /!\[[^\]]*\]\(([^)]+)\)/.exec(readme.split('\n## ')[0]);
    expect(first?.[1]).toBe('media/readme-capture.gif');
    const gif = readFileSync(first![1]);
    expect(gif.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect(readFileSync('.vscodeignore', 'utf8')).toMatch(/^!media\/\*\*$/m);
  });

  it('npm run package builds the .vsix with vsce, without node_modules (everything is bundled)', () => {
    expect(pkg.scripts.package).toMatch(/vsce package --no-dependencies/);
    expect(readFileSync('.vscodeignore', 'utf8').split('\n')[0]).toBe('**');
  });
});
