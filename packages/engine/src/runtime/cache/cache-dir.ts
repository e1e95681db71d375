import { rmSync } from 'node:fs';
import { join } from 'node:path';

/** `<dataDir>/cache/<ruleId>/<sinkName>`: ids are encoded so no id can leave the folder. */
export function sinkCacheDir(dataDir: string, ruleId: string, sinkName: string): string {
  return join(dataDir, 'cache', safe(ruleId), safe(sinkName));
}

/** Deletes every sink cache of a rule (call it when the rule is deleted). */
export function removeRuleCache(dataDir: string, ruleId: string): void {
  rmSync(join(dataDir, 'cache', safe(ruleId)), { recursive: true, force: true });
}

function safe(id: string): string {
  const s = encodeURIComponent(id);
  return s === '.' || s === '..' ? `%2E${s.slice(1)}` : s;
}
