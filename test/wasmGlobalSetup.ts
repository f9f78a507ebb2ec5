/** vitest global setup: compile the WebAssembly kernels first, so tests import fresh generated modules. */
export default async function setup(): Promise<void> {
  // @ts-expect-error plain ES module script without type declarations
  const { buildWasm } = await import('../scripts/buildWasm.mjs');
  await buildWasm({ quiet: true });
}
