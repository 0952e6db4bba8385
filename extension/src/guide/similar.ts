import { NotebookPanel } from '@jupyterlab/notebook';
import { Widget } from '@lumino/widgets';

import { el } from '../dom';
import { decisionWords } from './decision';
import { errorWords, requestAPI } from '../request';
import { ISimilarReply } from '../tokens';
import { trans } from '../translate';

/**
 * "Similar products": catalog products that already use the tables the open
 * notebook queries, so the pair reuses before it builds.
 */
export class SimilarSection extends Widget {
  constructor() {
    super();
    this.addClass('jp-pairlab-similar');
    this._show([]);
  }

  /** Follow a new current notebook, and refresh whenever it is saved. */
  setNotebook(panel: NotebookPanel | null): void {
    if (panel === this._panel) {
      return;
    }
    this._panel?.context.saveState.disconnect(this._onSave, this);
    this._panel = panel;
    panel?.context.saveState.connect(this._onSave, this);
    void this.refresh();
  }

  /** Ask the server which products overlap the notebook's tables. */
  async refresh(): Promise<void> {
    const panel = this._panel;
    if (panel === null) {
      this._show([]);
      return;
    }
    await panel.context.ready;
    const path = encodeURIComponent(panel.context.path);
    try {
      const reply = await requestAPI<ISimilarReply>(`catalog/similar?path=${path}`);
      if (panel === this._panel) {
        this._show(this._list(reply));
      }
    } catch (error) {
      const text =
        errorWords(error);
      this._show([el('p', 'jp-pairlab-error', trans.__('Catalog unavailable: %1', text))]);
    }
  }

  private _onSave(_: unknown, state: string): void {
    if (state === 'completed') {
      void this.refresh();
    }
  }

  private _show(content: HTMLElement[]): void {
    const title = el('h3', 'jp-pairlab-section-title', trans.__('Similar products'));
    const hint = this._panel === null ? [el('p', 'jp-pairlab-hint', trans.__('Open a notebook to see which existing products use its tables.'))] : [];
    this.node.replaceChildren(title, ...hint, ...content);
  }

  private _list(reply: ISimilarReply): HTMLElement[] {
    if (reply.products.length === 0) {
      const what =
        reply.tables.length === 0
          ? trans.__('This notebook queries no warehouse tables yet.')
          : trans.__('No catalog product uses %1 yet.', reply.tables.join(', '));
      return [el('p', 'jp-pairlab-hint', what)];
    }
    const list = el('ul', 'jp-pairlab-similar-list');
    for (const product of reply.products) {
      const item = el('li', `jp-pairlab-similar-product jp-pairlab-product-${product.status}`);
      item.dataset.productId = product.id;
      const ports = product.output_ports.map(p => p.name).join(', ');
      const uses = product.matches.map(m => `${m.how} ${m.target}`).join('; ');
      item.append(
        el('strong', '', product.name),
        el('span', 'jp-pairlab-badge', product.status),
        el('p', 'jp-pairlab-similar-owner', `${product.owner} (${product.team})`),
        el('p', 'jp-pairlab-similar-uses', trans.__('%1; outputs: %2', uses, ports))
      );
      const decided = decisionWords(product.decision ?? '', product.decided_on ?? '');
      if (decided) {
        item.append(el('p', 'jp-pairlab-similar-decision', decided));
      }
      list.append(item);
    }
    return [list];
  }

  private _panel: NotebookPanel | null = null;
}
