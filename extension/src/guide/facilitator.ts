import { Widget } from '@lumino/widgets';

import { el } from '../dom';
import { ISummary, SessionManager } from '../session/manager';

/** Format seconds as "12 min" or "45 s". */
function duration(seconds: number): string {
  return seconds >= 60 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds)} s`;
}

/** Return a list item with text. */
function item(text: string): HTMLLIElement {
  return el('li', '', text);
}

/**
 * Facilitator mode's session summary: time per step, rotations, the checks
 * that failed most, and who ran how many cells.
 */
export class FacilitatorSection extends Widget {
  constructor(private readonly sessions: SessionManager) {
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
    heading.textContent = 'Facilitator: session summary';
    let summary: ISummary | null = null;
    try {
      summary = await this.sessions.summary();
    } catch (error) {
      this.node.replaceChildren(heading, this._text(`Summary unavailable: ${String(error)}`));
      return;
    }
    if (summary === null) {
      this.node.replaceChildren(heading, this._text('No session running.'));
      return;
    }
    this.node.replaceChildren(heading, ...this._render(summary));
  }

  protected onAfterShow(): void {
    void this.refresh();
  }

  private _render(summary: ISummary): HTMLElement[] {
    const steps = document.createElement('ul');
    steps.className = 'jp-pairlab-summary-steps';
    steps.append(...summary.steps.map(s => item(`${s.step}: ${duration(s.seconds)}`)));
    const checks = document.createElement('ul');
    checks.className = 'jp-pairlab-summary-checks';
    checks.append(
      ...summary.failed_checks.map(c => item(`${c.check}: failed ${c.failures}×`))
    );
    const runs = document.createElement('ul');
    runs.className = 'jp-pairlab-summary-runs';
    runs.append(
      ...summary.executions.map(e => item(`${e.user}: ${e.runs} runs, ${e.errors} errors`))
    );
    return [
      this._text(
        `${duration(summary.duration_seconds)} so far, ${summary.rotations.length} rotations.`
      ),
      this._text('Time per completed step:'),
      steps,
      this._text('Checks that failed most:'),
      checks,
      this._text('Cells run per person:'),
      runs
    ];
  }

  private _text(text: string): HTMLParagraphElement {
    return el('p', '', text);
  }
}
