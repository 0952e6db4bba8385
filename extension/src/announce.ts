import { Widget } from '@lumino/widgets';

import { el } from './dom';

/**
 * One polite live region for the whole guide: the countdown (once a minute and when due),
 * the rotation prompt and each check's verdict are said through it. It lives outside the
 * sections, which redraw their DOM, so screen readers keep following the same node.
 */
class Announcer extends Widget {
  constructor() {
    super({ node: el('div', 'jp-pairlab-live') });
    this.node.setAttribute('role', 'status');
    this.node.setAttribute('aria-live', 'polite');
    this.node.setAttribute('aria-atomic', 'true');
  }

  /** Say `text`, unless it is what was said last (a tick that changed nothing says nothing). */
  say(text: string): void {
    if (text !== this._last) {
      this._last = text;
      this.node.textContent = text;
    }
  }

  private _last = '';
}

/** The guide's live region; the panel adds it once. */
export const announcer = new Announcer();
