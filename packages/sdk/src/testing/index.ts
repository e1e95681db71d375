/**
 * Helpers for testing plugins outside the engine: a fake context, a recording SourceIO and
 * the contract suites every source and sink should pass.
 *
 * @example
 * ```ts
 * import { describeSinkContract } from '@oort/sdk/testing';
 * describeSinkContract('mysql', () => new MySqlSink(), { props: { url: 'mysql://root@127.0.0.1/test' } });
 * ```
 */
export { createTestContext, realClock, type TestContext, type TestContextOptions, type LogEntry } from './context.js';
export { RecordingIO, waitFor, type Received } from './recording-io.js';
export { describeSinkContract, type SinkContractOptions } from './sink-contract.js';
export { describeSourceContract, type SourceContractOptions } from './source-contract.js';
