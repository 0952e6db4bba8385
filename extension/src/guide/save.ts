import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { Contents } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';

/** How long to wait for a save of a shared notebook already under way on the server. */
const SHARED_SAVE_MS = 5000;

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
 */
export class NotebookSaver {
  constructor(
    private readonly contents: Contents.IManager | null = null,
    private readonly factories: IFactories | null = null
  ) {}

  /** Make the file on disk what the pair sees in `panel`, before a check reads it. */
  async save(panel: NotebookPanel): Promise<void> {
    const context = panel.context;
    if (!context.model.dirty) {
      return;
    }
    if (this._provider(context) === undefined) {
      await context.save();
      return;
    }
    await this._saveShared(context);
  }

  /**
   * Route every save of a shared notebook (Ctrl+S, the menu, the toolbar) through the
   * shared document's save, with the same started/completed signals JupyterLab emits.
   */
  follow(tracker: INotebookTracker): void {
    const route = async (panel: NotebookPanel) => {
      await panel.context.ready;
      const context = panel.context;
      if (this._provider(context) === undefined || this._routed.has(context)) {
        return;
      }
      this._routed.add(context);
      const state = context.saveState as Signal<Context, 'started' | 'failed' | 'completed'>;
      (context as { save: () => Promise<void> }).save = async () => {
        state.emit('started');
        try {
          await this._saveShared(context);
        } catch (error) {
          state.emit('failed');
          throw error;
        }
        state.emit('completed');
      };
    };
    tracker.forEach(panel => void route(panel));
    tracker.widgetAdded.connect((_, panel) => void route(panel));
  }

  /** The content provider of a notebook shared live, or undefined when it is not shared. */
  private _provider(context: Context): string | undefined {
    if (!context.model.collaborative || this.contents === null) {
      return undefined;
    }
    return this.factories?.defaultWidgetFactory(context.path)?.contentProviderId;
  }

  private async _saveShared(context: Context): Promise<void> {
    try {
      // The shared document's save: the collaboration server writes the file itself.
      await this.contents?.save(context.path, {
        type: 'notebook',
        format: 'json',
        contentProviderId: this._provider(context)
      });
    } catch (error) {
      if (!String(error).includes('already in progress')) {
        throw error;
      }
      // The server is saving already: that save writes what the pair sees; wait for it.
    }
    const deadline = Date.now() + SHARED_SAVE_MS;
    while (context.model.dirty && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }

  private readonly _routed = new WeakSet<Context>();
}
