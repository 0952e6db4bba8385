// The guide's checks per step: one run at a time, and one more when a save lands mid-run.
import assert from 'node:assert/strict';
import test from 'node:test';

import { SharedRuns } from '../lib/guide/runs.js';

/** A task whose runs each wait for `release()`, recording what each run saw. */
function gated(read) {
  const seen = [];
  const gates = [];
  const task = () =>
    new Promise(resolve => {
      seen.push(read());
      gates.push(resolve);
    });
  const release = async () => {
    gates.shift()();
    await new Promise(resolve => setImmediate(resolve));
  };
  return { task, seen, release };
}

test('a second press while a check runs shares that run', async () => {
  const runs = new SharedRuns();
  const { task, seen, release } = gated(() => 'v1');
  const first = runs.run('meet', task);
  assert.equal(runs.run('meet', task), first);
  await release();
  await first;
  assert.deepEqual(seen, ['v1']);
});

test('a save that lands while a check runs is checked again once that run ends', async () => {
  const runs = new SharedRuns();
  let onDisk = 'example names';
  const { task, seen, release } = gated(() => onDisk);
  const first = runs.run('meet', task); // the check of the first save reads the file
  onDisk = 'our names'; // the second save lands while it runs
  const again = runs.again('meet', task);
  assert.deepEqual(seen, ['example names']);
  await release();
  await first;
  await new Promise(resolve => setImmediate(resolve));
  assert.deepEqual(seen, ['example names', 'our names']);
  await release();
  await again;
});

test('saves that land during one run ask for one more run, not one each', async () => {
  const runs = new SharedRuns();
  const { task, seen, release } = gated(() => seen.length);
  runs.run('meet', task);
  const second = runs.again('meet', task);
  assert.equal(runs.again('meet', task), second);
  await release();
  await new Promise(resolve => setImmediate(resolve));
  await release();
  await second;
  assert.equal(seen.length, 2);
});

test('a save with no check running checks now', async () => {
  const runs = new SharedRuns();
  const { task, seen, release } = gated(() => 'now');
  const done = runs.again('meet', task);
  assert.deepEqual(seen, ['now']);
  await release();
  await done;
});

test('a run that failed still leaves the newer save checked', async () => {
  const runs = new SharedRuns();
  const seen = [];
  const first = runs.run('meet', () => Promise.reject(new Error('server gone')));
  const again = runs.again('meet', async () => void seen.push('rechecked'));
  await assert.rejects(first);
  await again;
  assert.deepEqual(seen, ['rechecked']);
});
