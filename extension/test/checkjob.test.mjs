// The guide's check runner: polls a job to its end, shares one run per request, cancels.
import assert from 'node:assert/strict';
import test from 'node:test';

import { CheckCancelled, CheckRunner, progressWords } from '../lib/guide/checkjob.js';

const REPORT = { path: 'nb.ipynb', verdict: 'pass', message: 'ok', results: [] };

function running(elapsed, progress = null) {
  return { job: 'j1', state: 'running', progress, elapsed };
}

/** A server stand-in: answers each call from `script(endPoint, init, calls)`, keeping a log. */
function server(script) {
  const calls = [];
  const call = async (endPoint, init = {}) => {
    calls.push({ endPoint, method: init.method ?? 'GET', headers: init.headers });
    const answer = await script(endPoint, init, calls);
    if (answer instanceof Error) {
      throw answer;
    }
    return structuredClone(answer);
  };
  return { call, calls };
}

const makeError = (status, error, fix) => Object.assign(new Error(error), { status, fix });
const noSleep = () => new Promise(resolve => setImmediate(resolve));

test('a check done within a second is the report itself, asked for asynchronously', async () => {
  const { call, calls } = server(() => REPORT);
  const runner = new CheckRunner(call, makeError, 500, noSleep);
  assert.deepEqual(await runner.run('k', { path: 'nb.ipynb' }), REPORT);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].headers.Prefer, 'respond-async, wait=1');
});

test('a job is polled until done, with progress to the listener, and gives its reply', async () => {
  const cell = { check: 'runs-top-to-bottom', notebook: 'nb.ipynb', cell: 3, of: 9, cell_id: 'c3', elapsed: 4.2 };
  const polls = [running(2, cell), { ...running(6), state: 'done', reply: REPORT }];
  const { call, calls } = server((endPoint) => (endPoint === 'check' ? running(1) : polls.shift()));
  const seen = [];
  const runner = new CheckRunner(call, makeError, 500, noSleep);
  const reply = await runner.run('k', {}, job => seen.push(progressWords(job)));
  assert.deepEqual(reply, REPORT);
  assert.deepEqual(seen, ['Checking (1 s)', 'Running cell 3 of 9 (2 s)']);
  assert.deepEqual(
    calls.map(c => `${c.method} ${c.endPoint}`),
    ['POST check', 'GET check/jobs/j1', 'GET check/jobs/j1']
  );
  assert.equal(runner.isRunning('k'), false);
});

test('two quick presses of the same request share one run', async () => {
  let release;
  const gate = new Promise(resolve => (release = resolve));
  const { call, calls } = server(async endPoint => {
    if (endPoint === 'check') {
      return running(1);
    }
    await gate;
    return { ...running(3), state: 'done', reply: REPORT };
  });
  const runner = new CheckRunner(call, makeError, 500, noSleep);
  const first = runner.run('k', {});
  const second = runner.run('k', {});
  assert.equal(first, second);
  assert.equal(runner.isRunning('k'), true);
  release();
  assert.deepEqual(await second, REPORT);
  assert.equal(calls.filter(c => c.method === 'POST').length, 1);
  // Once it ended, a press starts a new run.
  await runner.run('k', {});
  assert.equal(calls.filter(c => c.method === 'POST').length, 2);
});

test('cancel deletes the job and the run ends as cancelled', async () => {
  const { call, calls } = server((endPoint, init) =>
    init.method === 'DELETE' ? { ...running(2), state: 'cancelled' } : running(1)
  );
  const runner = new CheckRunner(call, makeError, 500, noSleep);
  const run = runner.run('k', {});
  await noSleep(); // the 202 has come
  await runner.cancel('k');
  await assert.rejects(run, CheckCancelled);
  assert.deepEqual(
    calls.filter(c => c.method === 'DELETE').map(c => c.endPoint),
    ['check/jobs/j1']
  );
});

test('cancel before the 202 came deletes the job as soon as its id is known', async () => {
  let answer;
  const posted = new Promise(resolve => (answer = resolve));
  const { call, calls } = server((endPoint, init) =>
    endPoint === 'check' ? posted : { ...running(2), state: 'cancelled' }
  );
  const runner = new CheckRunner(call, makeError, 500, noSleep);
  const run = runner.run('k', {});
  await runner.cancel('k');
  answer(running(1));
  await assert.rejects(run, CheckCancelled);
  assert.deepEqual(calls.map(c => `${c.method} ${c.endPoint}`), ['POST check', 'DELETE check/jobs/j1']);
});

test("a job that failed throws the server's words, as a refused POST would", async () => {
  const problem = { status: 409, error: 'the check was cancelled', fix: 'press Check again' };
  const { call } = server(endPoint =>
    endPoint === 'check' ? running(1) : { ...running(2), state: 'error', problem }
  );
  const runner = new CheckRunner(call, makeError, 500, noSleep);
  await assert.rejects(runner.run('k', {}), error => {
    assert.equal(error.status, 409);
    assert.equal(error.fix, 'press Check again');
    return true;
  });
});

test('a job cancelled elsewhere (another tab) ends the run as cancelled', async () => {
  const { call } = server(endPoint =>
    endPoint === 'check' ? running(1) : { ...running(2), state: 'cancelled' }
  );
  const runner = new CheckRunner(call, makeError, 500, noSleep);
  await assert.rejects(runner.run('k', {}), CheckCancelled);
});

test('progress words fall back to elapsed seconds before a kernel runs', () => {
  assert.equal(progressWords({ progress: null, elapsed: 1.6 }), 'Checking (2 s)');
});
