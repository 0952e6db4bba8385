// Unit tests of the pure session logic, run with Node's own test runner on the compiled lib/.
import assert from 'node:assert/strict';
import test from 'node:test';

import {
  clockOffsetMs,
  driverAfter,
  formatCountdown,
  nextDriver,
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
    ...extra
  };
}

test('the driver goes round the participants in order', () => {
  const order = [0, 1, 2, 3, 4].map(n => driverAfter(people, n).name);
  assert.deepEqual(order, ['Ana', 'Eli', 'Kim', 'Ana', 'Eli']);
});

test('next driver follows the current one', () => {
  assert.equal(nextDriver(session({ rotations: 2 })).name, 'Ana');
});

test('seconds left counts down from the last rotation', () => {
  assert.equal(secondsLeft(session(), 1000 * 1000), 900);
  assert.equal(secondsLeft(session(), (1000 + 899.2) * 1000), 1);
  assert.equal(secondsLeft(session(), (1000 + 960) * 1000), -60);
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
  assert.equal(shouldPrompt(session({ rotations: 1 }), due, 0), true);
  assert.equal(shouldPrompt(session({ ended_at: 1500 }), due, null), false);
});

test('the clock offset follows the server, so a skewed browser counts right', () => {
  assert.equal(clockOffsetMs(session({ server_time: 2000 }), 1_990_000), 10_000);
  assert.equal(clockOffsetMs(session(), 1_990_000), 0);
});
