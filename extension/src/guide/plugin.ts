import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, showErrorMessage } from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';
import { INotebookTracker } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStateDB } from '@jupyterlab/statedb';
import { ITranslator } from '@jupyterlab/translation';

import { attributeExecutions } from '../session/attribution';
import { SessionManager } from '../session/manager';
import { ISessionOptions } from '../session/section';
import { CommandIDs, PACKAGE } from '../tokens';
import { trans, useTranslator } from '../translate';
import { pairIcon } from './icon';
import { GuidePanel } from './panel';
import { NotebookSaver } from './save';

const PLUGIN_ID = `${PACKAGE}:guide`;
/** State key remembering that this workspace has shown the guide once. */
const SHOWN_KEY = `${PACKAGE}:guide-shown`;
const DEFAULTS: ISessionOptions & { facilitatorMode: boolean; welcomeOnFirstStart: boolean } = {
  rotationMinutes: 15,
  promptRotation: true,
  facilitatorMode: false,
  welcomeOnFirstStart: true
};

/**
 * The pairing guide: a left-sidebar panel, its commands and its launcher card. In JupyterLab
 * and in Notebook 7's notebook view alike: Notebook 7 has no ILabShell, so the guide uses only
 * what every Jupyter shell has (`add` to the left area, `activateById`).
 */
export const guidePlugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Pairing guide sidebar, sessions, commands and launcher card.',
  autoStart: true,
  optional: [
    ILauncher,
    ICommandPalette,
    ILayoutRestorer,
    IStateDB,
    ISettingRegistry,
    INotebookTracker,
    IRenderMimeRegistry,
    ITranslator
  ],
  activate: (
    app: JupyterFrontEnd,
    launcher: ILauncher | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    state: IStateDB | null,
    registry: ISettingRegistry | null,
    tracker: INotebookTracker | null,
    rendermime: IRenderMimeRegistry | null,
    translator: ITranslator | null
  ) => {
    useTranslator(translator); // before any section draws a word
    const category = trans.__('Pairing');
    const sessions = new SessionManager();
    // A shared notebook is saved through its shared document, never raced by its autosave.
    const saver = new NotebookSaver(app.serviceManager.contents, app.docRegistry);
    const panel = new GuidePanel(app.commands, sessions, DEFAULTS, rendermime, saver);
    const shell = app.shell;
    try {
      shell.add(panel, 'left', { rank: 250 });
    } catch (error) {
      // A shell without a left area: the commands still work; say where the guide is not.
      console.warn(`pairlab: ${app.name} has no side area for the Pairing guide`, error);
    }
    restorer?.add(panel, panel.id);
    void panel.lessons.refresh();
    void sessions.restore().catch(error => console.error('pairlab:', error));
    if (tracker) {
      saver.follow(tracker);
      attributeExecutions(tracker, sessions);
      // A session started before any lesson was open works on the first lesson opened.
      const adopt = () =>
        void sessions
          .adoptLesson(panel.steps.lesson?.id ?? null)
          .catch(error => console.warn('pairlab: the session kept no lesson', error));
      const follow = () => {
        void panel.steps.setNotebook(tracker.currentWidget).then(adopt);
        panel.similar.setNotebook(tracker.currentWidget);
      };
      tracker.currentChanged.connect(follow);
      panel.lessons.loaded.connect(() => {
        panel.steps.render();
        adopt();
      });
      sessions.changed.connect(adopt);
      follow();
    }
    if (state) {
      void showOnFirstStart(app, shell, panel, state, registry);
    }
    if (registry) {
      void loadSettings(registry, panel);
    }
    addCommands(app, shell, panel, sessions, registry);

    launcher?.add({ command: CommandIDs.startSession, category, rank: 0 });
    for (const command of [
      CommandIDs.startSession,
      CommandIDs.rotate,
      CommandIDs.checkStep,
      CommandIDs.toggleFacilitator,
      CommandIDs.openGuide
    ]) {
      palette?.addItem({ command, category });
    }
  }
};

/** Register the guide's commands. */
function addCommands(
  app: JupyterFrontEnd,
  shell: JupyterFrontEnd.IShell,
  panel: GuidePanel,
  sessions: SessionManager,
  registry: ISettingRegistry | null
): void {
  app.commands.addCommand(CommandIDs.openGuide, {
    label: trans.__('Show Pairing Guide'),
    caption: trans.__('Open the pairing guide in the left sidebar'),
    execute: () => shell.activateById(panel.id)
  });
  app.commands.addCommand(CommandIDs.startSession, {
    label: trans.__('Start a pairing session'),
    caption: trans.__('Name the participants and the rotation, then pair'),
    icon: pairIcon,
    execute: () => {
      shell.activateById(panel.id);
      panel.session.showForm();
    }
  });
  app.commands.addCommand(CommandIDs.rotate, {
    label: trans.__('Rotate Driver and Navigator'),
    caption: trans.__('Hand the keyboard to the next person'),
    isEnabled: () => sessions.active !== null,
    execute: () => sessions.rotate()
  });
  app.commands.addCommand(CommandIDs.toggleFacilitator, {
    label: trans.__('Facilitator Mode'),
    caption: trans.__('Show facilitator notes and the session summary'),
    isToggled: () => panel.facilitatorMode,
    execute: async () => {
      const on = !panel.facilitatorMode;
      if (registry) {
        await registry.set(PLUGIN_ID, 'facilitatorMode', on);
      } else {
        panel.facilitatorMode = on;
      }
    }
  });
  app.commands.addCommand(CommandIDs.checkStep, {
    label: trans.__('Check the Current Step'),
    caption: trans.__("Run the checks of the open lesson's first unfinished step"),
    execute: () => {
      shell.activateById(panel.id);
      return panel.steps.checkCurrent();
    }
  });
  app.commands.addCommand(CommandIDs.openLesson, {
    label: trans.__('Open Lesson'),
    caption: trans.__('Open a lesson notebook'),
    execute: args => openLesson(app, String(args.path))
  });
  sessions.changed.connect(() => app.commands.notifyCommandChanged(CommandIDs.rotate));
}

/** Apply the user's settings now and whenever they change. */
async function loadSettings(registry: ISettingRegistry, panel: GuidePanel): Promise<void> {
  const settings = await registry.load(PLUGIN_ID);
  const apply = () => {
    const composite = settings.composite as Partial<typeof DEFAULTS>;
    const options = { ...DEFAULTS, ...composite };
    panel.session.configure(options);
    panel.facilitatorMode = options.facilitatorMode;
  };
  settings.changed.connect(apply);
  apply();
}

/** Open a lesson notebook; say so when this lab's folder does not hold it. */
async function openLesson(app: JupyterFrontEnd, path: string): Promise<void> {
  try {
    await app.serviceManager.contents.get(path, { content: false });
  } catch {
    await showErrorMessage(
      trans.__('Lesson not found'),
      trans.__(
        "%1 is not in this lab's folder. Start the lab with `pairlab lab --root DIR` on a new or empty folder: pairlab copies the lessons into it.",
        path
      )
    );
    return;
  }
  await app.commands.execute('docmanager:open', { path });
}

/**
 * On a workspace's first start, show a new pair where to begin: the guide with the session
 * form, and lesson 0 open beside it (unless the address asked for a document of its own).
 * Afterwards the restored layout decides.
 */
async function showOnFirstStart(
  app: JupyterFrontEnd,
  shell: JupyterFrontEnd.IShell,
  panel: GuidePanel,
  state: IStateDB,
  registry: ISettingRegistry | null
): Promise<void> {
  await app.restored;
  if ((await state.fetch(SHOWN_KEY)) !== undefined) {
    return;
  }
  await state.save(SHOWN_KEY, true);
  shell.activateById(panel.id);
  const settings = registry ? await registry.load(PLUGIN_ID) : null;
  const welcome = settings?.composite.welcomeOnFirstStart ?? DEFAULTS.welcomeOnFirstStart;
  if (!welcome) {
    return;
  }
  panel.session.showForm(); // a session already running shows itself instead
  if (window.location.pathname.includes('/tree/')) {
    return; // a link to one document: open that one only
  }
  if (panel.lessons.lessons.length === 0) {
    await panel.lessons.refresh();
  }
  const first = panel.lessons.lessons.find(lesson => lesson.number === 0);
  if (!first) {
    return;
  }
  try {
    await app.serviceManager.contents.get(first.notebook, { content: false });
  } catch {
    return; // a folder without the lessons: the guide's lesson list says what to do
  }
  await app.commands.execute('docmanager:open', { path: first.notebook });
  shell.activateById(panel.id); // opening a notebook must not hide the guide
}
