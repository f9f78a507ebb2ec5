/**
 * CLI manners (issue #19): --version, per-command --help, progress on stderr (bar on a terminal, plain lines
 * otherwise, stdout untouched), images anywhere, and train -o refusing to replace a project it did not
 * produce from the same inputs (issue #12). On generated files.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProject, writeProject } from '../../extension/project/projectFile';
import { cli, tempDir, type CliRun } from './cliHarness';
import { blobImage, scribbles, writeUint16Tiff, writeUint8Tiff } from './generatedImages';
import { runCli } from '../../extension/cli/main';
import packageJson from '../../package.json';

/** A folder with two generated images and their label images in data/ (taller than 512 rows: several blocks). */
function workspace(width = 64, height = 48): string {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'data'));
  for (let i = 0; i < 2; i++) {
    const image = blobImage(width, height, 40 + i);
    writeUint16Tiff(path.join(dir, 'data', `a${i}.tif`), image.pixels, width, height);
    writeUint8Tiff(path.join(dir, 'data', `a${i}_labels.tif`), scribbles(image), width, height);
  }
  return dir;
}

const pairs = ['--image', 'data/a0.tif', '--labels', 'data/a0_labels.tif', '--image', 'data/a1.tif', '--labels', 'data/a1_labels.tif'];
const train = (dir: string, extra: string[] = []) => cli(dir, ['train', ...pairs, '--features', 'light', '--trees', '5', '--threads', '0', ...extra, '-o', 'p.pixelclass.json']);

/** Runs the CLI as on a terminal: stderr is a TTY 100 columns wide and the clock advances 1.5 s per reading. */
async function onTerminal(cwd: string, argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  let t = 0;
  const code = await runCli(argv, {
    cwd, env: {}, stdout: (s) => { stdout += s; }, stderr: (s) => { stderr += s; },
    stderrIsTTY: true, columns: 100, now: () => (t += 1500),
  });
  return { code, stdout, stderr };
}

describe('--version and --help', () => {
  it('--version prints package.json\'s version', async () => {
    for (const flag of ['--version', '-V']) {
      const run = await cli(tempDir(), [flag]);
      expect(run).toEqual({ code: 0, stdout: `${packageJson.version}\n`, stderr: '' });
    }
    expect(packageJson.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each(['train', 'predict', 'info', 'features', 'import-ilastik'])('%s --help prints that command\'s usage and options and exits 0', async (name) => {
    const run = await cli(tempDir(), [name, '--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(new RegExp(`^Usage: pixel-classifier ${name} `));
    expect(run.stdout).toMatch(/\n\nOptions:\n/);
    expect((await cli(tempDir(), [name, '-h'])).stdout).toBe(run.stdout);
  });

  it('--help wins over other (even incomplete) options, and the top-level help names it', async () => {
    const run = await cli(tempDir(), ['train', '--image', 'x.tif', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--force');
    const top = await cli(tempDir(), ['--help']);
    expect(top.stdout).toContain("'pixel-classifier <command> --help' describes a command");
    // an unknown option is still a usage error
    expect((await cli(tempDir(), ['train', '--bogus'])).code).toBe(2);
  });
});

describe('progress on stderr', () => {
  it('plain lines when stderr is not a terminal: one per file, with file, block and percent; results stay on stdout', async () => {
    const dir = workspace();
    expect((await train(dir)).code).toBe(0);
    const run = await cli(dir, ['predict', '--project', 'p.pixelclass.json', '--threads', '0', 'data/a0.tif', 'data/a1.tif']);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^progress: file 1\/2 a0\.tif, block 1\/\d+, \d+% done$/);
    expect(lines.some((l) => /^progress: file 2\/2 a1\.tif, block 1\/\d+, \d+% done$/.test(l))).toBe(true);
    expect(lines.every((l) => l.startsWith('progress: '))).toBe(true);
    expect(run.stdout).toMatch(/^ok {7}data\/a0\.tif → /m);
    expect(run.stdout).not.toContain('progress');
  });

  it('a bar with file, block and ETA on a terminal; with --json stdout is only the JSON summary', async () => {
    const dir = workspace(48, 1100); // 3 bands of rows per image
    expect((await train(dir)).code).toBe(0);
    const run = await onTerminal(dir, ['predict', '--project', 'p.pixelclass.json', '--threads', '0', '--json', '--force', 'data/a0.tif', 'data/a1.tif']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).files).toHaveLength(2);
    const frames = run.stderr.split('\r\x1b[K').filter((f) => f !== '');
    expect(frames.length).toBeGreaterThan(2);
    for (const frame of frames) {
      expect(frame.length).toBeLessThanOrEqual(99);
      expect(frame).toMatch(/^\[[█░]+\] +\d+% file [12]\/2 a[01]\.tif · block \d+\/\d+/);
    }
    expect(frames.some((f) => /· ETA \d+:\d\d$/.test(f))).toBe(true);
    expect(frames.some((f) => /file 1\/2 a0\.tif · block 2\/3/.test(f))).toBe(true);
    expect(frames.at(-1)).toMatch(/^\[█+\] 100% file 2\/2 a1\.tif · block (\d+)\/\1$/);
    expect(run.stderr.endsWith('\r\x1b[K')).toBe(true); // the bar is removed at the end
  });

  it('on a terminal, result lines on stdout are written with the bar cleared first', async () => {
    const dir = workspace();
    expect((await train(dir)).code).toBe(0);
    const run = await onTerminal(dir, ['predict', '--project', 'p.pixelclass.json', '--threads', '0', '--force', 'data/a0.tif', 'data/a1.tif']);
    expect(run.stdout).not.toContain('\r');
    expect(run.stdout.split('\n').filter((l) => l.startsWith('ok '))).toHaveLength(2);
  });

  it('train reports its steps and the labelled boxes of each image on stderr', async () => {
    const run = await train(workspace(), ['--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe([
      'computing features around the labels of data/a0.tif',
      'progress: file 1/2 a0.tif, block 1/1, 50% done',
      'computing features around the labels of data/a1.tif',
      'progress: file 2/2 a1.tif, block 1/1, 100% done',
      'training 5 trees on ' + JSON.parse(run.stdout).samples + ' labelled pixels × 13 features',
      '',
    ].join('\n'));
  });

  it('train on a terminal: a bar per labelled box, cleared before each step line', async () => {
    const dir = workspace(600, 48);
    // labels at both ends of a0 (two boxes far apart)
    const labels = new Uint8Array(600 * 48);
    labels[0] = 1;
    labels[600 * 48 - 1] = 2;
    writeUint8Tiff(path.join(dir, 'data', 'a0_labels.tif'), labels, 600, 48);
    const run = await onTerminal(dir, ['train', '--image', 'data/a0.tif', '--labels', 'data/a0_labels.tif', '--features', 'light', '--trees', '5', '--threads', '0', '-o', 'p.pixelclass.json']);
    expect(run.code, run.stderr).toBe(0);
    const parts = run.stderr.split('\r\x1b[K');
    expect(parts[0]).toBe('computing features around the labels of data/a0.tif\n');
    expect(parts.some((p) => /^\[█+░+\]  50% file 1\/1 a0\.tif · block 1\/2/.test(p))).toBe(true);
    expect(parts.some((p) => /^\[█+\] 100% file 1\/1 a0\.tif · block 2\/2$/.test(p))).toBe(true);
    expect(parts.at(-1)).toBe('training 5 trees on 2 labelled pixels × 13 features\n'); // the bar is gone for good
  });
});

describe('images anywhere on the command line', () => {
  it('train stores an image outside the working folder as ../, predict and retraining find it again', async () => {
    const root = tempDir();
    const work = path.join(root, 'work');
    const data = path.join(root, 'elsewhere', 'data');
    mkdirSync(work);
    mkdirSync(data, { recursive: true });
    const image = blobImage(64, 48, 7);
    writeUint16Tiff(path.join(data, 'a.tif'), image.pixels, 64, 48);
    writeUint8Tiff(path.join(data, 'a_labels.tif'), scribbles(image), 64, 48);
    const trained = await cli(work, ['train', '--image', path.join(data, 'a.tif'), '--labels', path.join(data, 'a_labels.tif'),
      '--features', 'light', '--trees', '5', '--threads', '0', '-o', 'p.pixelclass.json']);
    expect(trained.code, trained.stderr).toBe(0);
    const project = await readProject(path.join(work, 'p.pixelclass.json'));
    expect(project.images.map((i) => i.path)).toEqual(['../elsewhere/data/a.tif']);
    // Predict with the cached model, then without it (retrained from the project's ../ image).
    const first = await cli(work, ['predict', '--project', 'p.pixelclass.json', '--threads', '0', '--json', path.join(data, 'a.tif')]);
    expect(first.code, first.stdout).toBe(0);
    const output = path.join(data, 'a_Probabilities.tif');
    const bytes = readFileSync(output);
    rmSync(path.join(work, 'p.pixelclass.model'));
    const again = await cli(work, ['predict', '--project', 'p.pixelclass.json', '--threads', '0', '--force', '--json', path.join(data, 'a.tif')]);
    expect(again.code, again.stdout).toBe(0);
    expect(readFileSync(output).equals(bytes)).toBe(true);
    expect(existsSync(path.join(work, 'p.pixelclass.model'))).toBe(true);
  });

  it('a relative output template still cannot leave the folders of the run', async () => {
    const dir = workspace();
    expect((await train(dir)).code).toBe(0);
    const run = await cli(dir, ['predict', '--project', 'p.pixelclass.json', '--threads', '0', '-o', '../../escape/{nickname}.tif', 'data/a0.tif']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/outside the allowed folders/);
  });
});

describe('train -o over an existing project', () => {
  it('re-running the same command replaces the project it produced (same inputs)', async () => {
    const dir = workspace();
    expect((await train(dir)).code).toBe(0);
    const again = await train(dir);
    expect(again.code, again.stderr).toBe(0);
  });

  it('refuses a project from other inputs, leaving it byte for byte; --force replaces it', async () => {
    const dir = workspace();
    expect((await train(dir)).code).toBe(0);
    const file = path.join(dir, 'p.pixelclass.json');
    const before = readFileSync(file);
    const model = readFileSync(path.join(dir, 'p.pixelclass.model'));
    const refusals: [string[], string][] = [
      [['--trees', '6'], 'its classifier options differ'],
      [['--features', 'all'], 'its feature selection differ'],
    ];
    for (const [extra, reason] of refusals) {
      const args = ['train', ...pairs, '--features', 'light', '--trees', '5', '--threads', '0', ...extra, '-o', 'p.pixelclass.json'];
      const run = await cli(dir, args);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(`pixel-classifier train: refusing to overwrite p.pixelclass.json: it was not produced from these inputs (${reason}); give --force to replace it\n`);
    }
    // Other label images for a0.tif: its labels differ.
    const other = scribbles(blobImage(64, 48, 99));
    writeUint8Tiff(path.join(dir, 'data', 'a0_labels.tif'), other, 64, 48);
    const changed = await train(dir);
    expect(changed.stderr).toMatch(/\(its labels of data\/a0\.tif differ\)/);
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(readFileSync(path.join(dir, 'p.pixelclass.model')).equals(model)).toBe(true);
    const forced = await train(dir, ['--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(file).equals(before)).toBe(false);
    // written atomically: no temporary file left beside the project
    expect(readdirSync(dir).filter((f) => f.startsWith('p.pixelclass')).sort()).toEqual(['p.pixelclass.json', 'p.pixelclass.model']);
  });

  it('protects what was changed in the editor: a renamed class, other export settings, another image', async () => {
    const dir = workspace();
    expect((await train(dir)).code).toBe(0);
    const file = path.join(dir, 'p.pixelclass.json');
    const edits: [(p: Awaited<ReturnType<typeof readProject>>) => void, string][] = [
      [(p) => { p.classes[0].name = 'Nuclei'; }, 'its classes differ'],
      [(p) => { p.export.dtype = 'uint8'; }, 'its export settings differ'],
      [(p) => { p.images.push({ ...p.images[0], path: 'data/extra.tif' }); }, 'its images (paths or contents by sha256) differ'],
    ];
    for (const [edit, reason] of edits) {
      expect((await train(dir, ['--force'])).code).toBe(0);
      const project = await readProject(file);
      edit(project);
      await writeProject(file, project);
      const run = await train(dir);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`(${reason})`);
    }
  });

  it('never overwrites a file that is not a project, even with --force', async () => {
    const dir = workspace();
    writeFileSync(path.join(dir, 'p.pixelclass.json'), 'not json');
    const run = await train(dir, ['--force']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^pixel-classifier train: refusing to overwrite p\.pixelclass\.json: /);
    expect(readFileSync(path.join(dir, 'p.pixelclass.json'), 'utf8')).toBe('not json');
  });
});
