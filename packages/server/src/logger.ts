import type { Logger } from '@oort/sdk';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

/** A Logger on stderr with a minimum level; `enabled: false` drops everything. */
export function consoleLogger(level: Level = 'info', enabled = true): Logger {
  const min = LEVELS.indexOf(level);
  const at = (l: Level) => (msg: string, ...args: unknown[]) => {
    if (!enabled || LEVELS.indexOf(l) < min) return;
    console.error(`${new Date().toISOString()} ${l.toUpperCase()} ${msg}`, ...args);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const silentLogger: Logger = consoleLogger('error', false);
