/** Short text forms for names that must stay readable in narrow places (terminal tabs, tree labels). */

/**
 * A parameter value in few characters: `3e-4` for 0.0003, `0.0123`, `64`, `adam`. Numbers keep three
 * significant digits, which is enough to tell trials apart at a glance; the tooltip shows exact values.
 */
export function compactValue(value: string | number | boolean): string {
  if (typeof value !== 'number') return String(value);
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e6) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) {
    const [mantissa = '', exponent = ''] = value.toExponential(2).split('e');
    return `${String(Number(mantissa))}e${Number(exponent)}`;
  }
  return String(Number(value.toPrecision(3)));
}

/** `lr=3e-4 hidden=64 optimizer=adam`, in the config's (search space) order. */
export function compactConfig(config: Readonly<Record<string, string | number | boolean>>): string {
  return Object.entries(config)
    .map(([k, v]) => `${k}=${compactValue(v)}`)
    .join(' ');
}
