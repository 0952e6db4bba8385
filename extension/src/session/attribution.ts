import { JupyterFrontEnd } from '@jupyterlab/application';
import { INotebookTracker, NotebookActions, NotebookPanel } from '@jupyterlab/notebook';

import { SessionManager } from './manager';

/**
 * Return the name of this browser's collaborator when others are in the notebook
 * live (jupyter-collaboration), else null: one shared keyboard means the driver ran it.
 */
function collaboratorName(app: JupyterFrontEnd, panel: NotebookPanel): string | null {
  const awareness = panel.context.model.sharedModel.awareness;
  if (!panel.context.model.collaborative || awareness.getStates().size < 2) {
    return null;
  }
  const local = awareness.getLocalState() as { user?: { display_name?: string } } | null;
  return local?.user?.display_name ?? app.serviceManager.user.identity?.display_name ?? null;
}

/**
 * Record every cell execution during a session against the person who ran it:
 * each collaborator's own name when several browsers share the notebook live,
 * else the session's current driver.
 */
export function attributeExecutions(
  app: JupyterFrontEnd,
  tracker: INotebookTracker,
  sessions: SessionManager
): void {
  NotebookActions.executed.connect((_, { notebook, cell, success }) => {
    const session = sessions.active;
    const panel = tracker.find(p => p.content === notebook);
    if (session === null || panel === undefined) {
      return;
    }
    const user = collaboratorName(app, panel) ?? session.driver.name;
    void sessions.record('cell-executed', {
      path: panel.context.path,
      cell: cell.model.id,
      success,
      user,
      driver: session.driver.name
    });
  });
}
