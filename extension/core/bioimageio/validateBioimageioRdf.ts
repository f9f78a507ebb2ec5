/**
 * The bioimage.io model description (format 0.5) rules this project checks before writing a package, and in
 * tests. Each rule restates the spec (bioimageio.spec, model v0_5); the list is documented in README.md:
 *
 *  1. `type` is "model"; `format_version` is 0.5.x.
 *  2. `name` has 5–64 characters: letters, digits, underscore, minus, space.
 *  3. `description` is non-empty; `authors` and `cite` are non-empty lists (authors have a `name`; cite entries
 *     a `text` and a `doi` or `url`); `license` is an SPDX id; `documentation` is a `.md` file in the package.
 *  4. `covers` name `.png`/`.jpg`/`.jpeg`/`.gif`/`.svg` files in the package.
 *  5. `inputs` and `outputs` are non-empty; tensor ids are lowercase identifiers, unique across inputs and outputs;
 *     tensor and axis descriptions have at most 128 characters.
 *  6. Axes: at most one batch and one channel axis per tensor; axis ids unique per tensor, lowercase identifiers
 *     of at most 16 characters; a batch axis has size 1 or none; channel axes have `channel_names` that are
 *     identifiers, unique; space axes have an id and a size: a positive integer, `{min > 0, step > 0}`, or a
 *     reference `{tensor_id, axis_id}` to an existing non-batch axis with a fixed or parameterized size (not to
 *     itself).
 *  7. Halos only on output axes, ≥ 0, and `min size − 2·halo ≥ 1` for referenced or parameterized sizes.
 *  8. Every tensor has a `test_tensor` `.npy` file in the package with a 64-hex-digit `sha256` that matches its
 *     bytes; the test arrays' ranks equal the axis counts, their sizes satisfy the axes (fixed, min + n·step,
 *     reference), their dtype is the tensor's `data.type`.
 *  9. `weights` has at least one known format; every entry names a file in the package whose sha256 matches;
 *     `onnx` has `opset_version` ≥ 7; at most one entry has no `parent`.
 * 10. Every file in the package referenced by the description exists (and nothing refers outside it).
 */

/** The package as the validator sees it: the parsed description and the files beside it. */
export interface BioimageioPackageView {
  rdf: Record<string, unknown>;
  files: Map<string, Uint8Array>;
  /** sha256 (lowercase hex) of a file's bytes. */
  sha256(bytes: Uint8Array): string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LOWER_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;
const SPDX = /^[A-Za-z0-9][A-Za-z0-9.+-]*$/;
const WEIGHT_FORMATS = ['keras_hdf5', 'onnx', 'pytorch_state_dict', 'tensorflow_js', 'tensorflow_saved_model_bundle', 'torchscript'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads a `.npy` header: dtype descr and shape (version 1.0/2.0, C order). */
export function readNpyHeader(bytes: Uint8Array): { descr: string; shape: number[]; dataOffset: number } | undefined {
  if (bytes.length < 10 || bytes[0] !== 0x93 || String.fromCharCode(...bytes.subarray(1, 6)) !== 'NUMPY') return undefined;
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = String.fromCharCode(...bytes.subarray(start, start + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined || /'fortran_order':\s*True/.test(header)) return undefined;
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  return { descr, shape, dataOffset: start + headerLength };
}

const NPY_DTYPES: Record<string, string> = { '<f4': 'float32', '<f8': 'float64', '|u1': 'uint8', '<u2': 'uint16', '<i4': 'int32', '<i8': 'int64' };

/** Every rule broken by the package, one sentence each (empty when valid). */
export function validateBioimageioPackage(pkg: BioimageioPackageView): string[] {
  const problems: string[] = [];
  const rdf = pkg.rdf;
  const add = (message: string) => problems.push(message);
  const fileRule = (where: string, source: unknown, suffixes: string[], sha256?: unknown): Uint8Array | undefined => {
    if (typeof source !== 'string' || source === '') { add(`${where}: source must be a file name`); return undefined; }
    if (source.includes('..') || source.startsWith('/') || /^[a-z]+:\/\//i.test(source)) { add(`${where}: ${source} must be a file inside the package`); return undefined; }
    if (!suffixes.some((s) => source.toLowerCase().endsWith(s))) add(`${where}: ${source} must end with ${suffixes.join(' or ')}`);
    const bytes = pkg.files.get(source);
    if (!bytes) { add(`${where}: ${source} is not in the package`); return undefined; }
    if (sha256 !== undefined) {
      if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) add(`${where}: sha256 must be 64 lowercase hex digits`);
      else if (pkg.sha256(bytes) !== sha256) add(`${where}: sha256 does not match the bytes of ${source}`);
    }
    return bytes;
  };

  // 1–4: the resource.
  if (rdf.type !== 'model') add('type must be "model"');
  if (typeof rdf.format_version !== 'string' || !/^0\.5\.\d+$/.test(rdf.format_version)) add('format_version must be 0.5.x');
  if (typeof rdf.name !== 'string' || rdf.name.length < 5 || rdf.name.length > 64 || !/^[A-Za-z0-9_\- ]+$/.test(rdf.name)) {
    add('name must have 5–64 characters: letters, digits, underscore, minus or space');
  }
  if (typeof rdf.description !== 'string' || rdf.description.trim() === '') add('description must not be empty');
  if (!Array.isArray(rdf.authors) || rdf.authors.length === 0 || !rdf.authors.every((a) => isObj(a) && typeof a.name === 'string' && a.name.trim() !== '')) {
    add('authors must be a non-empty list of {name}');
  }
  if (!Array.isArray(rdf.cite) || rdf.cite.length === 0 || !rdf.cite.every((c) => isObj(c) && typeof c.text === 'string' && (typeof c.doi === 'string' || typeof c.url === 'string'))) {
    add('cite must be a non-empty list of {text, doi or url}');
  }
  if (typeof rdf.license !== 'string' || !SPDX.test(rdf.license)) add('license must be an SPDX license id');
  fileRule('documentation', rdf.documentation, ['.md']);
  if (rdf.covers !== undefined) {
    if (!Array.isArray(rdf.covers)) add('covers must be a list');
    else rdf.covers.forEach((c, i) => fileRule(`covers[${i}]`, c, ['.png', '.jpg', '.jpeg', '.gif', '.svg']));
  }

  // 5–8: tensors.
  const inputs = Array.isArray(rdf.inputs) ? rdf.inputs.filter(isObj) : [];
  const outputs = Array.isArray(rdf.outputs) ? rdf.outputs.filter(isObj) : [];
  if (inputs.length === 0) add('inputs must be a non-empty list');
  if (outputs.length === 0) add('outputs must be a non-empty list');
  const tensorIds = new Set<string>();
  /** Independent sizes (fixed or parameterized) by "tensor.axis", for references. */
  const independent = new Map<string, { min: number; step: number }>();
  const arrays = new Map<string, { shape: number[]; dtype?: string }>();
  const all = [...inputs.map((t) => ({ t, kind: 'inputs' })), ...outputs.map((t) => ({ t, kind: 'outputs' }))];
  for (const { t, kind } of all) {
    const id = t.id;
    const where = `${kind}[${String(id)}]`;
    if (typeof id !== 'string' || !LOWER_IDENTIFIER.test(id)) add(`${where}: id must be a lowercase identifier`);
    else if (tensorIds.has(id)) add(`${where}: tensor id appears twice`);
    else tensorIds.add(id);
    if (typeof t.description === 'string' && t.description.length > 128) add(`${where}: description longer than 128 characters`);
    const axes = Array.isArray(t.axes) ? t.axes.filter(isObj) : [];
    if (axes.length === 0) add(`${where}: axes must be a non-empty list`);
    const axisIds = new Set<string>();
    const types = new Set<string>();
    for (const a of axes) {
      const type = a.type;
      const axisId = typeof a.id === 'string' ? a.id : type === 'batch' ? 'batch' : type === 'channel' ? 'channel' : type === 'space' ? 'x' : String(type);
      if (!['batch', 'channel', 'index', 'time', 'space'].includes(String(type))) { add(`${where}: axis type ${String(type)} is unknown`); continue; }
      if ((type === 'batch' || type === 'channel' || type === 'index') && types.has(String(type))) add(`${where}: more than one ${String(type)} axis`);
      types.add(String(type));
      if (!LOWER_IDENTIFIER.test(axisId) || axisId.length > 16) add(`${where}: axis id ${axisId} must be a lowercase identifier of at most 16 characters`);
      if (axisIds.has(axisId)) add(`${where}: axis id ${axisId} appears twice`);
      if (typeof a.description === 'string' && a.description.length > 128) add(`${where}.${axisId}: description longer than 128 characters`);
      axisIds.add(axisId);
      if (a.halo !== undefined && kind === 'inputs') add(`${where}.${axisId}: halo is only allowed on output axes`);
      if (a.halo !== undefined && !(Number.isInteger(a.halo) && (a.halo as number) >= 0)) add(`${where}.${axisId}: halo must be an integer ≥ 0`);
      if (type === 'batch') {
        if (a.size !== undefined && a.size !== 1) add(`${where}: a batch axis has size 1 or none`);
      } else if (type === 'channel') {
        const names = a.channel_names;
        if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string' && IDENTIFIER.test(n))) {
          add(`${where}: channel_names must be a non-empty list of identifiers`);
        } else {
          if (new Set(names).size !== names.length) add(`${where}: channel_names must be unique`);
          if (typeof id === 'string') independent.set(`${id}.${axisId}`, { min: names.length, step: 0 });
        }
      } else {
        const size = a.size;
        if (Number.isInteger(size) && (size as number) > 0) {
          if (typeof id === 'string') independent.set(`${id}.${axisId}`, { min: size as number, step: 0 });
        } else if (isObj(size) && 'min' in size) {
          if (!(Number.isInteger(size.min) && (size.min as number) > 0 && Number.isInteger(size.step) && (size.step as number) > 0)) {
            add(`${where}.${axisId}: a parameterized size needs min > 0 and step > 0`);
          } else if (typeof id === 'string') independent.set(`${id}.${axisId}`, { min: size.min as number, step: size.step as number });
        } else if (!(isObj(size) && 'tensor_id' in size)) {
          add(`${where}.${axisId}: size must be a positive integer, {min, step} or {tensor_id, axis_id}`);
        }
      }
    }
  }
  // References and halos, once every independent size is known.
  for (const { t, kind } of all) {
    const where = `${kind}[${String(t.id)}]`;
    for (const a of (Array.isArray(t.axes) ? t.axes.filter(isObj) : [])) {
      const axisId = String(a.id ?? a.type);
      const size = a.size;
      let min: number | undefined;
      if (isObj(size) && 'tensor_id' in size) {
        const ref = `${String(size.tensor_id)}.${String(size.axis_id)}`;
        if (ref === `${String(t.id)}.${axisId}`) add(`${where}.${axisId}: an axis may not reference itself`);
        const target = independent.get(ref);
        if (!target) add(`${where}.${axisId}: size references ${ref}, which is not a fixed or parameterized axis`);
        else min = target.min + (Number.isInteger(size.offset) ? (size.offset as number) : 0);
      } else if (isObj(size) && 'min' in size) min = size.min as number;
      if (min !== undefined && typeof a.halo === 'number' && min - 2 * a.halo < 1) {
        add(`${where}.${axisId}: minimum size ${min} is too small for halo ${a.halo}`);
      }
    }
    // 8: test tensor.
    const test = t.test_tensor;
    if (!isObj(test)) { add(`${where}: test_tensor is required`); continue; }
    const bytes = fileRule(`${where}.test_tensor`, test.source, ['.npy'], test.sha256 ?? '');
    if (!bytes) continue;
    const header = readNpyHeader(bytes);
    if (!header) { add(`${where}.test_tensor: not a C-order .npy file`); continue; }
    const dtype = NPY_DTYPES[header.descr];
    const declared = isObj(t.data) ? t.data.type : 'float32';
    if (dtype !== declared) add(`${where}.test_tensor: dtype ${dtype ?? header.descr} differs from data.type ${String(declared)}`);
    arrays.set(String(t.id), { shape: header.shape, dtype });
  }
  // 8: test tensor sizes against the axes.
  for (const { t, kind } of all) {
    const where = `${kind}[${String(t.id)}]`;
    const array = arrays.get(String(t.id));
    const axes = Array.isArray(t.axes) ? t.axes.filter(isObj) : [];
    if (!array) continue;
    if (array.shape.length !== axes.length) { add(`${where}.test_tensor: ${array.shape.length} dimensions for ${axes.length} axes`); continue; }
    axes.forEach((a, i) => {
      const actual = array.shape[i];
      const axisId = String(a.id ?? a.type);
      const size = a.size;
      if (a.type === 'batch') { if (size === 1 && actual !== 1) add(`${where}.test_tensor: batch size ${actual}, expected 1`); return; }
      if (a.type === 'channel') { if (Array.isArray(a.channel_names) && actual !== a.channel_names.length) add(`${where}.test_tensor: ${actual} channels, expected ${a.channel_names.length}`); return; }
      if (Number.isInteger(size) && actual !== size) add(`${where}.test_tensor: axis ${axisId} has size ${actual}, expected ${String(size)}`);
      else if (isObj(size) && 'min' in size && (actual < (size.min as number) || (actual - (size.min as number)) % (size.step as number) !== 0)) {
        add(`${where}.test_tensor: axis ${axisId} has size ${actual}, not ${String(size.min)} + n·${String(size.step)}`);
      } else if (isObj(size) && 'tensor_id' in size) {
        const ref = arrays.get(String(size.tensor_id));
        const refAxes = (all.find((x) => x.t.id === size.tensor_id)?.t.axes ?? []) as Obj[];
        const index = refAxes.findIndex((r) => String(r.id ?? r.type) === size.axis_id);
        const expected = ref && index >= 0 ? ref.shape[index] + (Number.isInteger(size.offset) ? (size.offset as number) : 0) : undefined;
        if (expected !== undefined && actual !== expected) add(`${where}.test_tensor: axis ${axisId} has size ${actual}, expected ${expected} (from ${String(size.tensor_id)}.${String(size.axis_id)})`);
      }
    });
  }

  // 9: weights.
  if (!isObj(rdf.weights) || Object.keys(rdf.weights).length === 0) add('weights must name at least one format');
  else {
    let withoutParent = 0;
    for (const [format, entry] of Object.entries(rdf.weights)) {
      if (!WEIGHT_FORMATS.includes(format)) { add(`weights.${format}: unknown weights format`); continue; }
      if (!isObj(entry)) { add(`weights.${format}: must be an object`); continue; }
      fileRule(`weights.${format}`, entry.source, [format === 'onnx' ? '.onnx' : ''], entry.sha256 ?? '');
      if (entry.parent === undefined) withoutParent++;
      if (format === 'onnx' && !(Number.isInteger(entry.opset_version) && (entry.opset_version as number) >= 7)) add('weights.onnx: opset_version must be an integer ≥ 7');
    }
    if (withoutParent > 1) add('weights: at most one format may have no parent');
  }
  return problems;
}
