/**
 * What both entry points activate (issue #20): the editor providers, commands and disposables (house style: all logic
 * lives in extension/editor, extension/commands and the engine). The desktop entry (extension.ts, `main`) and the
 * browser entry (extensionWeb.ts, `browser`) differ only in the {@link HostPlatform} they pass.
 */
import * as vscode from 'vscode';
import { EditorRegistry } from './editor/editorRegistry';
import { LabelEditorProvider, VIEW_TYPE, VIEW_TYPE_OPTION, type EditorServices } from './editor/labelEditorProvider';
import type { LabelDocument } from './editor/labelDocument';
import { DocumentController } from './editor/documentController';
import { featureCacheBudget, type HostSettingDefaults, readEditorConfig } from './editor/editorConfig';
import { createImageOpener } from './editor/imageOpener';
import type { ImageOpener } from './editor/labelDocument';
import type { WorkerPool } from './workers/workerPool';
import { warmUpForestTraining } from './workers/parallelForest';
import { LiveSession } from './editor/liveSession';
import { poolCompute } from './editor/liveCompute';
import { registerCommands } from './commands/registerCommands';
import { createProjectSessions } from './editor/projectSessionHost';
import { BatchProblems } from './commands/batchProblems';
import { LabelHereNextView, revealSuggestion } from './commands/labelHereNextView';
import { reopenTiffTabs } from './editor/reopenTiffTabs';
import { registerWalkthroughCommands } from './commands/walkthroughCommands';

/** What differs between the desktop (Node) and the browser extension hosts. */
export interface HostPlatform {
  /** `node` (desktop, Remote, code-server's Node host) or `web` (the browser's web-worker extension host). */
  name: 'node' | 'web';
  /** Starts the compute pool (worker_threads, or Web Workers from a blob URL). */
  createPool(abortGraceMs: number): WorkerPool;
  /** Opens an image in the extension host. */
  openImage: ImageOpener;
  /** Whether planes and boxes of big images may be decoded in the workers (they need file access: Node only). */
  decodeInWorkers: boolean;
  /** Whether `file` exists, synchronously (restoring the Problems view at start). */
  fileExists(file: string): boolean;
  /**
   * Upper bound of one image's feature cache (bytes), on top of the setting; in the browser the extension host and its
   * workers live in the page, which must stay within the webview's memory bound (issue #20). @default no bound
   */
  featureCacheCapBytes?: number;
  /** This host's defaults of settings the user has not set (the browser shows big planes as tiles sooner). */
  settingDefaults?: HostSettingDefaults;
}

/** Delay of the workers' warm-up training after the pool starts. */
const WARM_UP_DELAY_MS = 4000;

/**
 * Activates the extension: on opening an image in its editor, running one of its commands, or once the window has
 * started (`onStartupFinished`, so TIFFs opened as text before the editor was registered are reopened in it).
 */
export function activateWith(context: vscode.ExtensionContext, host: HostPlatform): void {
  /** The editor settings as this host reads them (its own defaults where the user set nothing). */
  const editorConfig = () => readEditorConfig(vscode.workspace.getConfiguration('pixelClassifier'), host.settingDefaults);

  /** One image's feature-cache budget: the setting, capped for tiled images and by the host platform. */
  const featureCacheFor = (document: LabelDocument, settingBytes: number): number =>
    Math.min(featureCacheBudget(settingBytes, document.tiling() !== undefined), host.featureCacheCapBytes ?? Infinity);

  const logger = vscode.window.createOutputChannel('Pixel Classifier', { log: true });
  context.subscriptions.push(logger);

  // One compute pool for the whole extension host, started on first use (opening an image).
  let pool: WorkerPool | undefined;
  const getPool = (): WorkerPool => {
    // 10 s abort grace (default 2 s): live update cancels jobs all the time; they stop within ~60 ms at their
    // cancellation checks, but on a loaded machine a short grace killed and respawned workers needlessly
    // (soak: 267 replacements, RSS +109%). The grace only delays replacing a worker that truly hangs.
    if (!pool) {
      pool = host.createPool(10_000);
      // A small background training starts the workers, compiles the kernels and warms the JIT, so the
      // first real training after the first strokes is not 2.5–4× slower than the next ones.
      // (It fails harmlessly when the pool is disposed first, e.g. on shutdown.)
      // It starts a few seconds later: its two jobs hold both workers for a second or two, and the first tiles of a
      // big image (decoded in the workers) come first (issue #13).
      const warming = pool;
      const timer = setTimeout(() => {
        warmUpForestTraining(warming).catch((e) => {
          try { logger.debug(`worker warm-up did not finish: ${e instanceof Error ? e.message : String(e)}`); } catch { /* channel closed */ }
        });
      }, WARM_UP_DELAY_MS);
      timer.unref?.();
    }
    return pool;
  };
  context.subscriptions.push({ dispose: () => pool?.dispose() });

  // One in-memory project per project file, shared by every open image of it (issue #12).
  const sessions = createProjectSessions(
    logger,
    () => String(context.extension.packageJSON.version ?? '0.0.0'),
    () => editorConfig().defaultTrees,
  );
  // Created after the editor services below; controllers created before then are followed once it exists.
  const later: { labelHereNext?: LabelHereNextView } = {};
  const registry = new EditorRegistry<LabelDocument>();
  const controllers = new Map<LabelDocument, DocumentController>();
  const settingsFor = (document?: LabelDocument) => {
    const config = editorConfig();
    const writable = document ? vscode.workspace.fs.isWritableFileSystem(document.uri.scheme) !== false : true;
    return { liveUpdate: config.liveUpdate, tileSize: config.tileSize, readOnly: !vscode.workspace.isTrusted || !writable };
  };
  const services: EditorServices = {
    active: undefined,
    memento: context.workspaceState,
    extensionUri: context.extensionUri,
    logger,
    registry,
    controllers,
    documentDeps: () => {
      // An image is being opened: start the workers now, while the webview loads (~0.2–0.5 s), so the first tiles of a
      // big image do not wait for the workers' start and warm-up (issue #13: that wait was most of a 3 s first view).
      getPool();
      const config = editorConfig();
      return {
        logger,
        memoryLimitBytes: config.imageMemoryLimitBytes,
        tiledAbovePixels: config.tiledViewAbovePixels,
        extensionVersion: String(context.extension.packageJSON.version ?? '0.0.0'),
        defaultTrees: config.defaultTrees,
        sessions,
        openImage: createImageOpener({ openInHost: host.openImage, getPool: host.decodeInWorkers ? getPool : undefined, logger, offThreadBytes: config.offThreadDecodeBytes }),
      };
    },
    settings: settingsFor,
    createController: (document) => {
      const controller = new DocumentController(document, registry, {
        logger,
        settings: () => settingsFor(document),
        confirm: async (message, detail, yes) => (await vscode.window.showWarningMessage(message, { modal: true, detail }, yes)) === yes,
        previewCompute: poolCompute(getPool, logger),
        createLive: (controller) => {
          const config = editorConfig();
          return new LiveSession(controller, {
            compute: poolCompute(getPool, logger),
            logger,
            featureCacheBytes: featureCacheFor(document, config.featureCacheBytes),
            livePredictionPixels: config.livePredictionPixels,
            backgroundPredictionPixels: config.backgroundPredictionPixels,
            openImage: createImageOpener({ openInHost: host.openImage, getPool: host.decodeInWorkers ? getPool : undefined, logger, offThreadBytes: config.offThreadDecodeBytes }),
          });
        },
      });
      later.labelHereNext?.watch(document, controller);
      return controller;
    },
  };

  context.subscriptions.push(
    LabelEditorProvider.register(VIEW_TYPE, services),
    LabelEditorProvider.register(VIEW_TYPE_OPTION, services),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      for (const document of registry.documents()) registry.broadcast(document, { type: 'settings/update', settings: controllers.get(document)?.settings() ?? settingsFor(document) });
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('pixelClassifier')) return;
      const config = editorConfig();
      for (const [document, controller] of controllers) {
        if (controller.live instanceof LiveSession) controller.live.features.setBudget(featureCacheFor(document, config.featureCacheBytes));
      }
      for (const document of registry.documents()) registry.broadcast(document, { type: 'settings/update', settings: controllers.get(document)?.settings() ?? settingsFor(document) });
    }),
  );
  const diagnostics = vscode.languages.createDiagnosticCollection('pixelClassifier');
  // The last batch run's errors and warnings per project, kept across reloads until the next run (issue 14).
  const problems = new BatchProblems(diagnostics, context.workspaceState);
  const restored = problems.restore((file) => host.fileExists(file));
  if (restored) logger.info(`Restored ${restored} problem(s) of the last Predict Workspace / Export runs to the Problems view (they stay until the next run of their project).`);
  const commandServices = {
    logger,
    getPool,
    problems,
    activeDocument: () => services.active,
    controller: (document: LabelDocument) => controllers.get(document),
    extensionVersion: () => String(context.extension.packageJSON.version ?? '0.0.0'),
    memoryLimitBytes: () => editorConfig().batchMemoryLimitBytes,
  };
  // "Label Here Next" (issue #16): ranks where to label after each training, in the background.
  const labelHereNext = new LabelHereNextView(commandServices, () => vscode.workspace.getConfiguration('pixelClassifier').get<number>('labelHereNext.maxPatches', 200));
  context.subscriptions.push(
    diagnostics,
    labelHereNext,
    vscode.window.registerTreeDataProvider('pixelClassifier.labelHereNext', labelHereNext),
    vscode.commands.registerCommand('pixelClassifier.refreshLabelHereNext', () => labelHereNext.refresh()),
    vscode.commands.registerCommand('pixelClassifier.revealSuggestion', (projectFile: string, suggestion) =>
      revealSuggestion(commandServices, projectFile, suggestion).catch((e) => logger.error(`Label Here Next: ${e instanceof Error ? e.message : String(e)}`))),
    ...registerCommands(commandServices),
    ...registerWalkthroughCommands({
      logger,
      sampleUri: vscode.Uri.joinPath(context.extensionUri, 'dist', 'sample', 'cells.tif'),
      storageUri: context.globalStorageUri,
      viewType: VIEW_TYPE,
      activeDocument: () => services.active,
      documents: () => registry.documents(),
      controller: (document) => controllers.get(document),
    }),
  );
  later.labelHereNext = labelHereNext;
  logger.info(`Pixel Classifier ${context.extension.packageJSON.version ?? ''} activated (${host.name === 'web' ? 'web-worker extension host' : 'Node extension host'})`);
  // TIFFs clicked before the custom editor was registered were opened as binary text: reopen them in ours.
  void reopenTiffTabs(VIEW_TYPE, logger);
}
