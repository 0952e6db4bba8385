// With its file name: plain Node (the tests of pure modules) resolves ES modules only so.
import { trans } from '../translate.js';

/**
 * The last review of a product as the pair reads it ("Last review: kept on 2026-12-31"),
 * from the catalog's `decision` and `decided_on`; "" when `pairlab review` never decided.
 */
export function decisionWords(decision: string, decidedOn: string): string {
  if (!decision) {
    return '';
  }
  if (!decidedOn) {
    return trans.__('Last review: %1', decision);
  }
  switch (decision) {
    case 'keep':
      return trans.__('Last review: kept on %1', decidedOn);
    case 'iterate':
      return trans.__('Last review: iterate (%1)', decidedOn);
    case 'kill':
      return trans.__('Last review: killed on %1', decidedOn);
    default:
      return trans.__('Last review: %1 (%2)', decision, decidedOn);
  }
}
