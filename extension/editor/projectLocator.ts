/**
 * Which project an opened image belongs to (issue #5, multi-image projects).
 *
 * Rules, in order:
 * 1. `<stem>.pixelclass.json` beside the image (e.g. `cells.tif` → `cells.pixelclass.json`);
 * 2. another `*.pixelclass.json` in the same folder that already lists the image;
 * 3. otherwise a new project at (1), and the projects found in the folder are offered to the user
 *    ("add this image to project …"), so labels of several images train one classifier.
 * A malformed project at (1) is reported and never overwritten.
 */
import { files as fs } from '../core/platform/platform';
import * as path from 'node:path';
import { PROJECT_SUFFIX, type PixelClassifierProject } from '../project/projectSchema';
import { ProjectError, readProject } from '../project/projectFile';
import { splitHdf5Path } from '../core/image/hdf5Path';

/** Result of {@link locateProject}. */
export interface LocatedProject {
  /** Project file the image's labels are saved to. */
  projectFile: string;
  /** The parsed project when the file exists and is valid. */
  project?: PixelClassifierProject;
  /** Why an existing project file could not be used (it is then never overwritten). */
  error?: ProjectError;
  /** Other valid projects in the folder that do not list the image yet (candidates to add it to). */
  candidates: string[];
  /** Problems with other project files of the folder (logged, not fatal). */
  skipped: string[];
}

/** File name without image extensions: `cells.ome.tif` → `cells`, `a.b.png` → `a.b`, `cells.ome.zarr` (a folder) → `cells`. */
export function imageStem(fileName: string): string {
  const m = /^(.*?)(\.ome)?\.(tiff?|png|jpe?g|zarr)$/i.exec(fileName);
  return m ? m[1] : fileName.replace(/\.[^.]*$/, '') || fileName;
}

/**
 * The default project path of an image: `<stem>.pixelclass.json` beside it; for an HDF5 dataset beside the HDF5
 * file, `<file stem>.pixelclass.json` for ilastik's `exported_data`, else `<file stem>_<dataset>.pixelclass.json`.
 */
export function defaultProjectFile(imagePath: string): string {
  const hdf5 = splitHdf5Path(imagePath);
  if (hdf5) {
    const stem = path.basename(hdf5.file).replace(/\.(h5|hdf5|hdf|ilp)$/i, '');
    const dataset = hdf5.dataset && hdf5.dataset !== '/exported_data' ? `_${hdf5.dataset.slice(1).replace(/[^A-Za-z0-9._-]+/g, '_')}` : '';
    return path.join(path.dirname(hdf5.file), stem + dataset + PROJECT_SUFFIX);
  }
  return path.join(path.dirname(imagePath), imageStem(path.basename(imagePath)) + PROJECT_SUFFIX);
}

/** The folder an image lives in (for an HDF5 dataset, the HDF5 file's folder). */
function imageFolder(imagePath: string): string {
  return path.dirname(splitHdf5Path(imagePath)?.file ?? imagePath);
}

/** Project-relative path (forward slashes) of an image in a project at `projectFile`. */
export function relativeImagePath(projectFile: string, imagePath: string): string {
  return path.relative(path.dirname(projectFile), imagePath).split(path.sep).join('/');
}

/** Finds the project of `imagePath` following the rules above; never throws for bad project files. */
export async function locateProject(imagePath: string): Promise<LocatedProject> {
  const own = defaultProjectFile(imagePath);
  const skipped: string[] = [];
  const ownExists = await fs.stat(own).then((s) => s.isFile(), () => false);
  if (ownExists) {
    try {
      return { projectFile: own, project: await readProject(own), candidates: [], skipped };
    } catch (e) {
      const error = e instanceof ProjectError ? e : new ProjectError(own, String(e));
      return { projectFile: own, error, candidates: [], skipped };
    }
  }
  const dir = imageFolder(imagePath);
  let names: string[] = [];
  try {
    names = (await fs.readdir(dir)).filter((n) => n.endsWith(PROJECT_SUFFIX)).sort();
  } catch {
    // Unreadable folder: a new project beside the image is all we can do.
  }
  const candidates: string[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      const project = await readProject(file);
      const rel = relativeImagePath(file, imagePath);
      if (project.images.some((i) => i.path === rel)) return { projectFile: file, project, candidates: [], skipped };
      candidates.push(file);
    } catch (e) {
      skipped.push(e instanceof Error ? e.message : String(e));
    }
  }
  return { projectFile: own, candidates, skipped };
}
