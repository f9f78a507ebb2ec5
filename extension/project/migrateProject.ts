/**
 * Upgrades project objects written by older versions to {@link PROJECT_VERSION} and fills optional sections
 * with defaults. Runs before validation; never touches the file on disk (a migrated project is written only
 * when the user saves).
 */
import { defaultExportSettings, PROJECT_FORMAT, PROJECT_VERSION } from './projectSchema';

/** A migration from version `v` to `v + 1`. */
type Migration = (project: Record<string, unknown>) => Record<string, unknown>;

/**
 * Migrations keyed by the version they upgrade from. Version 1 is the first released format, so the table
 * is empty; a future format change adds `1: (p) => …` here together with a test on a stored v1 file.
 */
export const MIGRATIONS: Record<number, Migration> = {};

/** Raised when a project cannot be migrated (not a project, or written by a newer version). */
export class ProjectVersionError extends Error {
  constructor(readonly path: (string | number)[], message: string) {
    super(message);
    this.name = 'ProjectVersionError';
  }
}

/**
 * Returns the project upgraded to the current version (a new object; the input is not modified), with
 * missing optional sections (`provenance`, `export`, `labels`, `images`) filled with defaults.
 * @throws ProjectVersionError for a wrong `format`, a missing/invalid `version`, or a version newer than this code
 */
export function migrateProject(raw: unknown, migrations: Record<number, Migration> = MIGRATIONS, currentVersion = PROJECT_VERSION): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ProjectVersionError([], 'a project must be a JSON object');
  let project = { ...(raw as Record<string, unknown>) };
  if (project.format !== PROJECT_FORMAT) {
    throw new ProjectVersionError(['format'], `not a Pixel Classifier project: "format" must be "${PROJECT_FORMAT}"`);
  }
  const version = project.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new ProjectVersionError(['version'], '"version" must be a positive integer');
  }
  if (version > currentVersion) {
    throw new ProjectVersionError(['version'], `the project was written by a newer Pixel Classifier (format version ${version}); this one reads versions up to ${currentVersion}`);
  }
  for (let v = version; v < currentVersion; v++) {
    const step = migrations[v];
    if (!step) throw new ProjectVersionError(['version'], `no migration from format version ${v}`);
    project = step(project);
    project.version = v + 1;
  }
  if (project.provenance === undefined) project.provenance = { extensionVersion: 'unknown' };
  if (project.export === undefined) project.export = defaultExportSettings();
  else if (typeof project.export === 'object' && project.export !== null && !Array.isArray(project.export)) {
    project.export = { ...defaultExportSettings(), ...(project.export as object) };
  }
  // `scaleUnit` and `featureChannels` belong to the feature selection; a project that states them at the top level
  // (as issue #15 words them: `"scaleUnit": "physical"` in the project) means the same: they move into `features`,
  // where the selection's own value wins.
  for (const key of ['scaleUnit', 'featureChannels'] as const) {
    if (!(key in project)) continue;
    const f = project.features;
    if (typeof f === 'object' && f !== null && !Array.isArray(f) && !(key in f)) project.features = { ...f, [key]: project[key] };
    delete project[key];
  }
  // Feature scales in pixels are the default (issue #15): `"scaleUnit": "pixels"` is written as no key, so a
  // project means the same (and hashes the same) whichever way it spells it.
  const features = project.features;
  if (typeof features === 'object' && features !== null && !Array.isArray(features) && (features as Record<string, unknown>).scaleUnit === 'pixels') {
    const { scaleUnit: _pixels, ...rest } = features as Record<string, unknown>;
    project.features = rest;
  }
  if (project.images === undefined) project.images = [];
  if (project.labels === undefined) project.labels = {};
  return project;
}
