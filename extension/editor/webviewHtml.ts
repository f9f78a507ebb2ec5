/**
 * The HTML page of the Pixel Classifier webview, with a strict Content Security Policy (issue #7).
 *
 * Only our own bundle (`dist/webview.js`, carrying the per-page nonce) and stylesheet
 * (`media/editor.css`) load; nothing remote, no inline script, no eval. Images drawn on the canvas come
 * from `blob:`/`data:` URLs the webview makes itself. Pure string building (no `vscode` import), so it is
 * unit tested; the provider passes `webview.cspSource` and the `asWebviewUri` URLs.
 */

/** Inputs of {@link renderWebviewHtml}. */
export interface WebviewHtmlParams {
  /** `webview.cspSource` */
  cspSource: string;
  /** A fresh random nonce per page ({@link createNonce}). */
  nonce: string;
  /** `asWebviewUri(dist/webview.js)` as a string */
  scriptUri: string;
  /** `asWebviewUri(media/editor.css)` as a string */
  styleUri: string;
  /** Document title (the image file name); escaped here. */
  title: string;
}

/** A 128-bit random nonce, base64 without padding (valid in a CSP source expression). */
export function createNonce(): string {
  return btoa(String.fromCharCode(...globalThis.crypto.getRandomValues(new Uint8Array(16)))).replace(/=+$/, '');
}

/** Escapes text for an HTML attribute or text node. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** The Content-Security-Policy meta content for a page with this nonce. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} blob: data:`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
  ].join('; ');
}

/**
 * The full HTML document: CSP meta, the stylesheet, an empty `#app` root and the webview bundle.
 * The nonce is also exposed as `<meta name="csp-nonce">` so the webview can hand it to libraries that
 * create `<style>` elements (Lit reads `window.litNonce`).
 */
export function renderWebviewHtml(p: WebviewHtmlParams): string {
  const nonce = escapeHtml(p.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(p.cspSource, p.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta name="csp-nonce" content="${nonce}">
<link rel="stylesheet" href="${escapeHtml(p.styleUri)}" nonce="${nonce}">
<title>${escapeHtml(p.title)}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${escapeHtml(p.scriptUri)}"></script>
</body>
</html>
`;
}
