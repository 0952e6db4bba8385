import { IRenderMimeRegistry, MimeModel } from '@jupyterlab/rendermime';

import { el } from '../dom';
import { ILesson } from '../tokens';

/**
 * Return the lesson's number as its notebook says it ("Lesson 0" for 00-welcome.ipynb),
 * so the guide counts 0-12 like the notebooks.
 */
export function lessonNumber(lesson: ILesson, lessons: ILesson[]): number {
  const match = /^(\d+)/.exec(lesson.notebook.split('/').pop() ?? '');
  return match ? Number(match[1]) : lessons.indexOf(lesson);
}

/**
 * Return a lesson's facilitator notes rendered as markdown (JupyterLab's own
 * sanitizing renderer); plain paragraphs when no renderer is available.
 */
export function facilitatorNotes(
  lesson: ILesson,
  rendermime: IRenderMimeRegistry | null
): HTMLElement {
  const box = el('div', 'jp-pairlab-facilitator-notes');
  box.dataset.lessonId = lesson.id;
  box.append(el('strong', 'jp-pairlab-notes-title', 'Facilitator notes'));
  const source = lesson.facilitator_notes.trim();
  if (rendermime === null) {
    for (const paragraph of source.split(/\n\s*\n/)) {
      box.append(el('p', '', paragraph.replace(/\s*\n\s*/g, ' ')));
    }
    return box;
  }
  const model = new MimeModel({ data: { 'text/markdown': source }, trusted: false });
  const renderer = rendermime.createRenderer('text/markdown');
  box.append(renderer.node);
  void renderer.renderModel(model);
  return box;
}
