// The "Request a pairing" form: what it sends and what the requester hears back.
import assert from 'node:assert/strict';
import test from 'node:test';

import { answerWords, names, requestBody, standing } from '../lib/intake/form.js';

const TYPED = {
  team: ' claims ',
  idea: 'Fraud flags on new claims',
  consumer: 'SIU',
  statement: 'SIU opens it weekly',
  metric: 'consumers',
  threshold: '3',
  window: '30d',
  tables: 'claims, customers,\nclaims',
  products: '',
  analysts: 'Ana Lima, Ben Okafor',
  free_from: '',
  not_fit: ''
};

test('lists are split on commas and lines, trimmed, each name once', () => {
  assert.deepEqual(names(' claims, customers,\nclaims ,, '), ['claims', 'customers']);
  assert.deepEqual(names(''), []);
});

test('the body is the request the service takes: lists, a numeric threshold, no empty extras', () => {
  const body = requestBody(TYPED);
  assert.deepEqual(body, {
    team: 'claims',
    idea: 'Fraud flags on new claims',
    consumer: 'SIU',
    hypothesis: { statement: 'SIU opens it weekly', metric: 'consumers', threshold: 3, window: '30d' },
    tables: ['claims', 'customers'],
    products: [],
    analysts: ['Ana Lima', 'Ben Okafor']
  });
  assert.equal(requestBody({ ...TYPED, free_from: '2027-01-04' }).free_from, '2027-01-04');
});

test('a threshold that is no number goes as typed, for the service to refuse in its words', () => {
  assert.equal(requestBody({ ...TYPED, threshold: 'lots' }).hypothesis.threshold, 'lots');
  assert.equal('threshold' in requestBody({ ...TYPED, threshold: ' ' }).hypothesis, false);
});

const VIEW = {
  id: 4,
  team: 'pricing',
  idea: 'Monthly claims frequency by region',
  state: 'waiting',
  position: 2,
  expected_start: '2027-02-01',
  score: { total: 5, parts: [{ part: 'measurable hypothesis', points: 3 }, { part: 'answered by reuse', points: -4 }] },
  answer: null,
  notes: []
};

test('a queued request says its place, expected start and score parts', () => {
  assert.equal(
    answerWords(VIEW),
    'Request 4 (Monthly claims frequency by region) is number 2 in the queue, expected to start 2027-02-01. ' +
      'Score 5: measurable hypothesis +3, answered by reuse -4.'
  );
});

test('a request answered by reuse names the product and the team to talk to, once', () => {
  const message = 'reuse claims-frequency-by-region (owner team claims, Ana; how to read it: products.read)';
  const view = {
    ...VIEW,
    state: 'answered',
    position: null,
    answer: { message, team: 'claims' },
    notes: [`${message}; not queued: resubmit with a reason it does not fit (not_fit) to queue it`, 'unknown tables: polices (accepted; check the names)']
  };
  const words = answerWords(view);
  assert.match(standing(view), /answered by reuse and not queued: reuse claims-frequency-by-region .*talk to team claims\.$/);
  assert.equal(words.split(message).length, 2); // said once
  assert.match(words, /Unknown tables: polices \(accepted; check the names\)\.$/);
});
