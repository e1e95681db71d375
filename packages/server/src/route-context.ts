import type { EngineApi, OortConfig } from '@oort/engine';
import type { Logger } from '@oort/sdk';

/** What every route file receives. */
export interface RouteContext {
  engine: EngineApi;
  config: OortConfig;
  log: Logger;
  /** Called by `/stop` after the answer is sent; absent means `/stop` is not offered. */
  onStop?: () => void;
}
