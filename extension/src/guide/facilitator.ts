import { Widget } from '@lumino/widgets';

import { el } from '../dom';
import { errorWords } from '../request';
import { SessionManager } from '../session/manager';
import { ILesson, ISummary } from '../tokens';
import { trans } from '../translate';

/** Save `text` as a file named `name` through the browser's own download. */
export function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = el('a', 'jp-pairlab-download');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** Format seconds as "12 min" or "45 s". */
function duration(seconds: number): string {
  return seconds >= 60
    ? trans.__('%1 min', Math.round(seconds / 60))
    : trans.__('%1 s', Math.round(seconds));
}

/** Return a list item with text. */
function item(text: string): HTMLLIElement {
  return el('li', '', text);
}

/**
 * The guide's visible switch for facilitator mode, under its heading: a checkbox that asks
 * `onChange` for the other mode; the guide sets `checked` whatever turned the mode on or off.
 */
export class FacilitatorToggle extends Widget {
  constructor(onChange: (on: boolean) => void) {
    super({ node: document.createElement('label') });
    this.addClass('jp-pairlab-facilitator-toggle');
    this.node.title = trans.__(
      'Show facilitator notes, the session summary, Export session and the cohort report'
    );
    this._box.type = 'checkbox';
    this._box.addEventListener('change', () => onChange(this._box.checked));
    this.node.append(this._box, document.createTextNode(' ' + trans.__('Facilitator mode')));
  }

  /** Whether the switch shows facilitator mode on. */
  get checked(): boolean {
    return this._box.checked;
  }

  set checked(on: boolean) {
    this._box.checked = on;
  }

  private readonly _box = document.createElement('input');
}

/**
 * Facilitator mode's session summary: time per step, rotations, the checks
 * that failed most, and who ran how many cells.
 */
export class FacilitatorSection extends Widget {
  constructor(
    private readonly sessions: SessionManager,
    private readonly lessons: () => ILesson[] = () => []
  ) {
    super();
    this.addClass('jp-pairlab-facilitator');
    sessions.changed.connect(() => void this.refresh());
    sessions.activity.connect(() => void this.refresh());
  }

  /** Reload the summary of the running session. */
  async refresh(): Promise<void> {
    if (this.isHidden) {
      return;
    }
    const heading = document.createElement('h3');
    heading.className = 'jp-pairlab-section-title';
    heading.textContent = trans.__('Facilitator: session summary');
    const actions = this._actions();
    let summary: ISummary | null = null;
    try {
      summary = await this.sessions.summary();
    } catch (error) {
      this.node.replaceChildren(
        heading,
        this._text(trans.__('Summary unavailable: %1', errorWords(error))),
        actions,
        this._error
      );
      return;
    }
    if (summary === null) {
      this.node.replaceChildren(heading, this._text(trans.__('No session yet.')), actions, this._error);
      return;
    }
    const id = this.sessions.latest?.id ?? '';
    this.node.replaceChildren(
      heading,
      this._text(
        this.sessions.active === null
          ? trans.__('Session %1 (ended)', id)
          : trans.__('Session %1', id)
      ),
      el('p', 'jp-pairlab-summary-lesson', this._lesson(summary.lesson)),
      ...this._render(summary),
      actions,
      this._error
    );
  }

  /** Download the running (else the last) session's export, the JSON `pairlab report` reads. */
  async exportSession(): Promise<void> {
    const { id, data } = await this.sessions.exportSession();
    download(`pairlab-session-${id}.json`, 'application/json', JSON.stringify(data, null, 2));
  }

  /** Download the cohort report of this server's sessions, the page `pairlab report` writes. */
  async downloadReport(): Promise<void> {
    download('cohort-report.html', 'text/html', await this.sessions.report());
  }

  private _actions(): HTMLElement {
    const actions = el('div', 'jp-pairlab-actions');
    const exporter = el('button', 'jp-Button jp-mod-styled jp-pairlab-export', trans.__('Export session'));
    exporter.type = 'button';
    exporter.disabled = this.sessions.latest === null;
    exporter.title = trans.__('Save this session as JSON: pairlab report reads it');
    exporter.addEventListener('click', () => void this._run(() => this.exportSession()));
    const report = el('button', 'jp-Button jp-mod-styled jp-pairlab-report', trans.__('Download cohort report'));
    report.type = 'button';
    report.title = trans.__("One HTML page of every session on this server, as 'pairlab report' writes it");
    report.addEventListener('click', () => void this._run(() => this.downloadReport()));
    actions.append(exporter, report);
    return actions;
  }

  private async _run(action: () => Promise<void>): Promise<void> {
    this._error.textContent = '';
    try {
      await action();
    } catch (error) {
      this._error.textContent = errorWords(error);
    }
  }

  protected onAfterShow(): void {
    void this.refresh();
  }

  /** Name the session's lesson as the guide numbers it ("Lesson 0. Welcome ..."). */
  private _lesson(id: string | null): string {
    if (id === null) {
      return trans.__('Lesson: none chosen (started outside a lesson notebook).');
    }
    const lesson = this.lessons().find(l => l.id === id);
    return lesson
      ? trans.__('Lesson %1. %2', lesson.number, lesson.title)
      : trans.__('Lesson: %1', id);
  }

  private _render(summary: ISummary): HTMLElement[] {
    const steps = document.createElement('ul');
    steps.className = 'jp-pairlab-summary-steps';
    steps.append(...summary.steps.map(s => item(`${s.step}: ${duration(s.seconds)}`)));
    const checks = document.createElement('ul');
    checks.className = 'jp-pairlab-summary-checks';
    checks.append(
      ...summary.failed_checks.map(c => item(trans.__('%1: failed %2×', c.check, c.failures)))
    );
    const runs = document.createElement('ul');
    runs.className = 'jp-pairlab-summary-runs';
    runs.append(
      ...summary.executions.map(e => item(trans.__('%1: %2 runs, %3 errors', e.user, e.runs, e.errors)))
    );
    const prompts = el('ul', 'jp-pairlab-summary-prompts');
    prompts.append(
      ...(summary.prompts ?? []).map(p => {
        const row = item(
          p.participant === null
            ? trans.__('Rotation %1: a shared keyboard prompted (%2 next)', p.rotation + 1, p.next)
            : trans.__("Rotation %1: %2's browser prompted (%3 next)", p.rotation + 1, p.participant, p.next)
        );
        row.dataset.participant = p.participant ?? '';
        return row;
      })
    );
    return [
      this._text(
        trans._n(
          '%2 so far, %1 rotation.',
          '%2 so far, %1 rotations.',
          summary.rotations.length,
          duration(summary.duration_seconds)
        )
      ),
      this._text(trans.__('Rotation prompts, per browser:')),
      prompts,
      this._text(trans.__('Time per completed step:')),
      steps,
      this._text(trans.__('Checks that failed most:')),
      checks,
      this._text(trans.__('Cells run per person:')),
      runs
    ];
  }

  private _text(text: string): HTMLParagraphElement {
    return el('p', '', text);
  }

  private readonly _error = el('p', 'jp-pairlab-error');
}
