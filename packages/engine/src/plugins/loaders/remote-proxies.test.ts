import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RemoteHost, ReadyInfo } from './remote-host.js';
import { REMOTE_SINK_IN_FLIGHT, remotePlugin } from './remote-proxies.js';

const host = {} as RemoteHost;
const inFlight = (ready: ReadyInfo) => (remotePlugin(host, ready, {}, true).sinks.get('out')!.create() as { maxInFlight?: number }).maxInFlight;

describe('isolated sink proxies', () => {
  it('keep several collects outstanding when the runtime runs them in order per instance', () => {
    const ready = { sources: [], sinks: ['out'], functions: [], collectsInOrder: true } as ReadyInfo;
    assert.equal(inFlight(ready), REMOTE_SINK_IN_FLIGHT);
  });

  it('send one collect at a time to a runtime that does not say so', () => {
    assert.equal(inFlight({ sources: [], sinks: ['out'], functions: [] }), 1);
  });
});
