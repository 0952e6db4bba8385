import { CommandRegistry } from '@lumino/commands';
import { ISignal, Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { IRenderMimeRegistry } from '@jupyterlab/rendermime';

import { errorWords, PairlabRequestError, requestAPI } from '../request';
import { CommandIDs, ILesson, ILessonsResponse } from '../tokens';
import { facilitatorNotes } from './notes';
import { trans } from '../translate';

/**
 * The guide's list of the curriculum's lessons, read from the server.
 */
export class LessonsSection extends Widget {
  constructor(
    private readonly commands: CommandRegistry,
    private readonly rendermime: IRenderMimeRegistry | null = null
  ) {
    super();
    this.addClass('jp-pairlab-lessons-section');
    const heading = document.createElement('h3');
    heading.className = 'jp-pairlab-section-title';
    heading.textContent = trans.__('Lessons');
    this._body = document.createElement('div');
    this._body.className = 'jp-pairlab-body';
    this.node.append(heading, this._body);
  }

  /** Emitted when the lessons arrive from the server. */
  get loaded(): ISignal<this, ILesson[]> {
    return this._loaded;
  }

  /** The lessons last loaded from the server. */
  get lessons(): ILesson[] {
    return this._lessons;
  }

  /** Whether each lesson shows its facilitator notes. */
  set showNotes(on: boolean) {
    this._showNotes = on;
    if (this._lessons.length > 0) {
      this._show(this._lessonList(this._lessons));
    }
  }

  /** Fetch the lessons from the server and show them. */
  async refresh(): Promise<void> {
    this._show(this._message(trans.__('Loading lessons…'), 'jp-pairlab-loading'));
    try {
      const { lessons } = await requestAPI<ILessonsResponse>('lessons');
      this._lessons = lessons;
      this._show(this._lessonList(lessons));
      this._loaded.emit(lessons);
    } catch (error) {
      const text =
        error instanceof PairlabRequestError
          ? trans.__('Could not load the lessons. %1', errorWords(error))
          : trans.__('Could not reach the pairlab server extension: %1', errorWords(error));
      this._show(this._message(text, 'jp-pairlab-error'));
    }
  }

  private _show(content: HTMLElement): void {
    this._body.replaceChildren(content);
  }

  private _message(text: string, className: string): HTMLElement {
    const p = document.createElement('p');
    p.className = className;
    p.textContent = text;
    return p;
  }

  private _lessonList(lessons: ILesson[]): HTMLElement {
    if (lessons.length === 0) {
      return this._message(
        trans.__('The curriculum has no lessons. Reinstall pairlab to restore them.'),
        'jp-pairlab-empty'
      );
    }
    // The number is written out (Lesson 0-12, as the notebooks say), not the list's own 1-13.
    const list = document.createElement('ul');
    list.className = 'jp-pairlab-lessons';
    for (const lesson of lessons) {
      list.append(this._lessonItem(lesson, lesson.number));
    }
    return list;
  }

  private _lessonItem(lesson: ILesson, number: number): HTMLElement {
    const item = document.createElement('li');
    item.className = 'jp-pairlab-lesson';
    item.dataset.lessonId = lesson.id;
    item.dataset.number = String(number);
    const open = document.createElement('button');
    open.className = 'jp-pairlab-lesson-title';
    open.textContent = lesson.title;
    open.title = trans.__('Open %1', lesson.notebook);
    open.addEventListener('click', () => {
      void this.commands.execute(CommandIDs.openLesson, { path: lesson.notebook });
    });
    const summary = document.createElement('p');
    summary.className = 'jp-pairlab-lesson-summary';
    summary.textContent = trans._n(
      '%2 (%1 step)',
      '%2 (%1 steps)',
      lesson.steps.length,
      lesson.summary
    );
    const label = document.createElement('span');
    label.className = 'jp-pairlab-lesson-number';
    label.textContent = trans.__('Lesson %1: ', number);
    item.append(label, open, summary);
    if (this._showNotes && lesson.facilitator_notes) {
      item.append(facilitatorNotes(lesson, this.rendermime));
    }
    return item;
  }

  private readonly _body: HTMLDivElement;
  private _lessons: ILesson[] = [];
  private _showNotes = false;
  private readonly _loaded = new Signal<this, ILesson[]>(this);
}
