// AssemblyScript prototype: walk one tree for a block of pixels (rows pixel-major f32, stride F floats)
// records: i32 triples [childByteOff|featByteOff|thr f32], leaf: child = ~(leafIndex*K) (negative)
export function walk2(rows: usize, rowBytes: i32, bn: i32, nodes: usize, leaves: usize, sums: usize): void {
  const root = load<i32>(nodes);
  let row = rows;
  let s = sums;
  for (let p = 0; p < bn; p++) {
    let node = nodes;
    let child = root;
    while (child >= 0) {
      const v = load<f32>(row + <usize>load<i32>(node, 4));
      node = v <= load<f32>(node, 8) ? nodes + <usize>child : nodes + <usize>child + 12;
      child = load<i32>(node);
    }
    const leaf = leaves + (<usize>(~child) << 2);
    store<f64>(s, load<f64>(s) + <f64>load<f32>(leaf));
    store<f64>(s, load<f64>(s, 8) + <f64>load<f32>(leaf, 4), 8);
    row += rowBytes;
    s += 16;
  }
}
// 4 pixels interleaved
export function walk2x4(rows: usize, rowBytes: i32, bn: i32, nodes: usize, leaves: usize, sums: usize): void {
  const root = load<i32>(nodes);
  let p = 0;
  for (; p + 4 <= bn; p += 4) {
    const r0 = rows + <usize>(p * rowBytes), r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
    let n0 = nodes, n1 = nodes, n2 = nodes, n3 = nodes;
    let c0 = root, c1 = root, c2 = root, c3 = root;
    while ((c0 & c1 & c2 & c3) >= 0) { // while any is inner (inner >= 0; leaf < 0: AND negative only if all negative)
      if (c0 >= 0) { n0 = load<f32>(r0 + <usize>load<i32>(n0, 4)) <= load<f32>(n0, 8) ? nodes + <usize>c0 : nodes + <usize>c0 + 12; c0 = load<i32>(n0); }
      if (c1 >= 0) { n1 = load<f32>(r1 + <usize>load<i32>(n1, 4)) <= load<f32>(n1, 8) ? nodes + <usize>c1 : nodes + <usize>c1 + 12; c1 = load<i32>(n1); }
      if (c2 >= 0) { n2 = load<f32>(r2 + <usize>load<i32>(n2, 4)) <= load<f32>(n2, 8) ? nodes + <usize>c2 : nodes + <usize>c2 + 12; c2 = load<i32>(n2); }
      if (c3 >= 0) { n3 = load<f32>(r3 + <usize>load<i32>(n3, 4)) <= load<f32>(n3, 8) ? nodes + <usize>c3 : nodes + <usize>c3 + 12; c3 = load<i32>(n3); }
    }
    // finish stragglers
    while (c0 >= 0) { n0 = load<f32>(r0 + <usize>load<i32>(n0, 4)) <= load<f32>(n0, 8) ? nodes + <usize>c0 : nodes + <usize>c0 + 12; c0 = load<i32>(n0); }
    while (c1 >= 0) { n1 = load<f32>(r1 + <usize>load<i32>(n1, 4)) <= load<f32>(n1, 8) ? nodes + <usize>c1 : nodes + <usize>c1 + 12; c1 = load<i32>(n1); }
    while (c2 >= 0) { n2 = load<f32>(r2 + <usize>load<i32>(n2, 4)) <= load<f32>(n2, 8) ? nodes + <usize>c2 : nodes + <usize>c2 + 12; c2 = load<i32>(n2); }
    while (c3 >= 0) { n3 = load<f32>(r3 + <usize>load<i32>(n3, 4)) <= load<f32>(n3, 8) ? nodes + <usize>c3 : nodes + <usize>c3 + 12; c3 = load<i32>(n3); }
    const s = sums + (<usize>p << 4);
    let l = leaves + (<usize>(~c0) << 2);
    store<f64>(s, load<f64>(s) + <f64>load<f32>(l)); store<f64>(s, load<f64>(s, 8) + <f64>load<f32>(l, 4), 8);
    l = leaves + (<usize>(~c1) << 2);
    store<f64>(s, load<f64>(s, 16) + <f64>load<f32>(l), 16); store<f64>(s, load<f64>(s, 24) + <f64>load<f32>(l, 4), 24);
    l = leaves + (<usize>(~c2) << 2);
    store<f64>(s, load<f64>(s, 32) + <f64>load<f32>(l), 32); store<f64>(s, load<f64>(s, 40) + <f64>load<f32>(l, 4), 40);
    l = leaves + (<usize>(~c3) << 2);
    store<f64>(s, load<f64>(s, 48) + <f64>load<f32>(l), 48); store<f64>(s, load<f64>(s, 56) + <f64>load<f32>(l, 4), 56);
  }
  if (p < bn) walk2(rows + <usize>(p * rowBytes), rowBytes, bn - p, nodes, leaves, sums + (<usize>p << 4));
}
