import { JupyterFrontEnd } from '@jupyterlab/application';
import { INotebookTracker, NotebookActions } from '@jupyterlab/notebook';

import { SessionManager } from './manager';

/**
 * Record every cell execution during a session against the person who ran it:
 * the collaboration user when the notebook is shared live, else the driver.
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
    const identity = app.serviceManager.user.identity;
    const shared = panel.context.model.collaborative && identity !== null;
    const user = shared ? identity.display_name : session.driver.name;
    void sessions.record('cell-executed', {
      path: panel.context.path,
      cell: cell.model.id,
      success,
      user,
      driver: session.driver.name
    });
  });
}
