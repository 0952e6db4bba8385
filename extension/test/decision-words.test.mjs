// The last review a Similar products entry shows: the catalog's decision and its day, in words.
import assert from 'node:assert/strict';
import test from 'node:test';

import { decisionWords } from '../lib/guide/decision.js';

test('each decision reads as the catalog says it', () => {
  assert.equal(decisionWords('keep', '2026-12-31'), 'Last review: kept on 2026-12-31');
  assert.equal(decisionWords('iterate', '2026-12-31'), 'Last review: iterate (2026-12-31)');
  assert.equal(decisionWords('kill', '2026-12-31'), 'Last review: killed on 2026-12-31');
});

test('a product never reviewed shows nothing; a decision without a day shows the decision', () => {
  assert.equal(decisionWords('', ''), '');
  assert.equal(decisionWords('', '2026-12-31'), '');
  assert.equal(decisionWords('keep', ''), 'Last review: keep');
  assert.equal(decisionWords('pause', '2026-12-31'), 'Last review: pause (2026-12-31)');
});
