import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette, MainAreaWidget } from '@jupyterlab/apputils';
import { PageConfig } from '@jupyterlab/coreutils';
import { ILauncher } from '@jupyterlab/launcher';
import { ITranslator } from '@jupyterlab/translation';

import { pairIcon } from '../guide/icon';
import { CommandIDs, PACKAGE } from '../tokens';
import { RequestPanel } from './panel';
import { trans, useTranslator } from '../translate';

/** The command that opens the form (`pairlab:request-pairing`). */
export const REQUEST_PAIRING = CommandIDs.requestPairing;

/**
 * "Request a pairing" on JupyterHub: a command (palette and launcher, Pairing) opening a form that
 * files a request on the cohort service's intake queue through this server's
 * /pairlab/intake/requests. Without a hub there is no queue to ask: the command is not shown.
 */
export const requestPairingPlugin: JupyterFrontEndPlugin<void> = {
  id: `${PACKAGE}:request-pairing`,
  description: 'Request a pairing from the central team (intake queue, reuse first).',
  autoStart: true,
  optional: [ICommandPalette, ILauncher, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    translator: ITranslator | null
  ) => {
    useTranslator(translator); // this plugin may start before the guide's
    const onHub = PageConfig.getOption('hubUser') !== '';
    let widget: MainAreaWidget<RequestPanel> | null = null;
    app.commands.addCommand(REQUEST_PAIRING, {
      label: trans.__('Request a pairing'),
      caption: trans.__("Ask the central team to pair on your team's product idea"),
      icon: pairIcon,
      isVisible: () => onHub,
      execute: () => {
        if (!widget || widget.isDisposed) {
          widget = new MainAreaWidget({ content: new RequestPanel() });
          widget.id = 'pairlab-request-pairing-area';
          widget.title.label = trans.__('Request a pairing');
        }
        if (!widget.isAttached) {
          app.shell.add(widget, 'main');
        }
        app.shell.activateById(widget.id);
        void widget.content.refresh();
      }
    });
    if (onHub) {
      const category = trans.__('Pairing'); // the guide's launcher section, in its words
      palette?.addItem({ command: REQUEST_PAIRING, category });
      launcher?.add({ command: REQUEST_PAIRING, category, rank: 1 });
    }
  }
};
