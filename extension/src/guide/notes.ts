import { IRenderMimeRegistry, MimeModel } from '@jupyterlab/rendermime';

import { el } from '../dom';
import { ILesson } from '../tokens';
import { trans } from '../translate';

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
  box.append(el('strong', 'jp-pairlab-notes-title', trans.__('Facilitator notes')));
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
