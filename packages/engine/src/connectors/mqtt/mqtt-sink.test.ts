import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTestContext } from '@oort/sdk/testing';
import { MQTT_SINK_IN_FLIGHT, MqttSink } from './mqtt-sink.js';

const inFlight = (props: Record<string, unknown>) => {
  const s = new MqttSink();
  s.provision(createTestContext(), { server: 'tcp://127.0.0.1:1883', topic: 't', ...props });
  return s.maxInFlight;
};

describe('mqtt sink in-flight window', () => {
  it('keeps several publishes outstanding at QoS 0 and one at QoS 1/2 unless maxInFlight says otherwise', () => {
    assert.equal(inFlight({}), MQTT_SINK_IN_FLIGHT);
    assert.equal(inFlight({ qos: 1 }), 1);
    assert.equal(inFlight({ qos: 2 }), 1);
    assert.equal(inFlight({ qos: 1, maxInFlight: 32 }), 32);
    assert.throws(() => inFlight({ maxInFlight: 0 }));
  });
});
