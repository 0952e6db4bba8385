import { Notification } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { announcer } from '../announce';
import { el } from '../dom';
import { prefillPlace } from '../intake/place';
import { errorWords } from '../request';
import { SessionManager } from './manager';
import {
  countdownWords,
  formatCountdown,
  IParticipant,
  IPlace,
  ISession,
  secondsLeft,
  shouldPrompt
} from './timer';
import { trans } from '../translate';

/** Options the section reads from the user's settings. */
export interface ISessionOptions {
  /** Default minutes between rotations. */
  rotationMinutes: number;
  /** Whether to prompt when a rotation is due. */
  promptRotation: boolean;
}

const ROLES = ['analyst', 'engineer'];

/** A role as the guide shows it: the server keeps the English key. */
export function roleName(role: string): string {
  const names: Record<string, string> = {
    analyst: trans.__('analyst'),
    engineer: trans.__('engineer')
  };
  return names[role] ?? role;
}

/** A participant as the guide names them: "Ana (analyst)". */
function person(p: IParticipant): string {
  return trans.__('%1 (%2)', p.name, roleName(p.role));
}

/** A problem with what was typed in the start form, said in words. */
class FormError extends Error {}

/** Return the first problem with the start form's people and minutes, or ''. */
export function formProblem(people: IParticipant[], minutesText: string): string {
  if (people.length < 2) {
    return people.length === 0
      ? trans.__('Add at least two people: type a name in each box.')
      : trans.__('Add at least two people: %1 needs someone to pair with.', people[0].name);
  }
  const names = people.map(p => p.name.toLocaleLowerCase());
  if (new Set(names).size !== names.length) {
    return trans.__('Two people have the same name: give each person their own.');
  }
  const minutes = Number(minutesText);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 240) {
    return trans.__('Rotate every 1 to 240 whole minutes.');
  }
  return '';
}

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
    private options: ISessionOptions,
    private readonly lesson: () => string | null = () => null
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
    const parts: HTMLElement[] = [el('h3', 'jp-pairlab-section-title', trans.__('Pairing session'))];
    if (this.sessions.notice) {
      parts.push(el('p', 'jp-pairlab-notice', this.sessions.notice));
    }
    if (session !== null) {
      parts.push(...this._status(session));
    } else {
      this._dismissToast(); // the session ended: nobody is to rotate
      parts.push(...this._idle());
    }
    parts.push(this._error);
    this.node.replaceChildren(...parts);
  }

  /** What shows without a session: the start form, or a hint and the button opening it. */
  private _idle(): HTMLElement[] {
    if (this._formOpen) {
      return [this._form()];
    }
    return [
      el('p', 'jp-pairlab-hint', trans.__('No session running. Start one to share the keyboard in turns.')),
      button(trans.__('Start a pairing session'), 'jp-pairlab-start', async () => this.showForm())
    ];
  }

  dispose(): void {
    window.clearInterval(this._timer);
    this._dismissToast();
    super.dispose();
  }

  private _status(session: ISession): HTMLElement[] {
    const roles = el('dl', 'jp-pairlab-roles');
    roles.append(
      el('dt', '', trans.__('Driver')),
      el('dd', 'jp-pairlab-driver', person(session.driver)),
      el('dt', '', trans._n('Navigator', 'Navigators', session.navigators.length)),
      el(
        'dd',
        'jp-pairlab-navigators',
        session.navigators.map(person).join(', ')
      )
    );
    const actions = el('div', 'jp-pairlab-actions');
    actions.append(
      button(trans.__('Rotate'), 'jp-mod-accept jp-pairlab-rotate', () => this._run(() => this.sessions.rotate())),
      button(trans.__('End session'), 'jp-mod-reject jp-pairlab-end', () => this._run(() => this.sessions.end()))
    );
    this._countdown = el('p', 'jp-pairlab-countdown');
    this._prompt = el('div', 'jp-pairlab-prompt');
    if (this._promptedFor === session.rotations) {
      this._fillPrompt(session.next_driver.name); // redrawn while still due: keep it shown
    } else {
      this._dismissToast(); // rotated: the prompt has done its job
    }
    this._tick();
    return [roles, this._whoAmI(session), this._countdown, this._prompt, actions];
  }

  /**
   * The "this is me" choice: which participant this browser belongs to. In a
   * notebook shared live (jupyter-collaboration) each browser's runs are credited
   * to its person; with one shared keyboard (the default) the driver is credited.
   */
  private _whoAmI(session: ISession): HTMLElement {
    const label = el('label', 'jp-pairlab-me-label', trans.__('This is me: '));
    const select = el('select', 'jp-mod-styled jp-pairlab-me');
    select.setAttribute('aria-label', trans.__('This is me'));
    select.append(new Option(trans.__('(shared keyboard)'), ''));
    for (const person of session.participants) {
      select.append(new Option(person.name, person.name));
    }
    select.value = this.sessions.me ?? '';
    select.title = trans.__(
      'Who uses this browser. Choose a name only when each person has their own browser in a shared notebook; with one keyboard, runs count for whoever drives.'
    );
    select.addEventListener('change', () => this.sessions.setMe(select.value || null));
    label.append(select);
    return label;
  }

  private _tick(): void {
    const session = this.sessions.active;
    if (session === null || this._countdown === null || this._prompt === null) {
      return;
    }
    const now = this.sessions.now();
    const left = secondsLeft(session, now);
    const next = session.next_driver.name; // the server's turn rule, not worked out here
    this._countdown.textContent =
      left > 0
        ? trans.__('%1 until %2 drives', formatCountdown(left), next)
        : trans.__('Rotation due: %1 drives next', next);
    if (this.options.promptRotation && shouldPrompt(session, now, this._promptedFor)) {
      this._promptedFor = session.rotations;
      this._showPrompt(next);
      // Each browser logs its own prompt, saying whose browser it is; the server names the turn.
      this.sessions
        .record('rotation-prompted', {
          next,
          rotation: session.rotations,
          participant: this.sessions.me
        })
        .then(() => this.sessions.noteActivity()) // the facilitator's summary shows it
        .catch(error => console.warn('pairlab: could not record the prompt', error));
    }
    // The live region hears minutes, not seconds; once the prompt was said, it stays said.
    if (!(this.options.promptRotation && this._promptedFor === session.rotations)) {
      announcer.say(countdownWords(left, next));
    }
  }

  /**
   * Prompt the rotation where it cannot be missed: said through the live region, in the
   * guide, and as a notification that stays until the pair rotates (the guide's own prompt
   * scrolls away once a lesson's steps fill the sidebar).
   */
  private _showPrompt(next: string): void {
    const words = this._fillPrompt(next);
    announcer.say(words);
    this._dismissToast();
    this._toast = Notification.warning(words, {
      autoClose: false,
      actions: [
        {
          label: trans.__('Rotate now'),
          callback: () => void this._run(() => this.sessions.rotate())
        }
      ]
    });
  }

  /** Put the prompt's words and its Rotate now button in the guide; return the words. */
  private _fillPrompt(next: string): string {
    const words = trans.__('Time to rotate: %1 takes the keyboard.', next);
    this._prompt?.replaceChildren(
      el('span', '', words),
      button(trans.__('Rotate now'), 'jp-mod-accept', () => this._run(() => this.sessions.rotate()))
    );
    return words;
  }

  private _dismissToast(): void {
    if (this._toast !== null) {
      Notification.dismiss(this._toast);
      this._toast = null;
    }
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
    const label = el('label', 'jp-pairlab-minutes-label', trans.__('Rotate every (minutes) '));
    label.append(minutes);
    const place = this._placeRow();
    void prefillPlace(form); // on the hub: who she is in the program (intake/place.ts)
    const start = el('button', 'jp-Button jp-mod-styled jp-mod-accept jp-pairlab-submit', trans.__('Start'));
    start.type = 'submit'; // Enter in any box starts the session: keyboard only works
    form.append(
      rows,
      button(trans.__('Add a person'), 'jp-pairlab-add-person', async () => {
        addRow();
        rows.querySelector<HTMLInputElement>('.jp-pairlab-person:last-child input')?.focus();
      }),
      label,
      place,
      start,
      button(trans.__('Cancel'), 'jp-mod-reject', async () => {
        this._formOpen = false;
        this._error.textContent = '';
        this.render();
      })
    );
    form.addEventListener('submit', event => {
      event.preventDefault();
      void this._run(() => this._submit(rows, minutes.value, place));
    });
    return form;
  }

  private _personRow(index: number): HTMLElement {
    const row = el('div', 'jp-pairlab-person');
    const name = el('input', 'jp-mod-styled jp-pairlab-name');
    name.placeholder = trans.__('Name %1', index + 1);
    name.setAttribute('aria-label', trans.__('Name of person %1', index + 1));
    const role = el('select', 'jp-pairlab-role'); // a native select: as wide as its words
    role.setAttribute('aria-label', trans.__('Role of person %1', index + 1));
    for (const value of ROLES) {
      role.append(new Option(roleName(value), value));
    }
    role.value = ROLES[index % 2];
    row.append(name, role);
    return row;
  }

  /** The session's place in the program: its team and who leads it (both may stay empty). */
  private _placeRow(): HTMLElement {
    const row = el('div', 'jp-pairlab-place');
    for (const [key, text, hint] of [
      ['team', trans.__('Team'), trans.__('team id in the program')],
      ['facilitator', trans.__('Facilitator'), trans.__('who leads, or empty')],
      ['trained_in', trans.__('Trained in'), trans.__("for a teach-back: the facilitator's session id")]
    ]) {
      const input = el('input', `jp-mod-styled jp-pairlab-${key}`);
      input.placeholder = hint;
      input.maxLength = 80;
      const label = el('label', `jp-pairlab-${key}-label`, `${text} `);
      label.append(input);
      row.append(label);
    }
    return row;
  }

  private async _submit(
    rows: HTMLElement,
    minutesText: string,
    placeRow: HTMLElement
  ): Promise<void> {
    const people: IParticipant[] = [];
    for (const row of Array.from(rows.children)) {
      const name = row.querySelector<HTMLInputElement>('.jp-pairlab-name')?.value.trim() ?? '';
      const role = row.querySelector<HTMLSelectElement>('.jp-pairlab-role')?.value ?? '';
      if (name) {
        people.push({ name, role });
      }
    }
    const problem = formProblem(people, minutesText);
    if (problem) {
      throw new FormError(problem);
    }
    const value = (key: string) =>
      placeRow.querySelector<HTMLInputElement>(`.jp-pairlab-${key}`)?.value.trim() || null;
    const place: IPlace = {
      team: value('team'),
      facilitator: value('facilitator'),
      trained_in: value('trained_in')
    };
    await this.sessions.start(people, Number(minutesText), this.lesson(), place);
    this._formOpen = false;
  }

  private async _run(action: () => Promise<void>): Promise<void> {
    this._error.textContent = '';
    try {
      await action();
    } catch (error) {
      // Words for people: a form's own message, or the server's message with its fix.
      this._error.textContent = errorWords(error);
    }
  }

  private _formOpen = false;
  private _promptedFor: number | null = null;
  private _countdown: HTMLElement | null = null;
  private _prompt: HTMLElement | null = null;
  private _toast: string | null = null;
  private readonly _error = el('p', 'jp-pairlab-error');
  private readonly _timer: number;
}
