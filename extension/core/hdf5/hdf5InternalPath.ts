/** Dataset paths inside HDF5 files, as ilastik's OutputInternalPath (`exported_data`, `results/probabilities`). */

/**
 * Why `internalPath` is not a usable dataset path, or undefined when it is: slash-separated names (a leading
 * slash is allowed), no empty, `.` or `..` segment, no NUL, at most 255 characters.
 */
export function internalPathProblem(internalPath: string): string | undefined {
  const segments = internalPath.replace(/^\/+/, '').split('/');
  if (internalPath.trim() === '' || internalPath.length > 255 || segments.some((s) => s.trim() === '' || s === '.' || s === '..' || s.includes('\0'))) {
    return `"${internalPath}" is not a valid HDF5 dataset path (names separated by "/", e.g. exported_data)`;
  }
  return undefined;
}

/** The names along a valid internal path. @throws Error with {@link internalPathProblem}'s sentence */
export function internalPathSegments(internalPath: string): string[] {
  const problem = internalPathProblem(internalPath);
  if (problem) throw new Error(problem);
  return internalPath.replace(/^\/+/, '').split('/');
}
