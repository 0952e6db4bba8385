import {
  ILabShell,
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IStateDB } from '@jupyterlab/statedb';
import { ILauncher } from '@jupyterlab/launcher';

import { CommandIDs, PACKAGE } from '../tokens';
import { pairIcon } from './icon';
import { GuidePanel } from './panel';

const CATEGORY = 'Pairing';
/** State key remembering that this workspace has shown the guide once. */
const SHOWN_KEY = `${PACKAGE}:guide-shown`;

/**
 * The pairing guide: a left-sidebar panel, its commands and its launcher card.
 */
export const guidePlugin: JupyterFrontEndPlugin<void> = {
  id: `${PACKAGE}:guide`,
  description: 'Pairing guide sidebar, commands and launcher card.',
  autoStart: true,
  requires: [ILabShell],
  optional: [ILauncher, ICommandPalette, ILayoutRestorer, IStateDB],
  activate: (
    app: JupyterFrontEnd,
    shell: ILabShell,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    state: IStateDB | null
  ) => {
    const panel = new GuidePanel(app.commands);
    shell.add(panel, 'left', { rank: 250 });
    restorer?.add(panel, panel.id);
    void panel.refresh();
    if (state) {
      void showOnFirstStart(app, shell, panel.id, state);
    }

    app.commands.addCommand(CommandIDs.openGuide, {
      label: 'Show Pairing Guide',
      caption: 'Open the pairing guide in the left sidebar',
      execute: () => shell.activateById(panel.id)
    });
    // Sessions (participants, rotation) arrive with the pairing-session work;
    // until then the card opens the guide, where a session begins.
    app.commands.addCommand(CommandIDs.startSession, {
      label: 'Start a pairing session',
      caption: 'Open the pairing guide to start a session',
      icon: pairIcon,
      execute: () => shell.activateById(panel.id)
    });
    app.commands.addCommand(CommandIDs.openLesson, {
      label: 'Open Lesson',
      caption: 'Open a lesson notebook',
      execute: args => app.commands.execute('docmanager:open', { path: args.path })
    });

    launcher?.add({ command: CommandIDs.startSession, category: CATEGORY, rank: 0 });
    palette?.addItem({ command: CommandIDs.startSession, category: CATEGORY });
    palette?.addItem({ command: CommandIDs.openGuide, category: CATEGORY });
  }
};

/**
 * Reveal the guide the first time a workspace opens, so a new pair sees it at once;
 * afterwards the restored layout decides.
 */
async function showOnFirstStart(
  app: JupyterFrontEnd,
  shell: ILabShell,
  id: string,
  state: IStateDB
): Promise<void> {
  await app.restored;
  if ((await state.fetch(SHOWN_KEY)) !== undefined) {
    return;
  }
  shell.activateById(id);
  await state.save(SHOWN_KEY, true);
}
