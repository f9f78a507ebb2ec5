/**
 * The page: talks to the host, shows banners and the loading spinner until the host's `init`, then builds an
 * {@link EditorView} from it (a second `init` — the host reloaded the document — builds a new one). Messages
 * before `init` carry nothing the `init` will not repeat, so they are dropped. Keys are bound once, here.
 */
import type { HostToWebviewMessage, UiCommandMessage } from '../extension/protocol';
import { h } from './dom';
import { Rpc, type VsCodeApi } from './rpc';
import { StateSaver } from './viewState';
import { Banners } from './banners';
import { EditorView } from './editorView';

export class EditorApp {
  private readonly rpc: Rpc;
  private readonly saver: StateSaver;
  private readonly banners = new Banners();
  private readonly restoredState: unknown;
  private view: EditorView | undefined;
  /** A walkthrough command that arrived before `init` (the command opened this editor): applied after it. */
  private pendingUi: UiCommandMessage | undefined;

  constructor(api: VsCodeApi, private readonly root: HTMLElement) {
    this.rpc = new Rpc(api);
    this.banners.onAnswer = (questionId, action) =>
      this.rpc.send(action === undefined ? { type: 'notice/answer', questionId } : { type: 'notice/answer', questionId, action });
    this.saver = new StateSaver((s) => api.setState(s));
    this.restoredState = api.getState();
    const loading = h('div', { class: 'loading', id: 'loading' }, h('div', { class: 'spinner' }), h('span', {}, 'Loading image…'));
    this.root.replaceChildren(this.banners.element, loading);
    this.rpc.listen((m) => this.onMessage(m));
    window.addEventListener('error', (e) => this.rpc.log('error', `webview: ${e.message}`));
    // The webview is destroyed when hidden (no retainContextWhenHidden): write pending state now.
    const flush = (): void => this.view?.flushState();
    window.addEventListener('pagehide', flush);
    document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') flush(); });
    this.bindKeys();
    this.rpc.send({ type: 'ready' });
  }

  private onMessage(m: HostToWebviewMessage): void {
    try {
      if (m.type === 'init') {
        this.view?.flushState();
        this.view = new EditorView({ rpc: this.rpc, saver: this.saver, root: this.root, banners: this.banners, restoredState: this.view ? this.view.currentState() : this.restoredState }, m);
        const pending = this.pendingUi;
        this.pendingUi = undefined;
        if (pending) this.view.handle(pending);
        return;
      }
      if (m.type === 'ui/command' && !this.view) { this.pendingUi = m; return; }
      if (m.type === 'error/show') this.banners.showError(m.message, m.fatal);
      // Notices and questions may arrive before `init` (the "add to project?" offer): the banner shows them at once.
      if (m.type === 'notice/show') { this.banners.showNotice(m.message, m.questionId, m.actions); return; }
      this.view?.handle(m);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      this.rpc.log('error', `webview failed to handle ${m.type}: ${msg}`);
      this.banners.showError(`Could not handle ${m.type}: ${msg}`, false);
    }
  }

  private bindKeys(): void {
    const isTyping = (e: KeyboardEvent): boolean => {
      const target = e.composedPath()[0];
      if (!(target instanceof HTMLElement)) return false;
      const tag = target.tagName;
      return (tag === 'INPUT' && !['range', 'checkbox', 'color', 'button'].includes((target as HTMLInputElement).type)) || tag === 'TEXTAREA' || target.isContentEditable;
    };
    window.addEventListener('keydown', (e) => {
      if (!this.view || e.ctrlKey || e.metaKey || e.altKey || isTyping(e)) return;
      if (this.view.keyDown(e)) e.preventDefault();
    });
    window.addEventListener('keyup', (e) => this.view?.keyUp(e));
    window.addEventListener('blur', () => this.view?.blur());
  }
}
