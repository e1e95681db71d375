import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ArgInfo, FunctionContext } from '@oort/sdk';
import { createTestContext } from '@oort/sdk/testing';
import plugin from './index.js';

const ctx: FunctionContext = { ...createTestContext(), funcId: 1 };
const fns = plugin.functions!;
const lit = (value: unknown): ArgInfo => ({ kind: 'literal', value });
const field = (name: string): ArgInfo => ({ kind: 'field', name });

describe('celsius', () => {
  it('converts Fahrenheit to Celsius for ints and floats', () => {
    assert.equal(fns.celsius!.exec(ctx, [212n]), 100);
    assert.equal(fns.celsius!.exec(ctx, [32]), 0);
    assert.ok(Math.abs((fns.celsius!.exec(ctx, [98.6]) as number) - 37) < 1e-9);
  });

  it('gives null for null and non-numbers', () => {
    assert.equal(fns.celsius!.exec(ctx, [null]), null);
    assert.equal(fns.celsius!.exec(ctx, ['hot']), null);
  });

  it('is refused at plan time with the wrong arguments', () => {
    assert.equal(fns.celsius!.validate!([field('t')]), undefined);
    assert.match(fns.celsius!.validate!([]) ?? '', /expects 1 argument but found 0/);
    assert.match(fns.celsius!.validate!([lit('x')]) ?? '', /must be a number/);
  });
});

describe('geohash_encode', () => {
  it('encodes the reference point of the geohash article', () => {
    assert.equal(fns.geohash_encode!.exec(ctx, [57.64911, 10.40744, 11n]), 'u4pruydqqvj');
    assert.equal(fns.geohash_encode!.exec(ctx, [57.64911, 10.40744]), 'u4pruydqqvj8');
    assert.equal(fns.geohash_encode!.exec(ctx, [0, 0, 1]), 's');
  });

  it('throws a per-row error for an impossible coordinate', () => {
    assert.throws(() => fns.geohash_encode!.exec(ctx, [91, 0]), /not a valid coordinate/);
  });

  it('checks arity and a literal precision at plan time', () => {
    assert.equal(fns.geohash_encode!.validate!([field('lat'), field('lon')]), undefined);
    assert.equal(fns.geohash_encode!.validate!([field('lat'), field('lon'), lit(5n)]), undefined);
    assert.match(fns.geohash_encode!.validate!([field('lat')]) ?? '', /expects 2 to 3 arguments/);
    assert.match(fns.geohash_encode!.validate!([field('lat'), field('lon'), lit(13)]) ?? '', /precision/);
  });
});

describe('median_abs_dev', () => {
  it('is an aggregate over the group values', () => {
    assert.equal(fns.median_abs_dev!.type, 'aggregate');
    assert.equal(fns.median_abs_dev!.exec(ctx, [[1, 1, 2, 2, 4, 6, 9]]), 1);
    assert.equal(fns.median_abs_dev!.exec(ctx, [[1n, 2n, 3n, 4n]]), 1);
  });

  it('is not moved by one outlier', () => {
    assert.equal(fns.median_abs_dev!.exec(ctx, [[10, 11, 12, 13, 14, 10_000]]), 1.5);
  });

  it('ignores nulls and gives null for an empty group', () => {
    assert.equal(fns.median_abs_dev!.exec(ctx, [[null, 5, undefined]]), 0);
    assert.equal(fns.median_abs_dev!.exec(ctx, [[]]), null);
  });

  it('takes exactly one argument', () => {
    assert.equal(fns.median_abs_dev!.validate!([field('x')]), undefined);
    assert.match(fns.median_abs_dev!.validate!([field('x'), field('y')]) ?? '', /expects 1 argument/);
  });
});
