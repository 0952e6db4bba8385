// Saving a shared notebook before a check: the check must read what the pair sees.
import assert from 'node:assert/strict';
import test from 'node:test';

import { sameCells } from '../lib/guide/ondisk.js';
import { NotebookSaver } from '../lib/guide/save.js';

function notebook(source, output, count = 2) {
  return {
    cells: [
      { cell_type: 'markdown', source: '# Welcome', metadata: {} },
      {
        cell_type: 'code',
        source,
        execution_count: count,
        metadata: {},
        outputs: [{ output_type: 'stream', name: 'stdout', text: output }]
      }
    ],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5
  };
}

const SEEN = notebook('print("Maria")', 'Maria\n');

test('a file holds what the pair sees whatever way nbformat splits its lines', () => {
  const split = notebook(['print(', '"Maria")'], ['Maria\n']);
  split.cells[1].metadata = { trusted: true }; // metadata is the server's, never the work
  split.metadata = { kernelspec: { name: 'python3' } };
  assert.ok(sameCells(SEEN, split));
});

test('a file saved a moment too early differs: new source, the old output', () => {
  assert.ok(!sameCells(SEEN, notebook('print("Maria")', 'Ana\n')));
  assert.ok(!sameCells(SEEN, notebook('print("Ana")', 'Maria\n')));
  assert.ok(!sameCells(SEEN, notebook('print("Maria")', 'Maria\n', 1)));
  assert.ok(!sameCells(SEEN, { cells: SEEN.cells.slice(1) }));
});

/** A shared notebook's panel and a collaboration server that writes `writes` in turn. */
function shared(writes) {
  const calls = [];
  let onDisk = null;
  const contents = {
    async save(path, options) {
      calls.push(['save', path, options.contentProviderId]);
      onDisk = writes.shift() ?? onDisk;
      context.model.dirty = false; // the server clears it once it has written
    },
    async get(path) {
      calls.push(['get', path]);
      return { content: onDisk };
    }
  };
  const factories = { defaultWidgetFactory: () => ({ contentProviderId: 'rtc' }) };
  const context = {
    path: '00-welcome.ipynb',
    ready: Promise.resolve(),
    model: { dirty: true, collaborative: true, toJSON: () => SEEN },
    saveState: { emit: () => undefined },
    async save() {
      throw new Error("JupyterLab's own save: a shared notebook's goes through the server");
    }
  };
  const saver = new NotebookSaver(contents, factories);
  return { saver, panel: { context }, calls, disk: () => onDisk };
}

test('a save that wrote the notebook as it was a moment ago is made again', async () => {
  const stale = notebook('print("Maria")', 'Ana\n');
  const { saver, panel, calls } = shared([stale, SEEN]);
  const started = Date.now();
  await saver.save(panel);
  assert.deepEqual(
    calls.map(call => call[0]),
    ['save', 'get', 'save', 'get']
  );
  assert.equal(calls[0][2], 'rtc');
  assert.ok(Date.now() - started < 5000);
});

test('a save that wrote what the pair sees is made once', async () => {
  const { saver, panel, calls } = shared([SEEN]);
  await saver.save(panel);
  assert.deepEqual(
    calls.map(call => call[0]),
    ['save', 'get']
  );
});

test("a check during the pair's Ctrl+S reads the file only once it holds what the pair sees", async () => {
  const stale = notebook('print("Maria")', 'Ana\n');
  const { saver, panel, calls, disk } = shared([stale, SEEN]);
  saver.follow(tracker([panel]));
  await new Promise(resolve => setImmediate(resolve));
  const ctrlS = panel.context.save(); // the server takes it and marks the notebook clean ...
  for (let tick = 0; !calls.length && tick < 1000; tick++) {
    await new Promise(resolve => setImmediate(resolve));
  }
  assert.equal(panel.context.model.dirty, false); // ... but writes it as it was a moment ago
  await saver.save(panel); // the pair presses Check now
  assert.equal(disk(), SEEN);
  await ctrlS;
});

/** A notebook panel whose own save takes a while and notes when saves overlap. */
function plainPanel() {
  const log = { saves: 0, inFlight: 0, overlapped: false };
  const context = {
    path: 'lesson.ipynb',
    ready: Promise.resolve(),
    model: { dirty: true, collaborative: false, toJSON: () => SEEN },
    async save() {
      log.inFlight += 1;
      log.overlapped ||= log.inFlight > 1;
      await new Promise(resolve => setTimeout(resolve, 20));
      log.saves += 1;
      log.inFlight -= 1;
    }
  };
  return { panel: { context }, log };
}

function tracker(panels) {
  return {
    forEach: each => panels.forEach(each),
    widgetAdded: { connect: () => undefined }
  };
}

test("a check's save and the pair's Ctrl+S never run at once: JupyterLab would ask 'File Changed'", async () => {
  const { panel, log } = plainPanel();
  const saver = new NotebookSaver({}, { defaultWidgetFactory: () => undefined });
  saver.follow(tracker([panel]));
  await new Promise(resolve => setImmediate(resolve));
  const ctrlS = panel.context.save(); // the pair's Ctrl+S ...
  const guide = saver.save(panel); // ... while a check saves the pair's unsaved work
  await Promise.all([ctrlS, guide]);
  assert.equal(log.saves, 2);
  assert.equal(log.overlapped, false);
});

test('a failed save does not stop the next one', async () => {
  const { panel, log } = plainPanel();
  const own = panel.context.save;
  let fail = true;
  panel.context.save = async function () {
    if (fail) {
      fail = false;
      throw new Error('disk full');
    }
    return own.call(this);
  };
  const saver = new NotebookSaver({}, { defaultWidgetFactory: () => undefined });
  saver.follow(tracker([panel]));
  await new Promise(resolve => setImmediate(resolve));
  await assert.rejects(panel.context.save(), /disk full/);
  await panel.context.save();
  assert.equal(log.saves, 1);
});

test('an output that arrives during a save leaves the notebook unsaved, as its file lacks it', async () => {
  let shown = notebook('print("Maria")', 'Ana\n');
  const context = {
    path: 'lesson.ipynb',
    ready: Promise.resolve(),
    model: { dirty: true, collaborative: false, toJSON: () => shown },
    async save() {
      const written = this.model.toJSON(); // JupyterLab serializes when the save begins ...
      shown = notebook('print("Maria")', 'Maria\n'); // ... the run's output arrives meanwhile
      await new Promise(resolve => setTimeout(resolve, 5));
      this.model.dirty = false; // ... and it marks the notebook clean all the same
      return written;
    }
  };
  const saver = new NotebookSaver({}, { defaultWidgetFactory: () => undefined });
  saver.follow(tracker([{ context }]));
  await new Promise(resolve => setImmediate(resolve));
  await context.save();
  assert.equal(context.model.dirty, true);
  shown = notebook('print("Maria")', 'Maria\n');
  await context.save(); // nothing arrives this time: clean
  assert.equal(context.model.dirty, false);
});
