import { NotebookPanel } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { Widget } from '@lumino/widgets';

import { announcer } from '../announce';
import { el } from '../dom';
import { PairlabRequestError, errorWords, requestAPI } from '../request';
import { SessionManager } from '../session/manager';
import { ICheckReply, ICheckResult, ILesson, IStep, IStepsReply } from '../tokens';
import { CheckCancelled, CheckRunner, ICheckJob, progressWords } from './checkjob';
import { highlightCells } from './highlight';
import { SharedRuns } from './runs';
import { facilitatorNotes } from './notes';
import { NotebookSaver } from './save';
import { trans } from '../translate';

type Status = 'pass' | 'fail' | 'error' | 'pending' | 'running' | 'cancelled' | 'unchecked';

/** A step's status as its badge shows it: the server keeps the English key. */
function statusName(status: Status): string {
  const names: Record<Status, string> = {
    pass: trans.__('pass'),
    fail: trans.__('fail'),
    error: trans.__('error'),
    pending: trans.__('pending'),
    running: trans.__('running'),
    cancelled: trans.__('cancelled'),
    unchecked: trans.__('unchecked')
  };
  return names[status] ?? status;
}

/** How often a long check's progress is said aloud (the screen shows every poll). */
const SAY_PROGRESS_MS = 15000;

/** How long a Check waits for cells still running (Run All) before it checks anyway. */
const BUSY_WAIT_MS = 120000;

/** Whether any cell of the notebook is queued or running (shown as [*]). */
function cellsRunning(panel: NotebookPanel): boolean {
  const kernel = panel.sessionContext.session?.kernel;
  if (kernel && kernel.status === 'busy') {
    return true;
  }
  return panel.content.widgets.some(cell => {
    const model = cell.model as { executionState?: string };
    return model.executionState === 'running';
  });
}

/**
 * Wait until the kernel has finished what the pair asked it to run, so a Check
 * right after Run All judges the finished notebook, not a half-run one.
 */
async function idle(panel: NotebookPanel): Promise<void> {
  const deadline = Date.now() + BUSY_WAIT_MS;
  let quietSince = 0;
  while (Date.now() < deadline) {
    if (cellsRunning(panel)) {
      quietSince = 0;
    } else if (quietSince === 0) {
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= 300) {
      return; // idle across two polls: not just the gap between two queued cells
    }
    await new Promise(resolve => setTimeout(resolve, 150));
  }
}

/**
 * The steps of the open lesson notebook (or the practice checks of any other
 * notebook), each with its goal, a hint on request, its status and a Check button.
 */
export class StepsSection extends Widget {
  constructor(
    private readonly sessions: SessionManager,
    private readonly lessons: () => ILesson[],
    private readonly rendermime: IRenderMimeRegistry | null = null,
    private readonly saver = new NotebookSaver()
  ) {
    super();
    this.addClass('jp-pairlab-steps');
    this.render();
  }

  /** Whether facilitator notes show beside the steps. */
  set showNotes(on: boolean) {
    this._showNotes = on;
    this.render();
  }

  /** The lesson of the current notebook, if it is a lesson. */
  get lesson(): ILesson | null {
    const path = this._panel?.context.path;
    if (!path) {
      return null;
    }
    const name = path.split('/').pop();
    return this.lessons().find(l => l.notebook === name || l.notebook === path) ?? null;
  }

  /** Follow a new current notebook (or none). */
  async setNotebook(panel: NotebookPanel | null): Promise<void> {
    if (panel === this._panel) {
      return;
    }
    this._panel?.context.saveState.disconnect(this._onSave, this);
    this._saveDone?.(); // the old notebook's save no longer gates this one's checks
    this._saving = null;
    this._panel = panel;
    this._status.clear();
    this._results.clear();
    panel?.context.saveState.connect(this._onSave, this);
    this.render();
    if (panel !== null) {
      await panel.context.ready;
      await this._restore(panel.context.path);
    }
  }

  /**
   * Check one step of the lesson (or the practice checks when `step` is null). A second press
   * while the step's check runs shares that run.
   */
  check(step: IStep | null): Promise<void> {
    const key = step?.id ?? '';
    return this._runs.run(key, () => this._check(step, key));
  }

  /** Check a step after a save: now, or again once a check that read the file before ends. */
  private _recheck(step: IStep | null): void {
    const key = step?.id ?? '';
    void this._runs.again(key, () => this._check(step, key));
  }

  /** Cancel the running check of a step (or of the practice checks when `step` is null). */
  async cancel(step: IStep | null): Promise<void> {
    await this._runner.cancel(this._runKey(step?.id ?? ''));
  }

  private async _check(step: IStep | null, key: string): Promise<void> {
    const panel = this._panel;
    if (panel === null) {
      return;
    }
    const lesson = this.lesson;
    this._status.set(key, 'running');
    this._progress.delete(key);
    this.render();
    try {
      await idle(panel); // cells still running (Run All) must finish before the check
      await this._saving; // a save already under way (Ctrl+S) must land before another starts
      await this.saver.save(panel); // checks read the file: check what the pair sees
      const session = this.sessions.active?.id;
      const body =
        step && lesson
          ? { path: panel.context.path, step: `${lesson.id}/${step.id}`, session }
          : { path: panel.context.path, set: 'practice' };
      const title = step?.title ?? trans.__('Practice checks');
      let said = 0;
      const reply: ICheckReply = await this._runner.run(this._runKey(key), body, job => {
        this._showProgress(key, job);
        if (Date.now() - said >= SAY_PROGRESS_MS) {
          said = Date.now(); // politely: the first poll, then every 15 s, never every second
          announcer.say(trans.__('%1: %2. Cancel stops the check.', title, progressWords(job)));
        }
      });
      // The server decided and recorded the verdict; the guide only shows it.
      this._settle(key, reply.verdict, reply.results);
      if (reply.recorded?.session) {
        this.sessions.noteActivity();
      }
    } catch (error) {
      if (error instanceof CheckCancelled) {
        this._settle(key, 'cancelled', []);
        return;
      }
      const message = errorWords(error);
      this._settle(key, 'error', [{ id: 'request', status: 'error', message, cells: [] }]);
    }
  }

  /** The runner's key: the notebook and the step, so two steps or notebooks never share. */
  private _runKey(key: string): string {
    return JSON.stringify([this._panel?.context.path ?? '', key]);
  }

  /** Show a long check's progress in place: a redraw would take the focus off Cancel. */
  private _showProgress(key: string, job: ICheckJob): void {
    const words = progressWords(job);
    const first = !this._progress.has(key);
    this._progress.set(key, words);
    const where = key ? `[data-step-id="${CSS.escape(key)}"]` : '.jp-pairlab-practice';
    const line = this.node.querySelector(`${where} .jp-pairlab-progress`);
    if (first || line === null) {
      this.render(); // the Cancel button appears once the check is a job
    } else {
      line.textContent = words;
    }
  }

  /** The progress line and Cancel button of a running check, once it takes more than a second. */
  private _running(key: string, step: IStep | null): HTMLElement[] {
    const words = this._progress.get(key);
    if (this._status.get(key) !== 'running' || words === undefined) {
      return [];
    }
    const line = el('p', 'jp-pairlab-progress', words);
    const cancel = el('button', 'jp-Button jp-mod-styled jp-mod-reject jp-pairlab-cancel', trans.__('Cancel'));
    cancel.title = trans.__('Stop this check (nothing is recorded)');
    cancel.addEventListener('click', () => void this.cancel(step));
    return [line, cancel];
  }

  /** Check the lesson's first unfinished step, or the practice checks. */
  async checkCurrent(): Promise<void> {
    const lesson = this.lesson;
    const step = lesson?.steps.find(s => this._status.get(s.id) !== 'pass') ?? null;
    await this.check(lesson === null ? null : (step ?? lesson.steps[0] ?? null));
  }

  /** Redraw the section. */
  render(): void {
    const parts: HTMLElement[] = [];
    const lesson = this.lesson;
    if (this._panel === null) {
      parts.push(
        el('h3', 'jp-pairlab-section-title', trans.__('Steps')),
        el(
          'p',
          'jp-pairlab-empty',
          trans.__(
            'Open a lesson from the list below to see its steps, or any notebook for the practice checks.'
          )
        )
      );
    } else if (lesson === null) {
      parts.push(el('h3', 'jp-pairlab-section-title', trans.__('Practice checks')), this._practice());
    } else {
      const title = trans.__('Steps: Lesson %1. %2', lesson.number, lesson.title);
      parts.push(el('h3', 'jp-pairlab-section-title', title));
      if (this._showNotes && lesson.facilitator_notes) {
        parts.push(facilitatorNotes(lesson, this.rendermime)); // once per lesson, not per step
      }
      const list = el('ol', 'jp-pairlab-step-list');
      list.append(...lesson.steps.map(step => this._step(step)));
      parts.push(list);
    }
    this.node.replaceChildren(...parts);
  }

  private _settle(key: string, status: Status, results: ICheckResult[]): void {
    // Focus on Cancel (or Check) must not fall to the page when the redraw removes it.
    const focused = this.node.contains(document.activeElement);
    this._status.set(key, status);
    this._results.set(key, results);
    this._progress.delete(key);
    this.render();
    if (focused && !this.node.contains(document.activeElement)) {
      const where = key ? `[data-step-id="${CSS.escape(key)}"]` : '.jp-pairlab-practice';
      this.node.querySelector<HTMLElement>(`${where} .jp-pairlab-check`)?.focus();
    }
    // Say the verdict: which step, passed or not, and the first problem to fix.
    const title = this.lesson?.steps.find(s => s.id === key)?.title ?? trans.__('Practice checks');
    const problem = results.find(r => r.status !== 'pass');
    const words: Partial<Record<Status, string>> = {
      pass: trans.__('passed'),
      fail: trans.__('failed'),
      error: trans.__('could not be checked'),
      pending: trans.__('waiting for Re-check'),
      cancelled: trans.__('check cancelled')
    };
    const verdict = words[status] ?? status;
    announcer.say(
      problem
        ? trans.__('%1: %2. %3: %4', title, verdict, problem.id, problem.message)
        : trans.__('%1: %2', title, verdict)
    );
  }

  private async _restore(path: string): Promise<void> {
    try {
      const reply = await requestAPI<IStepsReply>(`steps?path=${encodeURIComponent(path)}`);
      const lesson = this.lesson;
      for (const [key, value] of Object.entries(reply.steps)) {
        const [lessonId, stepId] = key.split('/');
        if (lesson && lessonId === lesson.id && !this._status.has(stepId)) {
          this._status.set(stepId, value.status as Status);
        }
      }
      this.render();
    } catch (error) {
      console.warn('pairlab: could not restore step status', error);
    }
  }

  private _onSave(_: unknown, state: string): void {
    if (state === 'started') {
      this._saving = new Promise(resolve => (this._saveDone = resolve));
      return;
    }
    this._saveDone?.();
    this._saving = null;
    if (state !== 'completed') {
      return;
    }
    const lesson = this.lesson;
    if (lesson === null) {
      if (this._status.has('')) {
        this._recheck(null);
      }
      return;
    }
    // Re-check the step the pair is working on: the first one not yet done.
    const current = lesson.steps.find(s => this._status.get(s.id) !== 'pass');
    if (current) {
      this._recheck(current);
    }
  }

  private _step(step: IStep): HTMLElement {
    const status = this._status.get(step.id) ?? 'unchecked';
    const item = el('li', `jp-pairlab-step jp-pairlab-status-${status}`);
    item.dataset.stepId = step.id;
    item.dataset.status = status;
    const title = el('button', 'jp-pairlab-step-title', step.title);
    title.title = trans.__('Show the cells this step concerns');
    title.addEventListener('click', () => this._highlight(step));
    const badge = el('span', 'jp-pairlab-badge', statusName(status));
    const goal = el('p', 'jp-pairlab-step-goal', step.goal);
    const hint = el('p', 'jp-pairlab-step-hint', step.hint);
    hint.hidden = true;
    const actions = el('div', 'jp-pairlab-actions');
    const show = el('button', 'jp-Button jp-mod-styled jp-pairlab-show-hint', trans.__('Hint'));
    show.addEventListener('click', () => {
      hint.hidden = !hint.hidden;
    });
    const check = el('button', 'jp-Button jp-mod-styled jp-mod-accept jp-pairlab-check', trans.__('Check'));
    check.disabled = status === 'running';
    check.addEventListener('click', () => void this.check(step));
    if (step.hint) {
      actions.append(show);
    }
    actions.append(check, ...this._running(step.id, step));
    item.append(badge, title, goal, hint, actions, this._resultList(step.id));
    return item;
  }

  private _practice(): HTMLElement {
    const box = el('div', 'jp-pairlab-practice');
    const status = this._status.get('') ?? 'unchecked';
    const check = el('button', 'jp-Button jp-mod-styled jp-mod-accept jp-pairlab-check', trans.__('Check'));
    check.disabled = status === 'running';
    check.addEventListener('click', () => void this.check(null));
    box.append(
      el(
        'p',
        'jp-pairlab-hint',
        trans.__('This notebook is not a lesson; these checks apply to any notebook.')
      ),
      check,
      ...this._running('', null),
      this._resultList('')
    );
    box.dataset.status = status;
    return box;
  }

  private _resultList(key: string): HTMLElement {
    const list = el('ul', 'jp-pairlab-results');
    for (const result of this._results.get(key) ?? []) {
      const row = el('li', `jp-pairlab-result jp-pairlab-status-${result.status}`);
      row.dataset.checkId = result.id;
      row.append(el('strong', '', `${result.id}: `), el('span', '', result.message));
      if (result.status !== 'pass' && result.cells.length > 0 && this._panel) {
        // A failed check names its cells: one click takes the pair there.
        row.classList.add('jp-pairlab-jump');
        row.title = trans.__('Go to the cell this message names');
        row.addEventListener('click', () => {
          if (this._panel) {
            void highlightCells(this._panel, result.cells.slice(0, 1), '');
          }
        });
      }
      list.append(row);
    }
    return list;
  }

  private _highlight(step: IStep): void {
    if (this._panel === null) {
      return;
    }
    const ids = (this._results.get(step.id) ?? []).flatMap(r => r.cells);
    void highlightCells(this._panel, ids, `step:${step.id}`);
  }

  private _panel: NotebookPanel | null = null;
  private _saving: Promise<void> | null = null;
  private _saveDone: (() => void) | null = null;
  private _showNotes = false;
  private readonly _status = new Map<string, Status>();
  private readonly _results = new Map<string, ICheckResult[]>();
  private readonly _progress = new Map<string, string>();
  private readonly _runs = new SharedRuns();
  private readonly _runner = new CheckRunner(
    requestAPI,
    (status, error, fix) => new PairlabRequestError(status, error, fix)
  );
}
