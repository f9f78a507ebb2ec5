// One real VS Code session for an e2e test file: code-server 4.100.3 (= VS Code 1.100.3) serving a temporary
// copy of a workspace, with the extension under test installed without a marketplace, driven by
// playwright-core through Debian's /usr/bin/chromium (no Playwright browser download, no Xvfb).
// Recipe and pitfalls: ../../../shared/e2e/README.md (ripgrep seed, unsafe-perm, XDG dirs, process groups…).
//
// Env knobs:
//   EXT_INSTALL  vsix (default when EXT_VSIX is set) | copy (default otherwise) | symlink
//   EXT_VSIX     path of the .vsix to install (run.sh packages one)
//   EXT_DIR      extension folder for copy/symlink (default: the repo root)
//   CODE_SERVER  code-server entry.js (default: resolved from e2e/node_modules)
//   CHROMIUM     browser binary (default /usr/bin/chromium)
//   SHOTS        screenshot folder (default <repo>/e2e-shots)
//   KEEP=1       keep the temporary folder (server log, workspace) for inspection
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const { chromium } = require('playwright-core');

const REPO = path.resolve(__dirname, '..', '..');
const CODE_SERVER = process.env.CODE_SERVER ||
  path.join(path.dirname(require.resolve('code-server/package.json')), 'out/node/entry.js');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = path.resolve(process.env.SHOTS || path.join(REPO, 'e2e-shots'));
const T0 = Date.now();
const since = (t = T0) => ((Date.now() - t) / 1000).toFixed(1) + 's';
const log = (...a) => console.log(`[${since()}]`, ...a);

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

/** SIGKILLs every process whose command line contains `marker` (read from /proc: no dependency on procps). */
function killProcessesWhoseCommandHas(marker) {
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmdline = '';
    try { cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
    if (cmdline.includes(marker)) { try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ } }
  }
}

/** Resolves true when `promise` settles within `ms`, false otherwise (the promise is left running). */
function settlesWithin(promise, ms) {
  let timer;
  return Promise.race([
    promise.then(() => true, () => true),
    new Promise((r) => { timer = setTimeout(() => r(false), ms); }),
  ]).finally(() => clearTimeout(timer));
}

/** Polls `fn` until it returns a truthy value (exceptions count as "not yet"); returns that value. */
async function waitFor(fn, { timeout = 60000, interval = 150, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let lastError;
  for (;;) {
    try { const v = await fn(); if (v) return v; } catch (e) { lastError = e; }
    if (Date.now() > end) {
      throw new Error(`timed out after ${timeout} ms waiting for ${what}` + (lastError ? ` (last error: ${lastError.message})` : ''));
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

const WORKBENCH_SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'chat.disableAIFeatures': true,
  'files.autoSave': 'off', // explicit: the labeling test checks the dirty marker and Ctrl+S
  'files.hotExit': 'off',
  'window.confirmBeforeClose': 'never',
  'git.enabled': false,
};

/**
 * Starts code-server and Chromium on a temporary copy of `workspace`.
 * `webOnly`: install a copy of the extension whose package.json has no `main`, so code-server runs it in the
 * browser's web-worker extension host (issue #20); `isolate`: serve the page through a proxy adding COOP/COEP
 * headers, so it is cross-origin isolated (SharedArrayBuffer available).
 * `keepProjects`: copy the workspace's `*.pixelclass.json` / `.model` files too (by default they are left out).
 * `withoutExtension`: install nothing (a benchmark's reference: what VS Code itself costs).
 * @param {{ name: string, workspace: string, settings?: object, webOnly?: boolean, isolate?: boolean, keepProjects?: boolean, withoutExtension?: boolean }} options  name prefixes screenshots
 */
async function startSession({ name, workspace, settings = {}, webOnly = false, isolate = false, keepProjects = false, withoutExtension = false }) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `pc-e2e-${name}-`));
  const ws = path.join(tmp, 'ws');
  const extDir = path.join(tmp, 'ext');
  const dataDir = path.join(tmp, 'data');
  const config = path.join(tmp, 'config.yaml');
  // A clean copy: no projects or model caches left in sample/ by someone trying the demo.
  // (`keepProjects`: a benchmark's workspace whose project was written for it, e.g. with all 49 features.)
  fs.cpSync(workspace, ws, { recursive: true, filter: (f) => !(keepProjects ? /[\\/]\.gitignore$/ : /\.pixelclass\.(json|model)$|[\\/]\.gitignore$/).test(f) });
  fs.mkdirSync(extDir);
  // Without --config, code-server writes ~/.config/code-server/config.yaml (random password) on first run.
  fs.writeFileSync(config, 'auth: none\ncert: false\n');
  fs.mkdirSync(path.join(dataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'User', 'settings.json'), JSON.stringify({ ...WORKBENCH_SETTINGS, ...settings }, null, 1));
  // Keep code-server's logs/heartbeat and Chromium's crashpad DB out of $HOME (pitfall 6).
  const xdgEnv = (extra = {}) => ({ ...process.env, XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
    XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'), XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'), ...extra });

  const s = { name, tmp, ws, log, since, waitFor, server: null, browser: null, page: null, port: 0, consoleErrors: [] };

  // --- extension, no marketplace ---
  // A web-only build is always a copy (of the dist/ that run.sh built): package.json without `main`.
  const mode = webOnly ? 'copy' : process.env.EXT_INSTALL || (process.env.EXT_VSIX ? 'vsix' : 'copy');
  const extSrc = path.resolve(process.env.EXT_DIR || REPO);
  if (withoutExtension) {
    // extDir stays empty
  } else if (mode === 'vsix') {
    const vsix = path.resolve(process.env.EXT_VSIX || '');
    if (!process.env.EXT_VSIX || !fs.existsSync(vsix)) throw new Error(`EXT_INSTALL=vsix needs EXT_VSIX=<existing .vsix>, got "${process.env.EXT_VSIX || ''}"`);
    execFileSync(process.execPath, [CODE_SERVER, '--config', config, '--extensions-dir', extDir, '--user-data-dir', dataDir,
      '--install-extension', vsix], { stdio: ['ignore', 'pipe', 'pipe'], env: xdgEnv(), timeout: 120000 });
  } else {
    const pkg = JSON.parse(fs.readFileSync(path.join(extSrc, 'package.json'), 'utf8'));
    const target = path.join(extDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
    const entry = webOnly ? pkg.browser : pkg.main || 'dist/extension.js';
    if (!entry || !fs.existsSync(path.join(extSrc, entry))) throw new Error(`${extSrc}: ${entry} is missing; build the extension first`);
    if (mode === 'symlink') fs.symlinkSync(extSrc, target, 'dir');
    else if (mode === 'copy') {
      // Only what a .vsix would carry; never the repo's node_modules or e2e/node_modules (300 MB).
      fs.mkdirSync(target);
      for (const entry of ['package.json', 'dist', 'media', 'README.md', 'CHANGELOG.md', 'LICENSE', 'extension.js']) {
        const from = path.join(extSrc, entry);
        if (fs.existsSync(from)) fs.cpSync(from, path.join(target, entry), { recursive: true, filter: (f) => !f.endsWith('.map') });
      }
      if (webOnly) {
        const { main: _main, ...web } = pkg;
        fs.writeFileSync(path.join(target, 'package.json'), JSON.stringify(web, null, 2));
      }
    } else throw new Error(`bad EXT_INSTALL=${mode} (vsix | copy | symlink)`);
  }
  log(`${name}: ${withoutExtension ? 'no extension installed' : `extension installed by ${mode}`}; temp dir ${tmp}`);

  // --- server ---
  s.port = await freePort();
  const serverStart = Date.now();
  s.server = spawn(process.execPath, [CODE_SERVER,
    '--config', config, '--auth', 'none', '--bind-addr', `127.0.0.1:${s.port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--extensions-dir', extDir, '--user-data-dir', dataDir, ws,
  ], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: xdgEnv() });
  s.serverLog = path.join(tmp, 'server.log');
  const serverLog = fs.createWriteStream(s.serverLog);
  s.server.stdout.pipe(serverLog); s.server.stderr.pipe(serverLog);
  await waitFor(async () => (await fetch(`http://127.0.0.1:${s.port}/healthz`)).ok, { what: 'code-server /healthz' });
  log(`${name}: code-server up on port ${s.port} after ${since(serverStart)}`);
  // The port the browser uses: code-server's own, or the isolating proxy's in front of it.
  s.pagePort = s.port;
  if (isolate) {
    s.proxy = await require('./coiProxy').startCoiProxy(s.port);
    s.pagePort = s.proxy.port;
    log(`${name}: cross-origin isolating proxy on port ${s.pagePort}`);
  }

  // --- browser ---
  s.browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    env: xdgEnv(),
    // The last switch is unknown to Chromium and ignored: it marks this session's browser processes so that `stop` can
    // kill them if a graceful close hangs.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', `--pc-e2e-session=${tmp}`],
  });
  const ctx = await s.browser.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
  s.page = await ctx.newPage();
  s.page.on('pageerror', (e) => log('pageerror:', e.message));
  s.page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    if (/vsda|ECONNRESET|favicon|Failed to load resource/.test(text)) return; // known harmless noise (pitfall 10)
    s.consoleErrors.push({ text, url: (m.location() && m.location().url) || '' });
    log('console error:', text.slice(0, 300));
  });
  s.page.setDefaultTimeout(60000);
  s.page.setDefaultNavigationTimeout(180000); // the ~10 MB workbench loads slowly on a loaded 2-core machine

  /** Webview DOM: <iframe class="webview ready"> (VS Code's host page) > <iframe id="active-frame"> (ours). */
  s.webview = () => s.page.frameLocator('iframe.webview.ready:visible').frameLocator('#active-frame');

  /** The webview's Frame object (for evaluate in the webview document). */
  s.webviewFrame = async () => {
    const handle = await s.page.locator('iframe.webview.ready:visible').elementHandle({ timeout: 60000 });
    const outer = await handle.contentFrame();
    const inner = await (await outer.waitForSelector('#active-frame', { state: 'attached' })).contentFrame();
    return inner;
  };

  s.shot = async (label) => {
    fs.mkdirSync(SHOTS, { recursive: true });
    const file = path.join(SHOTS, `${name}-${label}.png`);
    await s.page.screenshot({ path: file });
    log(`${name}: screenshot ${path.relative(REPO, file)}`);
    return file;
  };

  /**
   * Moves keyboard focus out of a webview into the workbench. A key pressed while focus sits in a webview's
   * iframe goes to the webview document; VS Code re-dispatches only the keys it sees there, and Quick Open / the
   * command palette may never open (the flaky "timed out waiting for the Quick Open input"). Blurs the iframe,
   * focuses an inert part of the workbench (see below) and waits until the workbench document holds the focus.
   */
  s.focusWorkbench = async () => {
    await waitFor(() => s.page.evaluate(() => {
      const active = document.activeElement;
      if (active && active.tagName === 'IFRAME') active.blur();
      if (document.activeElement && document.activeElement.tagName === 'IFRAME') return false;
      if (!document.hasFocus() || document.activeElement === document.body || !document.activeElement) {
        // Focus returns here when the quick input closes, so it must be inert: not an editor tab (a focused tab
        // re-activates its editor, pushing one just opened from Quick Open behind it) and not the workbench root
        // (focusing it hands the focus on to the active editor, which closed a command's next quick pick). The
        // Explorer's list is inert: focusing it opens nothing.
        const target = document.querySelector('.explorer-folders-view .monaco-list') || document.querySelector('.monaco-workbench');
        if (target) { if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1'); target.focus(); }
      }
      const now = document.activeElement;
      return document.hasFocus() && !!now && now.tagName !== 'IFRAME';
    }), { timeout: 15000, what: 'keyboard focus in the workbench (not in a webview)' });
  };

  const quickInputBox = () => s.page.locator('.quick-input-widget .quick-input-box input');

  /**
   * Opens Quick Open (Ctrl+P) or the command palette (F1) with focus in the workbench; when the widget stays
   * hidden, closes whatever opened (Escape), refocuses and presses the key once more. Returns the input locator.
   */
  s.openQuickInput = async (key) => {
    const input = quickInputBox();
    for (let attempt = 1; ; attempt++) {
      await s.focusWorkbench();
      await s.page.keyboard.press(key);
      try {
        await input.waitFor({ state: 'visible', timeout: attempt === 1 ? 8000 : 20000 });
        await waitFor(() => input.evaluate((el) => el === document.activeElement), { timeout: 10000, what: 'the quick input to take focus' });
        return input;
      } catch (e) {
        if (attempt >= 2) throw new Error(`the quick input did not open after ${key} (twice): ${e.message}`);
        log(`${name}: ${key} did not open the quick input; Escape, refocus and retry`);
        await s.page.keyboard.press('Escape');
      }
    }
  };

  /**
   * Ctrl+P (Quick Open) or F1 (command palette): fill the input, wait for the wanted row, Enter, widget closes.
   * With `key` null, fills a quick pick that a command has just opened.
   */
  s.quickInput = async (key, text, rowText, { rowTimeout = 30000 } = {}) => {
    let input;
    if (key) input = await s.openQuickInput(key);
    else {
      input = quickInputBox();
      await input.waitFor({ state: 'visible', timeout: 20000 });
    }
    await input.fill(text);
    await waitFor(async () => (await input.inputValue()) === text, { timeout: 10000, what: `the quick input to hold "${text}"` });
    await s.page.locator('.quick-input-widget .monaco-list-row', { hasText: rowText }).first()
      .waitFor({ state: 'visible', timeout: rowTimeout });
    await s.page.keyboard.press('Enter');
  };

  /** Runs a command from the command palette by its full title ("View: Close All Editors"). */
  s.runCommand = (title) => s.quickInput('F1', `>${title}`, title);

  /** Loads the workbench on the workspace and waits until the explorer lists `fileName` (Ctrl+P is safe then). */
  s.openWorkbench = async (fileName) => {
    await s.page.goto(`http://127.0.0.1:${s.pagePort}/?folder=${encodeURIComponent(ws)}`);
    await s.page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
    await s.page.locator('.explorer-folders-view .monaco-list-row', { hasText: fileName }).first().waitFor({ timeout: 90000 });
    log(`${name}: workbench + explorer ready ${since(serverStart)} after server start`);
  };

  /** Waits for the tab of `fileName` and for its custom editor's webview to report ready; returns the webview frame. */
  s.waitForWebviewReady = async (fileName) => {
    await s.page.locator('.tabs-container .tab', { hasText: fileName }).first().waitFor({ timeout: 30000 });
    // The webview's <title> is the image's name: while the new editor replaces the old one, the visible webview may
    // still be the previous image's, so wait for this image's own webview.
    return waitFor(async () => {
      const f = await s.webviewFrame();
      const ok = await f.evaluate((n) => !!document.body && document.body.dataset.ready === 'true' && (document.title === n || document.title.startsWith(`${n}/`)), fileName);
      return ok ? f : null;
    }, { timeout: 90000, what: `the webview of ${fileName} to set body.dataset.ready` });
  };

  /** Opens a file through Quick Open and waits for the custom editor's webview to report ready. */
  s.openInEditor = async (fileName) => {
    const t = Date.now();
    await s.quickInput('Control+P', fileName, fileName);
    const frame = await s.waitForWebviewReady(fileName);
    log(`${name}: ${fileName} ready in the editor after ${since(t)}`);
    return frame;
  };

  /** Console errors that come from the extension or its webview (VS Code's own noise, e.g. "Canceled", is ignored). */
  s.extensionErrors = () => s.consoleErrors.filter((e) => /pixel.?classifier/i.test(e.text) || /webview/i.test(e.url));

  s.tailServerLog = (lines = 40) => {
    try { return fs.readFileSync(s.serverLog, 'utf8').split('\n').slice(-lines).join('\n'); } catch { return ''; }
  };

  s.stop = async () => {
    // Each step is bounded: a hung close must not turn a passed test into a suite time-out.
    if (s.browser && !(await settlesWithin(s.browser.close().catch(() => {}), 20000))) {
      log(`${name}: the browser did not close in 20 s; killing its processes`);
      killProcessesWhoseCommandHas(`--pc-e2e-session=${tmp}`);
    }
    if (s.proxy && !(await settlesWithin(s.proxy.close().catch(() => {}), 5000))) log(`${name}: the proxy did not close in 5 s`);
    const srv = s.server;
    if (srv && srv.exitCode === null && srv.signalCode === null) {
      try { process.kill(-srv.pid, 'SIGTERM'); } catch { /* gone */ } // whole process group (pitfall 9)
      await waitFor(() => srv.exitCode !== null || srv.signalCode !== null, { timeout: 10000, what: 'code-server exit' })
        .catch(() => { try { process.kill(-srv.pid, 'SIGKILL'); } catch { /* gone */ } });
    }
    if (process.env.KEEP) log(`${name}: kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
    log(`${name}: total wall time ${since()}`);
  };
  return s;
}

module.exports = { startSession, waitFor, log, since, REPO, SHOTS };
