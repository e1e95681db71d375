/** Go encoding/json float formatting: like ES but exponent only for < 1e-6 or >= 1e21. */
export function floatToGoJson(f: number): string {
  const abs = Math.abs(f);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    // Go: strconv 'e' format, then "e-07" → "e-7" cleanup.
    let s = f.toExponential();
    s = s.replace(/e([+-])(\d)$/, 'e$10$2');
    return s.replace(/e-0(\d)$/, 'e-$1');
  }
  return String(f);
}
