/**
 * Builds an ONNX graph node by node: unique value names, constants as initializers (shared when equal).
 */
import { ONNX_FLOAT, ONNX_INT64, type OnnxAttributeValue, type OnnxNode, type OnnxTensor } from './onnxProto';

/** Accumulates nodes and initializers; every method returns the name(s) of the new value(s). */
export class OnnxGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private readonly constants = new Map<string, string>();
  private counter = 0;

  /** A fresh value name with a readable prefix. */
  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  /** Adds a node with `nOutputs` fresh outputs (named after `hint` or the operator). */
  op(opType: string, inputs: string[], attributes?: Record<string, OnnxAttributeValue>, options: { domain?: string; nOutputs?: number; hint?: string; outputs?: string[] } = {}): string[] {
    const outputs = options.outputs ?? Array.from({ length: options.nOutputs ?? 1 }, () => this.fresh(options.hint ?? opType.toLowerCase()));
    this.nodes.push({ opType, inputs, outputs, ...(attributes ? { attributes } : {}), ...(options.domain ? { domain: options.domain } : {}), name: this.fresh(`n_${opType}`) });
    return outputs;
  }

  /** A node with one output. */
  op1(opType: string, inputs: string[], attributes?: Record<string, OnnxAttributeValue>, hint?: string): string {
    return this.op(opType, inputs, attributes, { hint })[0];
  }

  private constant(dataType: typeof ONNX_FLOAT | typeof ONNX_INT64, dims: number[], values: ArrayLike<number>, hint: string): string {
    const list = Array.from(values, (v) => (dataType === ONNX_FLOAT ? Math.fround(v) : v));
    const key = `${dataType}|${dims.join(',')}|${list.join(',')}`;
    const hit = this.constants.get(key);
    if (hit) return hit;
    const name = this.fresh(hint);
    this.initializers.push({ name, dataType, dims, values: list });
    this.constants.set(key, name);
    return name;
  }

  /** A float32 constant (scalar when `dims` is empty). */
  float(values: number | ArrayLike<number>, dims?: number[], hint = 'const'): string {
    const list = typeof values === 'number' ? [values] : values;
    return this.constant(ONNX_FLOAT, dims ?? (typeof values === 'number' ? [] : [list.length]), list, hint);
  }

  /** A 1-D int64 constant. */
  ints(values: number[], hint = 'ints'): string {
    return this.constant(ONNX_INT64, [values.length], values, hint);
  }

  // Elementwise helpers (broadcasting as ONNX does).
  add(a: string, b: string): string { return this.op1('Add', [a, b]); }
  sub(a: string, b: string): string { return this.op1('Sub', [a, b]); }
  mul(a: string, b: string): string { return this.op1('Mul', [a, b]); }
  div(a: string, b: string): string { return this.op1('Div', [a, b]); }
  sqrt(a: string): string { return this.op1('Sqrt', [a]); }
  square(a: string): string { return this.mul(a, a); }
  scale(a: string, factor: number): string { return this.mul(a, this.float(factor)); }
}
