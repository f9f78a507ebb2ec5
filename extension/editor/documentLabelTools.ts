/**
 * The labelling tools as edits of one document (issue #16; split out of labelDocument.ts): the brush, fill,
 * polygon/lasso, magic wand, superpixel brush, copying a slice's labels and importing a label image. Each use is
 * one undoable edit recorded through the document; the pixels come from the engine's rasterisers
 * (extension/core/labels), the same ones the webview previews with.
 */
import type { ImageSource } from '../core/image/imageModel';
import { applyEdit, editPatches, revertEdit, type EditPatch, type LabelEdit } from '../core/labels/labelEdit';
import type { LabelStore } from '../core/labels/labelVolume';
import { rasterizeStroke, strokeEdit, type StrokePoint } from '../core/labels/rasterizeStroke';
import { floodFill } from '../core/labels/tools/floodFill';
import { rasterizePolygon } from '../core/labels/tools/rasterizePolygon';
import { magicWand } from '../core/labels/tools/magicWand';
import { superpixelBrush } from '../core/labels/tools/superpixels';
import { copySliceEdit, labelSlice, maskImportEdit, planeToolEdit, sliceToolEdit } from '../core/labels/tools/toolEdits';
import { planeSizeOf, type Orientation, type SliceRef } from '../core/views/slicePlane';
import { readSliceRegion } from '../core/views/readSliceRegion';
import { defaultClass, type ProjectClass } from '../project/projectSchema';
import type { DocumentEdit } from './projectEdits';
import { SuperpixelTiles } from './superpixelTiles';

/** What the tools need from their document. */
export interface ToolDocument {
  labels(): LabelStore | undefined;
  image(): ImageSource | undefined;
  imageError(): string | undefined;
  classes(): readonly ProjectClass[];
  /** Applies a label edit and puts it on the undo stack. */
  recordLabelEdit(edit: LabelEdit): void;
  /** Puts an edit that is already applied on the undo stack. */
  publish(edit: DocumentEdit): void;
  setClasses(classes: ProjectClass[]): void;
  labelsChanged(patches: EditPatch[]): void;
}

/** The tools of one document. */
export class DocumentLabelTools {
  constructor(private readonly doc: ToolDocument) {}

  /**
   * Paints (classId ≥ 1) or erases (0) a stroke of `points` (column,row float pairs) with a round brush of
   * diameter `brushSize` on plane (t, z). One undoable edit; `undefined` when nothing changed.
   * In an xz/yz view (`orientation`), `z` is that view's slice index and the points are in its plane (issue #15).
   */
  paint(t: number, z: number, classId: number, brushSize: number, points: Float32Array, preserveLabels = false, orientation: Orientation = 'xy'): LabelEdit | undefined {
    const labels = this.labelsFor(classId);
    const stroke = strokePoints(points);
    const name = classId === 0 ? 'Erase' : `Paint ${this.doc.classes()[classId - 1].name}`;
    if (orientation !== 'xy') {
      const { width, height } = planeSizeOf(labels.shape, orientation);
      return this.recordTool({ orientation, t, index: z }, rasterizeStroke(stroke, brushSize / 2, width, height).indices, classId, preserveLabels, name);
    }
    const edit = preserveLabels && classId !== 0
      ? planeToolEdit(labels, t, z, rasterizeStroke(stroke, brushSize / 2, labels.shape.x, labels.shape.y).indices, classId, { preserveLabels, label: name })
      : strokeEdit(labels, t, z, stroke, brushSize / 2, classId, name);
    if (!edit) return undefined;
    this.doc.recordLabelEdit(edit);
    return edit;
  }

  /** The labels, after checking the class exists (0 = unlabelled is always allowed). */
  private labelsFor(classId: number): LabelStore {
    const labels = this.doc.labels();
    if (!labels) throw new Error(this.doc.imageError() ?? 'no image');
    if (classId > this.doc.classes().length) throw new Error(`class ${classId} does not exist`);
    return labels;
  }

  private toolName(tool: string, classId: number): string {
    return classId === 0 ? `${tool} (clear)` : `${tool} ${this.doc.classes()[classId - 1].name}`;
  }

  /** Writes `planeIndices` of a plane of any view as one undoable edit. */
  private recordTool(slice: SliceRef, planeIndices: ArrayLike<number>, classId: number, preserveLabels: boolean, name: string): LabelEdit | undefined {
    const edit = sliceToolEdit(this.labelsFor(classId), slice, planeIndices, classId, { preserveLabels, label: name });
    if (edit) this.doc.recordLabelEdit(edit);
    return edit;
  }

  /**
   * Bucket fill of the 4-connected region of the clicked pixel's label value with `classId`. Above `maxPixels`
   * nothing is written and the region's size is returned so the caller can ask first.
   */
  fill(t: number, z: number, column: number, row: number, classId: number, preserveLabels: boolean, maxPixels = Infinity, orientation: Orientation = 'xy'): { edit?: LabelEdit; tooLarge?: { count: number; touchesBorder: boolean } } {
    const labels = this.labelsFor(classId);
    const slice = { orientation, t, index: z };
    const { width, height } = planeSizeOf(labels.shape, orientation);
    const region = floodFill(labelSlice(labels, slice), width, height, column, row, maxPixels);
    if (region.tooLarge) return { tooLarge: { count: region.count, touchesBorder: region.touchesBorder } };
    return { edit: this.recordTool(slice, region.indices, classId, preserveLabels, this.toolName('Fill', classId)) };
  }

  /** Fills a polygon / lasso outline (column,row float pairs) with `classId`. */
  polygon(t: number, z: number, classId: number, points: Float32Array, preserveLabels: boolean, orientation: Orientation = 'xy'): LabelEdit | undefined {
    const labels = this.labelsFor(classId);
    const { width, height } = planeSizeOf(labels.shape, orientation);
    const pixels = rasterizePolygon(strokePoints(points), width, height);
    return this.recordTool({ orientation, t, index: z }, pixels.indices, classId, preserveLabels, this.toolName('Polygon', classId));
  }

  /** Magic wand: the region grown from (column, row) in channel `c` within `box`, with `tolerance` in raw values. */
  async wand(t: number, z: number, c: number, column: number, row: number, tolerance: number, box: { column: number; row: number; width: number; height: number }, classId: number, preserveLabels: boolean, orientation: Orientation = 'xy'): Promise<LabelEdit | undefined> {
    const labels = this.labelsFor(classId);
    const image = this.doc.image();
    if (!image) throw new Error(this.doc.imageError() ?? 'no image');
    const values = await readSliceRegion(image, orientation, t, z, c, { y0: box.row, y1: box.row + box.height, x0: box.column, x1: box.column + box.width });
    const region = magicWand({ values, ...box }, planeSizeOf(labels.shape, orientation).width, column, row, tolerance);
    return this.recordTool({ orientation, t, index: z }, region.indices, classId, preserveLabels, this.toolName('Wand', classId));
  }

  /** Superpixels of each view's planes (their tiles differ). */
  private readonly superpixels = new Map<Orientation, SuperpixelTiles>();

  /** Superpixel brush: whole superpixels (channel `c`) touched by the brush stroke. */
  async superpixelStroke(t: number, z: number, c: number, classId: number, brushSize: number, points: Float32Array, preserveLabels: boolean, orientation: Orientation = 'xy'): Promise<LabelEdit | undefined> {
    const labels = this.labelsFor(classId);
    const image = this.doc.image();
    if (!image) throw new Error(this.doc.imageError() ?? 'no image');
    const { width, height } = planeSizeOf(labels.shape, orientation);
    let tiles = this.superpixels.get(orientation);
    if (!tiles) {
      tiles = new SuperpixelTiles((tt, index, cc, box) => readSliceRegion(image, orientation, tt, index, cc, box), width, height);
      this.superpixels.set(orientation, tiles);
    }
    const touched = rasterizeStroke(strokePoints(points), brushSize / 2, width, height).indices;
    const lookup = await tiles.lookup(t, z, c, touched);
    return this.recordTool({ orientation, t, index: z }, superpixelBrush(touched, width, height, lookup), classId, preserveLabels, this.toolName('Superpixels', classId));
  }

  /** Copies the labels of slice `fromZ` to slice `toZ` as one edit. */
  copySlice(t: number, fromZ: number, toZ: number, preserveLabels: boolean, orientation: Orientation = 'xy'): LabelEdit | undefined {
    const labels = this.labelsFor(0);
    const options = { preserveLabels, label: `Copy labels from slice ${fromZ + 1} to ${toZ + 1}${orientation === 'xy' ? '' : ` (${orientation})`}` };
    const edit = copySliceEdit(labels, t, fromZ, toZ, options, orientation);
    if (edit) this.doc.recordLabelEdit(edit);
    return edit;
  }

  /**
   * Imports labels from a mask (same t, z, y, x shape): value v becomes class `mapping.get(v)`; classes the
   * mapping names beyond the current ones are created (named `newClassNames`). One undoable edit for both.
   */
  async importMask(readPlane: (t: number, z: number) => Promise<ArrayLike<number>>, mapping: ReadonlyMap<number, number>, fileName: string): Promise<DocumentEdit | undefined> {
    const labels = this.labelsFor(0);
    const before = this.doc.classes().map((cl) => ({ ...cl }));
    const needed = Math.max(0, ...mapping.values());
    const after = before.map((cl) => ({ ...cl }));
    while (after.length < needed) after.push(defaultClass(after.length + 1));
    const labelEdit = await maskImportEdit(labels, readPlane, mapping, { label: `Import labels from ${fileName}` });
    if (!labelEdit && after.length === before.length) return undefined;
    const patches = labelEdit ? editPatches(labels, labelEdit) : [];
    const apply = (undo: boolean) => {
      if (undo) {
        if (labelEdit) revertEdit(labels, labelEdit);
        this.doc.setClasses(before);
      } else {
        this.doc.setClasses(after);
        if (labelEdit) applyEdit(labels, labelEdit);
      }
      if (labelEdit) this.doc.labelsChanged(patches);
    };
    const edit: DocumentEdit = { label: `Import labels from ${fileName}`, undo: () => apply(true), redo: () => apply(false) };
    edit.redo();
    this.doc.publish(edit);
    return edit;
  }

}

/** (column, row) float pairs as stroke points. */
function strokePoints(points: Float32Array): StrokePoint[] {
  const out: StrokePoint[] = [];
  for (let i = 0; i + 1 < points.length; i += 2) out.push({ column: points[i], row: points[i + 1] });
  return out;
}
