import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { guidePlugin } from './guide/plugin';
import { requestPairingPlugin } from './intake/plugin';

/** Every pairlab front-end plugin; each lives in its own module. */
const plugins: JupyterFrontEndPlugin<any>[] = [guidePlugin, requestPairingPlugin];

export default plugins;
