import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, createNonce, renderWebviewHtml } from '../../extension/editor/webviewHtml';

describe('webviewHtml', () => {
  const html = renderWebviewHtml({
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    nonce: 'abc123',
    scriptUri: 'https://x/dist/webview.js',
    styleUri: 'https://x/media/editor.css',
    title: 'a<b>.tif',
  });

  it('has a strict CSP with the nonce and no unsafe sources', () => {
    const csp = contentSecurityPolicy('vscode-src', 'N');
    expect(csp).toBe("default-src 'none'; img-src vscode-src blob: data:; style-src vscode-src 'nonce-N'; script-src 'nonce-N'; font-src vscode-src");
    expect(html).toContain(`content="default-src 'none'; img-src https://file+.vscode-resource.vscode-cdn.net blob: data:;`.replace(/'/g, '&#39;'));
    expect(html).not.toMatch(/unsafe-inline|unsafe-eval|https?:\/\/(?!x\/|file\+)/);
  });

  it('loads exactly our script with the nonce and our stylesheet, into #app', () => {
    expect(html).toContain('<script nonce="abc123" src="https://x/dist/webview.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="https://x/media/editor.css" nonce="abc123">');
    expect(html).toContain('<div id="app"></div>');
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('<title>a&lt;b&gt;.tif</title>');
  });

  it('makes a fresh 128-bit nonce each time', () => {
    const a = createNonce();
    expect(a).toMatch(/^[A-Za-z0-9+/]{22}$/);
    expect(createNonce()).not.toBe(a);
  });
});
