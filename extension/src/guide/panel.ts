import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { CommandRegistry } from '@lumino/commands';
import { Panel, Widget } from '@lumino/widgets';

import { announcer } from '../announce';
import { SessionManager } from '../session/manager';
import { ISessionOptions, SessionSection } from '../session/section';
import { CommandIDs, GUIDE_ID } from '../tokens';
import { FacilitatorSection, FacilitatorToggle } from './facilitator';
import { pairIcon } from './icon';
import { LessonsSection } from './lessons';
import { NotebookSaver } from './save';
import { SimilarSection } from './similar';
import { StepsSection } from './steps';
import { trans } from '../translate';

/** The guide's way to the intake queue: shown where its command is (JupyterLab on a hub). */
function requestButton(commands: CommandRegistry): Widget {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'jp-Button jp-mod-styled jp-pairlab-request-pairing';
  button.textContent = trans.__('Request a pairing');
  button.title = trans.__("Ask the central team to pair on your team's product idea");
  button.addEventListener('click', () => void commands.execute(CommandIDs.requestPairing));
  const widget = new Widget({ node: button });
  const show = () =>
    widget.setHidden(
      !commands.hasCommand(CommandIDs.requestPairing) ||
        !commands.isVisible(CommandIDs.requestPairing)
    );
  show(); // the command's plugin may register it later: follow the registry
  commands.commandChanged.connect(show);
  return widget;
}

/**
 * The left-sidebar pairing guide: the session on top, then the lessons.
 */
export class GuidePanel extends Panel {
  constructor(
    commands: CommandRegistry,
    sessions: SessionManager,
    options: ISessionOptions,
    rendermime: IRenderMimeRegistry | null = null,
    saver: NotebookSaver = new NotebookSaver()
  ) {
    super();
    this.id = GUIDE_ID;
    this.addClass('jp-pairlab-guide');
    this.title.icon = pairIcon;
    this.title.caption = trans.__('Pairing guide');
    this.node.setAttribute('aria-label', trans.__('Pairing guide'));
    const heading = new Widget({ node: document.createElement('h2') });
    heading.node.textContent = trans.__('Pairing guide');
    // A session started beside an open lesson works on that lesson (the report shows it).
    this.session = new SessionSection(sessions, options, () => this.steps.lesson?.id ?? null);
    this.lessons = new LessonsSection(commands, rendermime);
    this.steps = new StepsSection(sessions, () => this.lessons.lessons, rendermime, saver);
    this.similar = new SimilarSection();
    this.facilitator = new FacilitatorSection(sessions, () => this.lessons.lessons);
    this.facilitator.hide();
    this.facilitatorToggle = new FacilitatorToggle(() =>
      commands.execute(CommandIDs.toggleFacilitator)
    );
    this.addWidget(heading);
    this.addWidget(this.facilitatorToggle);
    this.addWidget(this.session);
    this.addWidget(this.facilitator);
    this.addWidget(this.steps);
    this.addWidget(this.similar);
    this.addWidget(requestButton(commands));
    this.addWidget(this.lessons);
    this.addWidget(announcer); // one live region, never redrawn with a section
  }

  /** Whether facilitator notes and the session summary are shown. */
  get facilitatorMode(): boolean {
    return this.hasClass('jp-pairlab-mod-facilitator');
  }

  set facilitatorMode(on: boolean) {
    this.toggleClass('jp-pairlab-mod-facilitator', on);
    this.facilitatorToggle.checked = on;
    this.facilitator.setHidden(!on);
    this.lessons.showNotes = on;
    this.steps.showNotes = on;
  }

  /** Facilitator mode's session summary. */
  readonly facilitator: FacilitatorSection;

  /** The visible switch for facilitator mode. */
  readonly facilitatorToggle: FacilitatorToggle;

  /** The session part: start form, roles, countdown, rotation. */
  readonly session: SessionSection;

  /** The open lesson's steps, or the practice checks. */
  readonly steps: StepsSection;

  /** Catalog products that already use the open notebook's tables. */
  readonly similar: SimilarSection;

  /** The lesson list. */
  readonly lessons: LessonsSection;
}
