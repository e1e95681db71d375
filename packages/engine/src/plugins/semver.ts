/**
 * Just enough semver for plugin compatibility checks: versions `MAJOR.MINOR.PATCH[-pre]`
 * (a leading `v` is allowed, as in eKuiper file names) and npm-style ranges: exact,
 * `^1.2.0`, `~1.2`, `1.x`, `*`, comparators (`>=1.0.0 <2.0.0`) and `||` alternatives.
 * No dependency, because the engine must not pull a package just for this.
 */

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  pre: string[];
}

const VERSION_RE = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** Parses a full version; returns undefined when the text is not one. */
export function parseVersion(text: string): SemVer | undefined {
  const m = VERSION_RE.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ? m[4].split('.') : [] };
}

/** Negative, zero or positive like a sort comparator. Pre-releases sort before the release. */
export function compareVersions(a: SemVer, b: SemVer): number {
  if (a.major !== b.major) return a.major - b.major;
  if (a.minor !== b.minor) return a.minor - b.minor;
  if (a.patch !== b.patch) return a.patch - b.patch;
  if (a.pre.length === 0 || b.pre.length === 0) return b.pre.length - a.pre.length;
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x) ? Number(x) : undefined;
    const ny = /^\d+$/.test(y) ? Number(y) : undefined;
    if (nx !== undefined && ny !== undefined) {
      if (nx !== ny) return nx - ny;
    } else if (nx !== undefined) return -1;
    else if (ny !== undefined) return 1;
    else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Compares two version strings; unparsable ones sort first, by plain text. */
export function compareVersionText(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (x && y) return compareVersions(x, y);
  if (x) return 1;
  if (y) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

type Op = '>' | '>=' | '<' | '<=' | '=';
interface Comparator {
  op: Op;
  v: SemVer;
}

/** A partial version as written in ranges: missing or `x`/`*` parts are undefined. */
interface Partial {
  major?: number;
  minor?: number;
  patch?: number;
  pre: string[];
}

const PARTIAL_RE = /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?$/;

function parsePartial(text: string): Partial | undefined {
  const m = PARTIAL_RE.exec(text);
  if (!m) return undefined;
  const num = (s: string | undefined) => (s === undefined || /^[xX*]$/.test(s) ? undefined : Number(s));
  const p: Partial = { major: num(m[1]), minor: num(m[2]), patch: num(m[3]), pre: m[4] ? m[4].split('.') : [] };
  // "1.x.3" makes no sense: once a part is a wildcard the rest are too.
  if (p.major === undefined) p.minor = p.patch = undefined;
  if (p.minor === undefined) p.patch = undefined;
  return p;
}

const v = (major: number, minor: number, patch: number, pre: string[] = []): SemVer => ({ major, minor, patch, pre });

/** Turns one range term (`^1.2`, `~1.2.3`, `1.x`, `>=1.0.0`) into comparators. */
function termToComparators(term: string): Comparator[] | undefined {
  if (term === '*' || term === '' || term === 'x' || term === 'X') return [];
  const m = /^(\^|~|>=|<=|>|<|=)?\s*(.+)$/.exec(term);
  if (!m) return undefined;
  const op = m[1] ?? '';
  const p = parsePartial(m[2]!);
  if (!p) return undefined;
  const { major, minor, patch, pre } = p;
  if (major === undefined) return op === '<' || op === '>' ? [{ op: '<', v: v(0, 0, 0) }] : [];
  const lo = v(major, minor ?? 0, patch ?? 0, pre);
  switch (op) {
    case '^': {
      const hi =
        major > 0 || minor === undefined ? v(major + 1, 0, 0) : minor > 0 || patch === undefined ? v(0, minor + 1, 0) : v(0, 0, patch + 1);
      return [{ op: '>=', v: lo }, { op: '<', v: hi }];
    }
    case '~': {
      const hi = minor === undefined ? v(major + 1, 0, 0) : v(major, minor + 1, 0);
      return [{ op: '>=', v: lo }, { op: '<', v: hi }];
    }
    case '>':
      if (minor === undefined) return [{ op: '>=', v: v(major + 1, 0, 0) }];
      if (patch === undefined) return [{ op: '>=', v: v(major, minor + 1, 0) }];
      return [{ op: '>', v: lo }];
    case '<=':
      if (minor === undefined) return [{ op: '<', v: v(major + 1, 0, 0) }];
      if (patch === undefined) return [{ op: '<', v: v(major, minor + 1, 0) }];
      return [{ op: '<=', v: lo }];
    case '>=':
    case '<':
      return [{ op, v: lo }];
    default:
      // Exact, possibly partial: "1.x" / "1.2" behave like "~".
      if (minor === undefined) return [{ op: '>=', v: lo }, { op: '<', v: v(major + 1, 0, 0) }];
      if (patch === undefined) return [{ op: '>=', v: lo }, { op: '<', v: v(major, minor + 1, 0) }];
      return [{ op: '=', v: lo }];
  }
}

/** Parses a range into alternatives of comparator sets; undefined when invalid. */
export function parseRange(range: string): Comparator[][] | undefined {
  const out: Comparator[][] = [];
  for (const alt of range.split('||')) {
    // "1.0.0 - 2.0.0" hyphen ranges.
    const hy = /^\s*(\S+)\s+-\s+(\S+)\s*$/.exec(alt);
    const terms = hy ? [`>=${hy[1]}`, `<=${hy[2]}`] : alt.trim().replace(/(\^|~|>=|<=|>|<|=)\s+/g, '$1').split(/\s+/);
    const set: Comparator[] = [];
    for (const t of terms) {
      const c = termToComparators(t);
      if (!c) return undefined;
      set.push(...c);
    }
    out.push(set);
  }
  return out;
}

function test(c: Comparator, x: SemVer): boolean {
  const d = compareVersions(x, c.v);
  switch (c.op) {
    case '>':
      return d > 0;
    case '>=':
      return d >= 0;
    case '<':
      return d < 0;
    case '<=':
      return d <= 0;
    default:
      return d === 0;
  }
}

/**
 * True when `version` is inside `range`. As in npm, a pre-release version only matches a
 * comparator set that names a pre-release of the same major.minor.patch.
 */
export function satisfies(version: string, range: string): boolean {
  const x = parseVersion(version);
  const alts = parseRange(range);
  if (!x || !alts) return false;
  return alts.some((set) => {
    if (!set.every((c) => test(c, x))) return false;
    if (x.pre.length === 0) return true;
    return set.some((c) => c.v.pre.length > 0 && c.v.major === x.major && c.v.minor === x.minor && c.v.patch === x.patch);
  });
}

/** True when the text is a range this module understands. */
export function isValidRange(range: string): boolean {
  return parseRange(range) !== undefined;
}
