/**
 * MQTT topic filter matching: `+` matches exactly one level, `#` (last level only) matches
 * the parent level and everything below it. Unlike eKuiper's unanchored regex, matching is exact.
 */
export function compileTopicFilter(filter: string): (topic: string) => boolean {
  const levels = filter.split('/');
  const hashAt = levels.indexOf('#');
  if (hashAt >= 0 && hashAt !== levels.length - 1) throw new Error(`invalid topic filter ${filter}: # must be the last level`);
  if (!levels.includes('+') && hashAt < 0) return (t) => t === filter;
  return (topic) => {
    const parts = topic.split('/');
    for (let i = 0; i < levels.length; i++) {
      const l = levels[i];
      if (l === '#') return parts.length >= i;
      if (i >= parts.length) return false;
      if (l !== '+' && l !== parts[i]) return false;
    }
    return parts.length === levels.length;
  };
}

export function hasWildcard(topic: string): boolean {
  return topic.split('/').some((l) => l === '+' || l === '#');
}
