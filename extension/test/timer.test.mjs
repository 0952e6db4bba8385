// Unit tests of the pure session logic, run with Node's own test runner on the compiled lib/.
import assert from 'node:assert/strict';
import test from 'node:test';

import {
  clockOffsetMs,
  formatCountdown,
  secondsLeft,
  shouldPrompt
} from '../lib/session/timer.js';

const people = [
  { name: 'Ana', role: 'analyst' },
  { name: 'Eli', role: 'engineer' },
  { name: 'Kim', role: 'analyst' }
];

function session(extra = {}) {
  return {
    id: 'abcdefabcdef',
    participants: people,
    rotation_minutes: 15,
    rotations: 0,
    rotated_at: 1000,
    started_at: 1000,
    ended_at: null,
    lesson: null,
    driver: people[0],
    navigators: people.slice(1),
    next_driver: people[1],
    next_rotation_at: 1900,
    ...extra
  };
}

test('seconds left counts down from the last rotation', () => {
  assert.equal(secondsLeft(session(), 1000 * 1000), 900);
  assert.equal(secondsLeft(session(), (1000 + 899.2) * 1000), 1);
  assert.equal(secondsLeft(session(), (1000 + 960) * 1000), -60);
});

test("the countdown follows the server's rotation time, not the browser's own sum", () => {
  // The server moved the rotation (e.g. a facilitator's change): the guide counts to it.
  const moved = session({ next_rotation_at: 1300 });
  assert.equal(secondsLeft(moved, 1000 * 1000), 300);
  assert.equal(shouldPrompt(moved, 1300 * 1000, null), true);
});

test('countdown formats minutes and seconds', () => {
  assert.equal(formatCountdown(900), '15:00');
  assert.equal(formatCountdown(61), '1:01');
  assert.equal(formatCountdown(0), '0:00');
  assert.equal(formatCountdown(-75), '-1:15');
});

test('the rotation prompt shows once per interval, only when due', () => {
  const due = (1000 + 900) * 1000;
  assert.equal(shouldPrompt(session(), due - 1000, null), false);
  assert.equal(shouldPrompt(session(), due, null), true);
  assert.equal(shouldPrompt(session(), due, 0), false); // already prompted this rotation
  assert.equal(shouldPrompt(session({ rotations: 1, next_rotation_at: 1900 }), due, 0), true);
  assert.equal(shouldPrompt(session({ ended_at: 1500 }), due, null), false);
});

test('the clock offset follows the server, so a skewed browser counts right', () => {
  assert.equal(clockOffsetMs(session({ server_time: 2000 }), 1_990_000), 10_000);
  assert.equal(clockOffsetMs(session(), 1_990_000), 0);
});
