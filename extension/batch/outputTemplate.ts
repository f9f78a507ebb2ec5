/**
 * Output file names from ilastik-style templates (issue #6): `{dataset_dir}`, `{nickname}`, `{result_type}`,
 * default `{dataset_dir}/{nickname}_{result_type}.tif`. Outputs never overwrite an input and a relative
 * template may not escape the allowed roots (workspace); an absolute template is the user's explicit
 * output directory and is allowed.
 */
import * as path from 'node:path';
import type { ExportFormat, ExportSource } from '../project/projectSchema';
import { assertInsideRoots, PathSafetyError } from '../project/projectPaths';

/** `{result_type}` of each export source. */
export const RESULT_TYPES: Record<ExportSource, string> = {
  probabilities: 'Probabilities',
  'simple-segmentation': 'Simple_Segmentation',
  uncertainty: 'Uncertainty',
  features: 'Features',
  labels: 'Labels',
};

const PLACEHOLDERS = ['dataset_dir', 'nickname', 'result_type'];

/** Values substituted into a template. */
export interface TemplateValues {
  /** Absolute folder of the input image. */
  datasetDir: string;
  /** Input file name without its extension(s) (`cells.ome.tif` → `cells`). */
  nickname: string;
  resultType: string;
}

/** The nickname of an input path: its base name without image extensions. */
export function nicknameOf(input: string): string {
  return path.basename(input.replace(/[\\/]+$/, '')).replace(/(\.ome)?\.(tiff?|png|jpe?g|zarr)$/i, '');
}

/**
 * Substitutes placeholders. Unknown `{…}` placeholders are an error (a typo would silently write a file
 * literally named `{nick}`).
 */
export function expandTemplate(template: string, values: TemplateValues): string {
  return template.replace(/\{([^{}]*)\}/g, (_, name: string) => {
    if (!PLACEHOLDERS.includes(name)) throw new PathSafetyError(template, `unknown placeholder {${name}} (use {dataset_dir}, {nickname}, {result_type})`);
    if (name === 'dataset_dir') return values.datasetDir;
    if (name === 'nickname') return values.nickname;
    return values.resultType;
  });
}

/** Options of {@link resolveOutputPath}. */
export interface OutputPathOptions {
  template: string;
  input: string;
  resultType: string;
  format: ExportFormat;
  /** Relative templates resolve against this folder (the CLI's cwd, or the project folder). */
  baseDir: string;
  /** Folders outputs of relative templates must stay in (workspace folders). */
  allowedRoots: readonly string[];
  /** Every input of the run (absolute); an output equal to one is refused. */
  inputs: readonly string[];
}

/** File name extensions of each output format, the first one is added when the template has none of them. */
export const OUTPUT_EXTENSIONS: Record<ExportFormat, readonly string[]> = {
  tiff: ['.tif', '.tiff'],
  png: ['.png'],
  hdf5: ['.h5', '.hdf5'],
  // path.extname('x.ome.zarr') is '.zarr': both spellings are kept, '.ome.zarr' is added when missing.
  zarr: ['.ome.zarr', '.zarr'],
};

/**
 * The absolute output path of one result.
 *
 * Rules: the extension is made to match the format (`.tif` for TIFF, `.png` for PNG, `.h5` for HDF5, `.ome.zarr` for OME-Zarr); a template starting
 * with `{dataset_dir}` writes beside the input (allowed: the input's folder is where the data is);
 * an absolute template is an explicit output directory (allowed anywhere); any other relative template
 * must stay inside `allowedRoots`. `..` segments produced by substitution are refused.
 * @throws PathSafetyError when a rule is broken or the output would overwrite an input
 */
export function resolveOutputPath(options: OutputPathOptions): string {
  const { template, input, resultType, format } = options;
  if (template.includes('\0')) throw new PathSafetyError(template, 'template contains a NUL character');
  const nickname = nicknameOf(input);
  let expanded = expandTemplate(template, { datasetDir: path.dirname(path.resolve(input)), nickname, resultType });
  const accepted = OUTPUT_EXTENSIONS[format];
  const ext = path.extname(expanded).toLowerCase();
  if (!accepted.includes(ext)) {
    const known = Object.values(OUTPUT_EXTENSIONS).some((list) => list.includes(ext));
    expanded = (known ? expanded.slice(0, -ext.length) : expanded) + accepted[0];
  }
  const startsWithDatasetDir = template.startsWith('{dataset_dir}');
  const absoluteTemplate = !startsWithDatasetDir && path.isAbsolute(template);
  const output = path.resolve(options.baseDir, expanded);
  if (startsWithDatasetDir) {
    const rest = template.slice('{dataset_dir}'.length);
    if (!/^[\\/]/.test(rest) && rest !== '') throw new PathSafetyError(template, '{dataset_dir} must be followed by a path separator');
    assertInsideRoots(output, [path.dirname(path.resolve(input))], 'output');
  } else if (!absoluteTemplate) {
    assertInsideRoots(output, options.allowedRoots, 'output');
  } else if (expanded.split(/[\\/]/).includes('..')) {
    throw new PathSafetyError(template, 'an absolute output template may not contain ".." segments');
  }
  const resolvedInputs = new Set(options.inputs.map((i) => path.resolve(i)));
  if (resolvedInputs.has(output) || path.resolve(input) === output) {
    throw new PathSafetyError(output, 'the output would overwrite an input image');
  }
  return output;
}
