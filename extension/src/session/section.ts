import { Widget } from '@lumino/widgets';

import { el } from '../dom';
import { PairlabRequestError } from '../request';
import { SessionManager } from './manager';
import {
  formatCountdown,
  IParticipant,
  ISession,
  nextDriver,
  secondsLeft,
  shouldPrompt
} from './timer';

/** Options the section reads from the user's settings. */
export interface ISessionOptions {
  /** Default minutes between rotations. */
  rotationMinutes: number;
  /** Whether to prompt when a rotation is due. */
  promptRotation: boolean;
}

const ROLES = ['analyst', 'engineer'];

/** Return a button that runs `action` and shows its error in `section`. */
function button(text: string, className: string, action: () => Promise<void>) {
  const node = el('button', `jp-Button jp-mod-styled ${className}`, text);
  node.type = 'button';
  node.addEventListener('click', () => void action());
  return node;
}

/**
 * The session part of the guide: a start form, then who drives, who
 * navigates, the countdown, Rotate and End, and a non-modal rotation prompt.
 */
export class SessionSection extends Widget {
  constructor(
    private readonly sessions: SessionManager,
    private options: ISessionOptions
  ) {
    super();
    this.addClass('jp-pairlab-session');
    sessions.changed.connect(() => this.render());
    this._timer = window.setInterval(() => this._tick(), 1000);
    this.render();
  }

  /** Apply changed settings. */
  configure(options: ISessionOptions): void {
    this.options = options;
    this.render();
  }

  /** Show the start form (the start-session command calls this). */
  showForm(): void {
    this._formOpen = true;
    this.render();
    this.node.querySelector<HTMLInputElement>('input')?.focus();
  }

  /** Redraw from the manager's state. */
  render(): void {
    const session = this.sessions.active;
    const parts: HTMLElement[] = [el('h3', 'jp-pairlab-section-title', 'Pairing session')];
    if (this.sessions.notice) {
      parts.push(el('p', 'jp-pairlab-notice', this.sessions.notice));
    }
    if (session !== null) {
      parts.push(...this._status(session));
    } else if (this._formOpen) {
      parts.push(this._form());
    } else {
      parts.push(
        el('p', 'jp-pairlab-hint', 'No session running. Start one to share the keyboard in turns.'),
        button('Start a pairing session', 'jp-pairlab-start', async () => this.showForm())
      );
    }
    parts.push(this._error);
    this.node.replaceChildren(...parts);
  }

  dispose(): void {
    window.clearInterval(this._timer);
    super.dispose();
  }

  private _status(session: ISession): HTMLElement[] {
    const roles = el('dl', 'jp-pairlab-roles');
    roles.append(
      el('dt', '', 'Driver'),
      el('dd', 'jp-pairlab-driver', `${session.driver.name} (${session.driver.role})`),
      el('dt', '', session.navigators.length > 1 ? 'Navigators' : 'Navigator'),
      el(
        'dd',
        'jp-pairlab-navigators',
        session.navigators.map(p => `${p.name} (${p.role})`).join(', ')
      )
    );
    const actions = el('div', 'jp-pairlab-actions');
    actions.append(
      button('Rotate', 'jp-mod-accept jp-pairlab-rotate', () => this._run(() => this.sessions.rotate())),
      button('End session', 'jp-mod-reject jp-pairlab-end', () => this._run(() => this.sessions.end()))
    );
    this._countdown = el('p', 'jp-pairlab-countdown');
    this._prompt = el('div', 'jp-pairlab-prompt');
    this._tick();
    return [roles, this._countdown, this._prompt, actions];
  }

  private _tick(): void {
    const session = this.sessions.active;
    if (session === null || this._countdown === null || this._prompt === null) {
      return;
    }
    const now = this.sessions.now();
    const left = secondsLeft(session, now);
    const next = nextDriver(session).name;
    this._countdown.textContent =
      left > 0 ? `${formatCountdown(left)} until ${next} drives` : `Rotation due: ${next} drives next`;
    if (this.options.promptRotation && shouldPrompt(session, now, this._promptedFor)) {
      this._promptedFor = session.rotations;
      this._showPrompt(next);
      void this.sessions.record('rotation-prompted', { next });
    }
  }

  private _showPrompt(next: string): void {
    this._prompt?.replaceChildren(
      el('span', '', `Time to rotate: ${next} takes the keyboard.`),
      button('Rotate now', 'jp-mod-accept', () => this._run(() => this.sessions.rotate()))
    );
  }

  private _form(): HTMLElement {
    const form = el('form', 'jp-pairlab-start-form');
    const rows = el('div', 'jp-pairlab-people');
    const addRow = () => {
      if (rows.children.length < 4) {
        rows.append(this._personRow(rows.children.length));
      }
    };
    addRow();
    addRow();
    const minutes = el('input', 'jp-mod-styled jp-pairlab-minutes');
    minutes.type = 'number';
    minutes.min = '1';
    minutes.max = '240';
    minutes.value = String(this.options.rotationMinutes);
    const label = el('label', 'jp-pairlab-minutes-label', 'Rotate every (minutes) ');
    label.append(minutes);
    form.append(
      rows,
      button('Add a person', 'jp-pairlab-add-person', async () => addRow()),
      label,
      button('Start', 'jp-mod-accept jp-pairlab-submit', () =>
        this._run(() => this._submit(rows, Number(minutes.value)))
      ),
      button('Cancel', 'jp-mod-reject', async () => {
        this._formOpen = false;
        this.render();
      })
    );
    form.addEventListener('submit', event => event.preventDefault());
    return form;
  }

  private _personRow(index: number): HTMLElement {
    const row = el('div', 'jp-pairlab-person');
    const name = el('input', 'jp-mod-styled jp-pairlab-name');
    name.placeholder = `Name ${index + 1}`;
    name.setAttribute('aria-label', `Name of person ${index + 1}`);
    const role = el('select', 'jp-mod-styled jp-pairlab-role');
    role.setAttribute('aria-label', `Role of person ${index + 1}`);
    for (const value of ROLES) {
      role.append(new Option(value, value));
    }
    role.value = ROLES[index % 2];
    row.append(name, role);
    return row;
  }

  private async _submit(rows: HTMLElement, minutes: number): Promise<void> {
    const people: IParticipant[] = [];
    for (const row of Array.from(rows.children)) {
      const name = row.querySelector<HTMLInputElement>('.jp-pairlab-name')?.value.trim() ?? '';
      const role = row.querySelector<HTMLSelectElement>('.jp-pairlab-role')?.value ?? '';
      if (name) {
        people.push({ name, role });
      }
    }
    await this.sessions.start(people, minutes, null);
    this._formOpen = false;
  }

  private async _run(action: () => Promise<void>): Promise<void> {
    this._error.textContent = '';
    try {
      await action();
    } catch (error) {
      this._error.textContent =
        error instanceof PairlabRequestError
          ? `${error.message}: ${error.fix}`
          : String(error);
    }
  }

  private _formOpen = false;
  private _promptedFor: number | null = null;
  private _countdown: HTMLElement | null = null;
  private _prompt: HTMLElement | null = null;
  private readonly _error = el('p', 'jp-pairlab-error');
  private readonly _timer: number;
}
