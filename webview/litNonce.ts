/**
 * Hands the page's CSP nonce to Lit (used by @vscode-elements) before any component module runs: where
 * constructable stylesheets are unavailable Lit falls back to `<style>` elements, which the strict CSP
 * only allows with the nonce. The host exposes it as `<meta name="csp-nonce">`. Must be main.ts's first import.
 */
const meta = document.querySelector('meta[name="csp-nonce"]');
const nonce = meta?.getAttribute('content');
if (nonce) (window as unknown as { litNonce?: string }).litNonce = nonce;

export {};
