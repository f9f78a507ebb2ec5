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
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { PROJECT_SUFFIX, type PixelClassifierProject } from '../project/projectSchema';
import { ProjectError, readProject } from '../project/projectFile';

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

/** File name without image extensions: `cells.ome.tif` → `cells`, `a.b.png` → `a.b`. */
export function imageStem(fileName: string): string {
  const m = /^(.*?)(\.ome)?\.(tiff?|png|jpe?g)$/i.exec(fileName);
  return m ? m[1] : fileName.replace(/\.[^.]*$/, '') || fileName;
}

/** The default project path of an image. */
export function defaultProjectFile(imagePath: string): string {
  return path.join(path.dirname(imagePath), imageStem(path.basename(imagePath)) + PROJECT_SUFFIX);
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
  const dir = path.dirname(imagePath);
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
