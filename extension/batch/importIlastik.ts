/**
 * Imports an ilastik Pixel Classification project (`.ilp`) as a Pixel Classifier project (issue #17): classes,
 * feature selection, every lane's image and label blocks (in whatever axis order the project used), and the
 * export settings. Images stored inside the .ilp are extracted to `<nickname>.tif` beside the new project.
 * Everything that does not come over is listed in the report, never dropped silently. Used by the CLI's
 * `import-ilastik` and the command "Pixel Classifier: Import ilastik Project…".
 */
import { files as fs } from '../core/platform/platform';
import * as path from 'node:path';
import { selectionDefaultLight, validateSelection, FEATURE_IDS, MIN_SCALE } from '../core/features/featureSet';
import { hdf5ImageSource } from '../core/image/hdf5ImageSource';
import { splitHdf5Path } from '../core/image/hdf5Path';
import type { ImageSource } from '../core/image/imageModel';
import { IlastikProjectError, readIlastikProject, type IlastikLane } from '../core/ilastik/readIlastikProject';
import { internalPathProblem } from '../core/hdf5/hdf5InternalPath';
import { createLabelStore, type LabelStore } from '../core/labels/labelVolume';
import { encodeLabels } from '../core/labels/labelRle';
import { Hdf5Error, openHdf5 } from '../node/hdf5File';
import { openImage } from '../node/openImage';
import { writeTiffFile } from '../node/tiffFileWriter';
import { sha256File } from '../project/fileHash';
import { writeProject } from '../project/projectFile';
import { ANYWHERE, toProjectRelative } from '../project/projectPaths';
import {
  createProject, defaultClass, DEFAULT_FILENAME_FORMAT, PROJECT_SUFFIX, type ExportFormat, type PixelClassifierProject,
} from '../project/projectSchema';

/** Options of {@link importIlastikProject}. */
export interface ImportIlastikOptions {
  /** The project to write. @default `<ilp folder>/<ilp stem>.pixelclass.json` */
  output?: string;
  /** Overwrite an existing output project. */
  force?: boolean;
  /** Written to provenance. */
  extensionVersion?: string;
}

/** One imported image. */
export interface ImportedImage {
  lane: string;
  nickname: string;
  /** Path in the new project (relative to it). */
  path: string;
  labelledPixels: number;
  /** True when the image was extracted from the .ilp. */
  extracted: boolean;
}

/** The import report. */
export interface ImportIlastikResult {
  projectFile: string;
  ilastikVersion: string;
  classes: number;
  images: ImportedImage[];
  /** What did not come over, one sentence each. */
  notImported: string[];
}

/** A one-line import failure naming the file. */
export class ImportIlastikError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportIlastikError';
  }
}

/** ilastik export format → ours (and whether it maps exactly). */
function exportFormat(format: string | undefined): { format: ExportFormat; extension: string; exact: boolean } {
  const f = (format ?? '').toLowerCase();
  if (f === 'png') return { format: 'png', extension: '.png', exact: true };
  if (f === 'hdf5' || f === 'compressed hdf5') return { format: 'hdf5', extension: '.h5', exact: true };
  if (f === 'tif' || f === 'tiff' || f.startsWith('multipage tiff')) return { format: 'tiff', extension: '.tif', exact: true };
  return { format: 'tiff', extension: '.tif', exact: f === '' };
}

/** Writes a lane's embedded image (an .ilp dataset) as a TIFF hyperstack; returns the file's name. */
async function extractInternal(lane: IlastikLane, ilpName: string, outDir: string): Promise<string> {
  const source = hdf5ImageSource(lane.internalDataset!, `${ilpName}:${lane.internalDataset!.path}`, { axes: lane.axes?.map((a) => a.key) });
  const safe = lane.nickname.replace(/[^A-Za-z0-9._+-]+/g, '_').replace(/^\.+/, '') || lane.name;
  let name = `${safe}.tif`;
  for (let k = 2; await fs.stat(path.join(outDir, name)).then(() => true, () => false); k++) name = `${safe}-${k}.tif`;
  const { t, z, c, y, x } = source.info.shape;
  const planes: Awaited<ReturnType<ImageSource['readPlane']>>[] = [];
  for (let ti = 0; ti < t; ti++) for (let zi = 0; zi < z; zi++) for (let ci = 0; ci < c; ci++) planes.push(await source.readPlane(ti, zi, ci));
  await writeTiffFile(path.join(outDir, name), planes, { width: x, height: y, dtype: source.info.dtype, shape: { t, z, c }, axes: source.info.axes });
  return name;
}

/**
 * Paints a lane's label blocks into a (t, z, y, x) volume.
 * @returns labelled voxels written, and the largest class value met
 */
function paintBlocks(lane: IlastikLane, labels: LabelStore, ilpName: string): { labelled: number; maxClass: number; outside: number } {
  let labelled = 0;
  let maxClass = 0;
  let outside = 0;
  const { t: nt, z: nz, y: ny, x: nx } = labels.shape;
  for (const block of lane.labelBlocks) {
    const values = block.read();
    const dims = block.box.map(([a, b]) => b - a);
    const strides = dims.map((_, i) => dims.slice(i + 1).reduce((p, d) => p * d, 1));
    const axisIndex = (key: string) => block.axes.indexOf(key as never);
    const [it, iz, iy, ix] = ['t', 'z', 'y', 'x'].map(axisIndex);
    if (iy < 0 || ix < 0) throw new ImportIlastikError(`${ilpName}: ${block.path} has no y/x axes (${block.axes.join('')})`);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === 0) continue;
      const coord = (axis: number) => (axis < 0 ? 0 : block.box[axis][0] + Math.floor(i / strides[axis]) % dims[axis]);
      const t = coord(it), z = coord(iz), y = coord(iy), x = coord(ix);
      if (t >= nt || z >= nz || y >= ny || x >= nx) { outside++; continue; }
      labels.setAt(((t * nz + z) * ny + y) * nx + x, v);
      labelled++;
      if (v > maxClass) maxClass = v;
    }
  }
  labels.changed();
  return { labelled, maxClass, outside };
}

/**
 * Imports `ilpPath`; see the module comment.
 * @throws ImportIlastikError / IlastikProjectError with one line naming the file (not an ilastik Pixel
 *   Classification project, damaged, output exists without `force`)
 */
export async function importIlastikProject(ilpPath: string, options: ImportIlastikOptions = {}): Promise<ImportIlastikResult> {
  const ilpName = path.basename(ilpPath);
  const ilpDir = path.dirname(path.resolve(ilpPath));
  const output = path.resolve(options.output ?? path.join(ilpDir, ilpName.replace(/\.ilp$/i, '') + PROJECT_SUFFIX));
  if (!output.endsWith(PROJECT_SUFFIX)) throw new ImportIlastikError(`${path.basename(output)}: the output must end in ${PROJECT_SUFFIX}`);
  if (!options.force && await fs.stat(output).then(() => true, () => false)) {
    throw new ImportIlastikError(`${path.basename(output)} exists; choose another output (-o) or pass --force to replace it`);
  }
  const outDir = path.dirname(output);
  let file;
  try {
    file = await openHdf5(ilpPath);
  } catch (e) {
    if (e instanceof Hdf5Error) throw new ImportIlastikError(`${ilpName}: ${e.reason}`);
    throw e;
  }
  try {
    const ilp = readIlastikProject(file);
    const notImported = [...ilp.notImported];
    // Features: keep what our filters accept (ilastik greys out the same cells).
    const features = ilp.features.scales.length > 0 ? ilp.features : selectionDefaultLight();
    for (const id of FEATURE_IDS) {
      features.selected[id] = features.selected[id].map((on, i) => {
        if (on && features.scales[i].sigma < MIN_SCALE[id] - 1e-9) {
          notImported.push(`${id} at σ=${features.scales[i].sigma} is below its smallest scale (${MIN_SCALE[id]}) and is left out`);
          return false;
        }
        return on;
      });
    }
    const problems = validateSelection(features);
    if (problems.length > 0) throw new ImportIlastikError(`${ilpName}: the feature selection cannot be used: ${problems[0]}`);

    const project: PixelClassifierProject = createProject(features, options.extensionVersion ?? '0.0.0', Math.max(1, ilp.classes.length));
    project.classes = ilp.classes.map((c, i) => ({ name: c.name, color: c.color || defaultClass(i + 1).color }));
    if (project.classes.length === 0) project.classes = [defaultClass(1), defaultClass(2)];
    const fmt = exportFormat(ilp.export.format);
    if (!fmt.exact) notImported.push(`export format "${ilp.export.format}" is written as TIFF`);
    const internalPath = fmt.format === 'hdf5' && ilp.export.internalPath ? ilp.export.internalPath.replace(/^\/+/, '') : undefined;
    if (internalPath && internalPathProblem(internalPath)) {
      notImported.push(`export dataset path "${ilp.export.internalPath}" is not usable (${internalPathProblem(internalPath)}); exported_data is used`);
    }
    const template = ilp.export.filenameFormat;
    project.export = {
      ...project.export,
      format: fmt.format,
      filenameFormat: template ? (path.extname(template) ? template : template + fmt.extension) : DEFAULT_FILENAME_FORMAT,
      ...(internalPath && !internalPathProblem(internalPath) ? { internalPath } : {}),
    };

    const images: ImportedImage[] = [];
    for (const lane of ilp.lanes) {
      let absolute: string;
      let extracted = false;
      if (lane.location === 'ProjectInternal') {
        await fs.mkdir(outDir, { recursive: true });
        absolute = path.join(outDir, await extractInternal(lane, ilpName, outDir));
        extracted = true;
      } else {
        const stored = lane.filePath.replace(/\\/g, '/');
        absolute = path.isAbsolute(stored) || /^[A-Za-z]:\//.test(stored) ? stored : path.join(ilpDir, ...stored.split('/'));
      }
      const container = splitHdf5Path(absolute)?.file ?? absolute;
      if (!(await fs.stat(container).then((s) => s.isFile(), () => false))) {
        const blocks = lane.labelBlocks.length;
        notImported.push(`${lane.nickname}: image ${lane.filePath} not found${blocks ? `; its ${blocks} label block(s) cannot be placed without it` : ''}`);
        continue;
      }
      let image: ImageSource;
      try {
        image = await openImage(absolute, {});
      } catch (e) {
        notImported.push(`${lane.nickname}: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      try {
        const { t, z, c, y, x } = image.info.shape;
        const labels = createLabelStore({ t, z, y, x });
        const painted = paintBlocks(lane, labels, ilpName);
        if (painted.outside > 0) notImported.push(`${lane.nickname}: ${painted.outside} labelled voxel(s) lie outside the image and are left out`);
        while (project.classes.length < painted.maxClass) project.classes.push(defaultClass(project.classes.length + 1));
        // The .ilp names its images itself: they may lie anywhere (stored as `../…` when outside the folder).
        const rel = toProjectRelative(outDir, absolute, ANYWHERE);
        project.images.push({ path: rel, sha256: await sha256File(absolute), shape: { t, z, c, y, x }, dtype: image.info.dtype });
        const encoded = encodeLabels(labels);
        if (Object.keys(encoded).length > 0) project.labels[rel] = encoded;
        images.push({ lane: lane.name, nickname: lane.nickname, path: rel, labelledPixels: painted.labelled, extracted });
      } finally {
        await image.close();
      }
    }
    await fs.mkdir(outDir, { recursive: true });
    await writeProject(output, project);
    return { projectFile: output, ilastikVersion: ilp.ilastikVersion, classes: project.classes.length, images, notImported };
  } catch (e) {
    if (e instanceof IlastikProjectError) throw new ImportIlastikError(e.message);
    throw e;
  } finally {
    file.close();
  }
}
