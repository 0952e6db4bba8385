import { INotebookTracker, NotebookActions, NotebookPanel } from '@jupyterlab/notebook';

import { SessionManager } from './manager';

/** The part of a jupyter-collaboration awareness state pairlab reads. */
interface IAwarenessUser {
  user?: { display_name?: string };
}

/**
 * Return whether the notebook is shared live (jupyter-collaboration), where each
 * browser can be its own person, and this browser's collaboration name.
 *
 * Whether others are in the notebook cannot be told reliably (a new browser hears of
 * the others only when their presence renews, up to 15 s later), so a shared notebook
 * counts as shared: the browser's "this is me" choice, if made, decides.
 */
export function sharing(panel: NotebookPanel): { shared: boolean; identity: string | null } {
  const model = panel.context.model;
  if (!model.collaborative) {
    return { shared: false, identity: null };
  }
  const local = model.sharedModel.awareness?.getLocalState() as IAwarenessUser | null;
  return { shared: true, identity: local?.user?.display_name ?? null };
}

/**
 * Record every cell execution during a session. The server credits it: to the
 * participant this browser belongs to ("this is me") in a notebook shared live,
 * else to whoever drives at that moment. The collaboration name is sent only for
 * the record, never to be credited.
 */
export function attributeExecutions(tracker: INotebookTracker, sessions: SessionManager): void {
  NotebookActions.executed.connect((_, { notebook, cell, success }) => {
    const session = sessions.active;
    const panel = tracker.find(p => p.content === notebook);
    if (session === null || panel === undefined) {
      return;
    }
    const { shared, identity } = sharing(panel);
    void sessions
      .record('cell-executed', {
        path: panel.context.path,
        cell: cell.model.id,
        success,
        participant: sessions.me,
        shared,
        identity
      })
      .catch(error => console.warn('pairlab: could not record a cell run', error));
  });
}
