import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { guidePlugin } from './guide/plugin';

/** Every pairlab front-end plugin; each lives in its own module. */
const plugins: JupyterFrontEndPlugin<any>[] = [guidePlugin];

export default plugins;
