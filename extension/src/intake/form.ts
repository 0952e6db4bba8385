/**
 * The "Request a pairing" form's words and body: pure functions, no DOM, tested in node.
 */

import { trans } from '../translate.js';

/** The form's fields as typed (every one a string; lists comma-separated). */
export interface IRequestFields {
  team: string;
  idea: string;
  consumer: string;
  statement: string;
  metric: string;
  threshold: string;
  window: string;
  tables: string;
  products: string;
  analysts: string;
  free_from: string;
  not_fit: string;
}

/** What POST /pairlab/intake/requests takes (the cohort service's request, docs/intake.md). */
export interface IRequestBody {
  team: string;
  idea: string;
  consumer: string;
  hypothesis: {
    statement: string;
    metric?: string;
    threshold?: number | string;
    window?: string;
  };
  tables: string[];
  products: string[];
  analysts: string[];
  free_from?: string;
  not_fit?: string;
}

/** One score part as the queue shows it ("new team" +2). */
export interface IScorePart {
  part: string;
  points: number;
}

/** A request as its requester sees it: state, place in the queue, score, reuse answer. */
export interface IRequestView {
  id: number;
  team: string;
  idea: string;
  state: string;
  position: number | null;
  expected_start: string | null;
  score: { total: number; parts: IScorePart[] };
  answer: { message: string; team: string } | null;
  notes?: string[];
  duplicate?: boolean;
}

/** What GET /pairlab/intake/requests answers: the user's team and its requests. */
export interface IRequestList {
  team: string | null;
  requests: IRequestView[];
  limit: number;
}

/** Return the names in a comma- or line-separated list, trimmed, each once, in order. */
export function names(text: string): string[] {
  const found: string[] = [];
  for (const part of text.split(/[,\n]/)) {
    const name = part.trim();
    if (name && !found.includes(name)) {
      found.push(name);
    }
  }
  return found;
}

/**
 * Return the body to send for the typed fields. A threshold that is not a number goes as
 * typed: the service's one parser refuses it with its own words, not a second rule here.
 */
export function requestBody(fields: IRequestFields): IRequestBody {
  const hypothesis: IRequestBody['hypothesis'] = { statement: fields.statement.trim() };
  if (fields.metric.trim()) {
    hypothesis.metric = fields.metric.trim();
  }
  const threshold = fields.threshold.trim();
  if (threshold) {
    const value = Number(threshold);
    hypothesis.threshold = Number.isFinite(value) ? value : threshold;
  }
  if (fields.window.trim()) {
    hypothesis.window = fields.window.trim();
  }
  const body: IRequestBody = {
    team: fields.team.trim(),
    idea: fields.idea.trim(),
    consumer: fields.consumer.trim(),
    hypothesis,
    tables: names(fields.tables),
    products: names(fields.products),
    analysts: names(fields.analysts)
  };
  if (fields.free_from.trim()) {
    body.free_from = fields.free_from.trim();
  }
  if (fields.not_fit.trim()) {
    body.not_fit = fields.not_fit.trim();
  }
  return body;
}

/** Return where a request stands, in one sentence: reuse, its place in the queue, or its state. */
export function standing(view: IRequestView): string {
  const name = trans.__('Request %1 (%2)', view.id, view.idea);
  switch (view.state) {
    case 'answered':
      return trans.__(
        '%1 is answered by reuse and not queued: %2; talk to team %3.',
        name,
        view.answer?.message ?? trans.__('see the Intake page'),
        view.answer?.team ?? '?'
      );
    case 'waiting': {
      const place = view.position ?? '?';
      return view.expected_start
        ? trans.__('%1 is number %2 in the queue, expected to start %3.', name, place, view.expected_start)
        : trans.__('%1 is number %2 in the queue.', name, place);
    }
    case 'active':
      return trans.__('%1 is active: its pairing has started.', name);
    default:
      return trans.__('%1 is %2.', name, view.state);
  }
}

/** Return the score with its parts, as the queue orders by it ("Score 5: new team +2, ..."). */
export function scoreWords(view: IRequestView): string {
  const parts = view.score.parts.map(
    p => `${p.part} ${p.points >= 0 ? '+' : ''}${p.points}`
  );
  return parts.length
    ? trans.__('Score %1: %2.', view.score.total, parts.join(', '))
    : trans.__('Score %1.', view.score.total);
}

/** Return everything the requester should hear after filing: standing, score, the service's notes. */
export function answerWords(view: IRequestView): string {
  const said = [standing(view), scoreWords(view)];
  for (const note of view.notes ?? []) {
    // The reuse answer is in the standing already; keep the rest (duplicate, unknown names).
    if (!(view.state === 'answered' && note.startsWith(view.answer?.message ?? '\u0000'))) {
      said.push(note.charAt(0).toUpperCase() + note.slice(1) + '.');
    }
  }
  return said.join(' ');
}
