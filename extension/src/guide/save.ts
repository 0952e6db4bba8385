import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { Contents } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';

import { sameCells } from './ondisk.js';

/** How long a save of a shared notebook may take to put what the pair sees on disk. */
const SHARED_SAVE_MS = 10000;
/** The pause before saving again when the file still lags behind the notebook. */
const RESAVE_PAUSE_MS = 200;

/** The part of JupyterLab's document registry the guide reads: a widget factory's provider. */
export interface IFactories {
  /** The widget factory that opens `path` by default. */
  defaultWidgetFactory(path?: string): { contentProviderId?: string } | undefined;
}

type Context = NotebookPanel['context'];

/**
 * Saves notebooks so that checks read what the pair sees, and never asks "File Changed".
 *
 * A notebook shared live (jupyter-collaboration) is written by the collaboration server.
 * JupyterLab's own save first compares the file's hash on disk with the one this browser
 * last heard of; the server's autosave, or another browser's save, changes it in between,
 * and JupyterLab asks "File Changed: Overwrite or Revert?" (about one save in five with two
 * browsers saving together). The shared document's save has no such race: the server
 * writes the file now, or tells that a save of its own is already under way.
 *
 * It has another: the collaboration server answers a save at once but queues the edits that
 * came before it on the same socket, so under load it can write the notebook as it was a
 * moment ago (the new source with the old output). A save of a shared notebook therefore ends
 * only when the file, read back, holds what the pair sees.
 */
export class NotebookSaver {
  constructor(
    private readonly contents: Contents.IManager | null = null,
    private readonly factories: IFactories | null = null
  ) {}

  /** Make the file on disk what the pair sees in `panel`, before a check reads it. */
  async save(panel: NotebookPanel): Promise<void> {
    const context = panel.context;
    // A save under way (the pair's Ctrl+S, an autosave) ends first: a shared notebook's is
    // marked clean when the server takes it, before the file is known to hold what is shown.
    await this._pending.get(context);
    if (this._provider(context) === undefined) {
      if (context.model.dirty) {
        await context.save();
      }
      return;
    }
    if (context.model.dirty || !(await this._onDisk(context))) {
      await (this._pending.has(context) ? context.save() : this._saveShared(context));
    }
  }

  /**
   * Take over every save of a notebook (Ctrl+S, the menu, the toolbar, autosave, a check's):
   * one at a time, and a shared notebook's through its shared document, with the same
   * started/completed signals JupyterLab emits.
   *
   * One at a time because JupyterLab's save first compares the file's hash with the one it
   * last saw: a save started while another is in flight finds the file changed and asks "File
   * Changed: Overwrite or Revert?", and the pair's Ctrl+S waits on that dialog (a check saving
   * the pair's unsaved work as the pair presses Ctrl+S was enough).
   */
  follow(tracker: INotebookTracker): void {
    const route = async (panel: NotebookPanel) => {
      await panel.context.ready;
      const context = panel.context;
      if (this._pending.has(context)) {
        return;
      }
      this._pending.set(context, Promise.resolve());
      const shared = this._provider(context) !== undefined;
      const own = context.save.bind(context);
      const once = shared ? this._sharedSave(context) : keepDirty(context, own);
      let last: Promise<void> = Promise.resolve();
      (context as { save: () => Promise<void> }).save = () => {
        const next = last.then(once);
        last = next.catch(() => undefined); // a failed save leaves the next one to try
        this._pending.set(context, last);
        return next;
      };
    };
    tracker.forEach(panel => void route(panel));
    tracker.widgetAdded.connect((_, panel) => void route(panel));
  }

  /** A save of a shared notebook through its shared document, signalled as JupyterLab does. */
  private _sharedSave(context: Context): () => Promise<void> {
    const state = context.saveState as Signal<Context, 'started' | 'failed' | 'completed'>;
    return async () => {
      state.emit('started');
      try {
        await this._saveShared(context);
      } catch (error) {
        state.emit('failed');
        throw error;
      }
      state.emit('completed');
    };
  }

  /** The content provider of a notebook shared live, or undefined when it is not shared. */
  private _provider(context: Context): string | undefined {
    if (!context.model.collaborative || this.contents === null) {
      return undefined;
    }
    return this.factories?.defaultWidgetFactory(context.path)?.contentProviderId;
  }

  private async _saveShared(context: Context): Promise<void> {
    const deadline = Date.now() + SHARED_SAVE_MS;
    for (;;) {
      await this._askServerToSave(context);
      while (context.model.dirty && Date.now() < deadline) {
        await pause(100);
      }
      if (await this._onDisk(context)) {
        return;
      }
      if (Date.now() >= deadline) {
        // Two browsers still typing keep the file a step behind; check it as it is.
        console.warn(`pairlab: ${context.path} on disk still differs from the notebook shown`);
        return;
      }
      await pause(RESAVE_PAUSE_MS); // the server's queued edits land, then save again
    }
  }

  /** The shared document's save: the collaboration server writes the file itself. */
  private async _askServerToSave(context: Context): Promise<void> {
    try {
      await this.contents?.save(context.path, {
        type: 'notebook',
        format: 'json',
        contentProviderId: this._provider(context)
      });
    } catch (error) {
      if (!String(error).includes('already in progress')) {
        throw error;
      }
      // The server is saving already; whether that save holds what the pair sees is read back.
    }
  }

  /** Whether the file on disk holds the cells the pair sees. */
  private async _onDisk(context: Context): Promise<boolean> {
    const saved = await this.contents?.get(context.path, { type: 'notebook', content: true });
    return sameCells(context.model.toJSON(), saved?.content);
  }

  /** Each routed notebook's saves, chained: the promise ends when the last one has. */
  private readonly _pending = new WeakMap<Context, Promise<void>>();
}

/**
 * JupyterLab's save writes the notebook as it was when the save began, then marks it clean even
 * if an output arrived meanwhile: the pair sees a clean notebook whose file lacks that output,
 * and a check would read the file without it. Mark it unsaved again when it changed mid-save.
 */
function keepDirty(context: Context, save: () => Promise<void>): () => Promise<void> {
  return async () => {
    const began = context.model.toJSON();
    await save();
    if (!sameCells(began, context.model.toJSON())) {
      context.model.dirty = true;
    }
  };
}

function pause(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
