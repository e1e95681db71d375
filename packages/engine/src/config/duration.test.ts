import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it('reads numbers as milliseconds', () => {
    assert.equal(parseDuration(1500), 1500);
    assert.equal(parseDuration('1500'), 1500);
  });

  it('reads Go duration strings', () => {
    assert.equal(parseDuration('300s'), 300_000);
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('0s'), 0);
    assert.equal(parseDuration('0'), 0);
  });

  it('rejects text that is not a duration', () => {
    assert.throws(() => parseDuration('5 minutes'), /invalid duration/);
    assert.throws(() => parseDuration('s'), /invalid duration/);
    assert.throws(() => parseDuration(-1), /invalid duration/);
    assert.equal(isDuration('abc'), false);
    assert.equal(isDuration(true), false);
    assert.equal(isDuration('2m'), true);
  });
});
