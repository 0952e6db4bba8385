import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget } from '@jupyterlab/apputils';
import { PageConfig } from '@jupyterlab/coreutils';
import { ILauncher } from '@jupyterlab/launcher';

import { pairIcon } from '../guide/icon';
import { PACKAGE } from '../tokens';
import { RequestPanel } from './panel';

/** The command that opens the form (`pairlab:request-pairing`). */
export const REQUEST_PAIRING = `${PACKAGE}:request-pairing`;

/**
 * "Request a pairing" on JupyterHub: a command (palette and launcher, Pairing) opening a form that
 * files a request on the cohort service's intake queue through this server's
 * /pairlab/intake/requests. Without a hub there is no queue to ask: the command is not shown.
 */
export const requestPairingPlugin: JupyterFrontEndPlugin<void> = {
  id: `${PACKAGE}:request-pairing`,
  description: 'Request a pairing from the central team (intake queue, reuse first).',
  autoStart: true,
  optional: [ICommandPalette, ILauncher],
  activate: (
    app: JupyterFrontEnd,
    palette: ICommandPalette | null,
    launcher: ILauncher | null
  ) => {
    const onHub = PageConfig.getOption('hubUser') !== '';
    let widget: MainAreaWidget<RequestPanel> | null = null;
    app.commands.addCommand(REQUEST_PAIRING, {
      label: 'Request a pairing',
      caption: "Ask the central team to pair on your team's product idea",
      icon: pairIcon,
      isVisible: () => onHub,
      execute: () => {
        if (!widget || widget.isDisposed) {
          widget = new MainAreaWidget({ content: new RequestPanel() });
          widget.id = 'pairlab-request-pairing-area';
          widget.title.label = 'Request a pairing';
        }
        if (!widget.isAttached) {
          app.shell.add(widget, 'main');
        }
        app.shell.activateById(widget.id);
        void widget.content.refresh();
      }
    });
    if (onHub) {
      palette?.addItem({ command: REQUEST_PAIRING, category: 'Pairing' });
      launcher?.add({ command: REQUEST_PAIRING, category: 'Pairing', rank: 1 });
    }
  }
};
