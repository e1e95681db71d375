/** eKuiper's rule run states. */
export type RuleStatus = 'starting' | 'running' | 'stopping' | 'stopped' | 'stopped by error';

export const STOP_MESSAGES = {
  manual: 'canceled manually',
  update: 'stopped by update',
} as const;
