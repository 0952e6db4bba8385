import { NotebookPanel } from '@jupyterlab/notebook';

const HIGHLIGHT = 'jp-pairlab-highlight';

/**
 * Scroll to and highlight the cells a step concerns: the cells its checks
 * named by id, else the cells tagged `tag` (never found by CSS selectors).
 */
export async function highlightCells(
  panel: NotebookPanel,
  ids: string[],
  tag: string
): Promise<number> {
  const notebook = panel.content;
  const wanted = new Set(ids);
  const hits = notebook.widgets.filter(cell => {
    const tags = cell.model.getMetadata('tags');
    return wanted.has(cell.model.id) || (Array.isArray(tags) && tags.includes(tag));
  });
  for (const cell of notebook.widgets) {
    cell.toggleClass(HIGHLIGHT, hits.includes(cell));
  }
  if (hits.length > 0) {
    notebook.activeCellIndex = notebook.widgets.indexOf(hits[0]);
    await notebook.scrollToCell(hits[0]);
  }
  return hits.length;
}
