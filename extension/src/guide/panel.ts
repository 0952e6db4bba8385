import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';

import { PairlabRequestError, requestAPI } from '../request';
import { CommandIDs, GUIDE_ID, ILesson, ILessonsResponse } from '../tokens';
import { pairIcon } from './icon';

/**
 * The left-sidebar pairing guide; for now it lists the curriculum's lessons.
 */
export class GuidePanel extends Widget {
  constructor(private readonly commands: CommandRegistry) {
    super();
    this.id = GUIDE_ID;
    this.addClass('jp-pairlab-guide');
    this.title.icon = pairIcon;
    this.title.caption = 'Pairing guide';
    this.title.label = '';
    this.node.setAttribute('aria-label', 'Pairing guide');
    const heading = document.createElement('h2');
    heading.textContent = 'Pairing guide';
    this._body = document.createElement('div');
    this._body.className = 'jp-pairlab-body';
    this.node.append(heading, this._body);
  }

  /** Fetch the lessons from the server and show them. */
  async refresh(): Promise<void> {
    this._show(this._message('Loading lessons…', 'jp-pairlab-loading'));
    try {
      const { lessons } = await requestAPI<ILessonsResponse>('lessons');
      this._show(this._lessonList(lessons));
    } catch (error) {
      const text =
        error instanceof PairlabRequestError
          ? `Could not load the lessons: ${error.message}. ${error.fix}`
          : `Could not reach the pairlab server extension: ${String(error)}`;
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
        'The curriculum has no lessons. Reinstall pairlab to restore them.',
        'jp-pairlab-empty'
      );
    }
    const list = document.createElement('ol');
    list.className = 'jp-pairlab-lessons';
    for (const lesson of lessons) {
      list.append(this._lessonItem(lesson));
    }
    return list;
  }

  private _lessonItem(lesson: ILesson): HTMLElement {
    const item = document.createElement('li');
    item.className = 'jp-pairlab-lesson';
    item.dataset.lessonId = lesson.id;
    const open = document.createElement('button');
    open.className = 'jp-pairlab-lesson-title';
    open.textContent = lesson.title;
    open.title = `Open ${lesson.notebook}`;
    open.addEventListener('click', () => {
      void this.commands.execute(CommandIDs.openLesson, { path: lesson.notebook });
    });
    const summary = document.createElement('p');
    summary.className = 'jp-pairlab-lesson-summary';
    summary.textContent = `${lesson.summary} (${lesson.steps.length} steps)`;
    item.append(open, summary);
    return item;
  }

  private readonly _body: HTMLDivElement;
}
