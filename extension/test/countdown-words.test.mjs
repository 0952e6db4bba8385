// What a screen reader hears about the countdown: whole minutes, so once a minute, then due.
import assert from 'node:assert/strict';
import test from 'node:test';

import { countdownWords } from '../lib/session/timer.js';

test('the words change once a minute, not every second', () => {
  const heard = new Set();
  for (let seconds = 900; seconds > 0; seconds--) {
    heard.add(countdownWords(seconds, 'Eli'));
  }
  assert.equal(heard.size, 15);
  assert.equal(countdownWords(900, 'Eli'), '15 minutes until Eli drives');
  assert.equal(countdownWords(61, 'Eli'), '2 minutes until Eli drives');
  assert.equal(countdownWords(60, 'Eli'), '1 minute until Eli drives');
  assert.equal(countdownWords(1, 'Eli'), '1 minute until Eli drives');
});

test('when due it says so, however overdue', () => {
  assert.equal(countdownWords(0, 'Eli'), 'Rotation due: Eli drives next');
  assert.equal(countdownWords(-75, 'Eli'), 'Rotation due: Eli drives next');
});
