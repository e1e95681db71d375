import type { Logger } from '@oort/sdk';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/** Console logger with a level and a prefix (`[rule r1 sink_log_0]`). */
export class ConsoleLogger implements Logger {
  constructor(
    private readonly level: LogLevel = 'info',
    private readonly prefix = '',
  ) {}
  child(prefix: string): ConsoleLogger {
    return new ConsoleLogger(this.level, this.prefix ? `${this.prefix} ${prefix}` : prefix);
  }
  debug(msg: string, ...args: unknown[]): void {
    this.write('debug', msg, args);
  }
  info(msg: string, ...args: unknown[]): void {
    this.write('info', msg, args);
  }
  warn(msg: string, ...args: unknown[]): void {
    this.write('warn', msg, args);
  }
  error(msg: string, ...args: unknown[]): void {
    this.write('error', msg, args);
  }
  private write(level: LogLevel, msg: string, args: unknown[]): void {
    if (ORDER[level] < ORDER[this.level]) return;
    const line = `${new Date().toISOString()} ${level.toUpperCase()} ${this.prefix ? `[${this.prefix}] ` : ''}${msg}`;
    (level === 'error' || level === 'warn' ? console.error : console.log)(line, ...args);
  }
}
