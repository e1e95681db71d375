import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareVersionText, isValidRange, parseVersion, satisfies } from './semver.js';

describe('semver', () => {
  it('parses versions with an optional leading v', () => {
    assert.deepEqual(parseVersion('v1.2.3'), { major: 1, minor: 2, patch: 3, pre: [] });
    assert.deepEqual(parseVersion('1.0.0-rc.1')?.pre, ['rc', '1']);
    assert.equal(parseVersion('1.2'), undefined);
  });

  it('orders versions numerically and pre-releases before releases', () => {
    const sorted = ['1.10.0', '1.2.0', '1.2.0-rc.1', '0.9.9', '1.2.0-alpha'].sort(compareVersionText);
    assert.deepEqual(sorted, ['0.9.9', '1.2.0-alpha', '1.2.0-rc.1', '1.2.0', '1.10.0']);
  });

  const cases: [string, string, boolean][] = [
    ['1.4.0', '^1.0.0', true],
    ['2.0.0', '^1.0.0', false],
    ['1.0.0', '^1.2.0', false],
    ['0.2.5', '^0.2.0', true],
    ['0.3.0', '^0.2.0', false],
    ['1.2.9', '~1.2', true],
    ['1.3.0', '~1.2', false],
    ['1.2.9', '~1.2.3', true],
    ['1.2.2', '~1.2.3', false],
    ['1.9.0', '1.x', true],
    ['2.0.0', '1.x', false],
    ['1.5.0', '>=1.0.0 <2.0.0', true],
    ['2.0.0', '>=1.0.0 <2.0.0', false],
    ['1.0.0', '1.0.0', true],
    ['1.0.1', '1.0.0', false],
    ['3.1.0', '^1.0.0 || ^3.0.0', true],
    ['7.0.0', '*', true],
    ['1.5.0', '1.0.0 - 2.0.0', true],
    ['2.0.0-rc.1', '^1.0.0', false],
    ['1.0.0-rc.2', '>=1.0.0-rc.1', true],
  ];
  for (const [v, r, ok] of cases) {
    it(`${ok ? 'accepts' : 'refuses'} ${v} for ${r}`, () => assert.equal(satisfies(v, r), ok));
  }

  it('tells valid ranges from nonsense', () => {
    assert.equal(isValidRange('^1.0.0'), true);
    assert.equal(isValidRange('>=1 <2'), true);
    assert.equal(isValidRange('banana'), false);
  });
});
