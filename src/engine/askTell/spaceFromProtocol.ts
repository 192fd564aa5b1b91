/**
 * The protocol's search-space JSON (`{"params": [{"name", "type", ...}, ...]}`, PROTOCOL.md "Search space")
 * to the engine's SearchSpace. The two models line up one to one: `float`/`int` with low, high, log, step;
 * `categorical` with choices; `"condition": {"parent": P, "values": [...]}` becomes `when: {P: [...]}`.
 * Every rule of the protocol is checked here, so a bad space is answered with all its problems at once
 * instead of a sampler failing later.
 */
import { err, ok, type Result } from '../util/result';
import { createSearchSpace, type ParamSpec, type ParamValue, type SearchSpace } from '../space/searchSpace';

/** Tolerance for "high − low is a multiple of step" (the harness uses the same). */
const STEP_TOLERANCE = 1e-9;

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is ParamValue {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

/** Converts and validates a protocol space; the error lists every problem found, one per entry. */
export function spaceFromProtocol(json: unknown): Result<SearchSpace, string[]> {
  if (!isRecord(json) || !Array.isArray(json['params'])) return err(['space must be an object with a "params" list']);
  const params = json['params'] as readonly unknown[];
  if (params.length === 0) return err(['space has no parameters']);
  const problems: string[] = [];
  const entries: Array<readonly [string, ParamSpec]> = [];
  const seen = new Map<string, ParamSpec>();
  params.forEach((raw, index) => {
    const where = `params[${index}]`;
    if (!isRecord(raw)) {
      problems.push(`${where}: not an object`);
      return;
    }
    const name = raw['name'];
    if (typeof name !== 'string' || name.length === 0) {
      problems.push(`${where}: "name" must be a non-empty string`);
      return;
    }
    if (name === '__proto__') {
      // Configs are plain objects: config["__proto__"] = v would set the prototype, not a parameter.
      problems.push(`${where}: the name "__proto__" is not supported; rename the parameter`);
      return;
    }
    if (seen.has(name)) {
      problems.push(`${name}: duplicate parameter name`);
      return;
    }
    const before = problems.length;
    const base = paramOf(name, raw, problems);
    const when = conditionOf(name, raw['condition'], seen, problems);
    if (base === undefined || problems.length > before) {
      // Keep the name known so later conditions on it report their own problems, not a missing parent.
      if (base !== undefined) seen.set(name, base);
      return;
    }
    const spec: ParamSpec = when !== undefined ? { ...base, when } : base;
    seen.set(name, spec);
    entries.push([name, spec]);
  });
  return problems.length > 0 ? err(problems) : ok(createSearchSpace(entries));
}

function paramOf(name: string, raw: Readonly<Record<string, unknown>>, problems: string[]): ParamSpec | undefined {
  const type = raw['type'];
  if (type === 'categorical') {
    const choices = raw['choices'];
    if (!Array.isArray(choices) || choices.length === 0) {
      problems.push(`${name}: "choices" must be a non-empty list`);
      return undefined;
    }
    if (!choices.every(isScalar)) {
      problems.push(`${name}: choices must be strings, finite numbers or booleans`);
      return undefined;
    }
    // Strict equality keeps 1 and true (and "1") apart, as JSON does.
    if (new Set(choices).size !== choices.length) problems.push(`${name}: duplicate choices`);
    return { kind: 'categorical', choices: [...choices] };
  }
  if (type !== 'float' && type !== 'int') {
    problems.push(`${name}: unknown "type" ${JSON.stringify(type)} (float, int or categorical)`);
    return undefined;
  }
  const low = raw['low'];
  const high = raw['high'];
  const log = raw['log'] ?? false;
  const step = raw['step'] ?? undefined;
  if (typeof low !== 'number' || typeof high !== 'number' || !Number.isFinite(low) || !Number.isFinite(high)) {
    problems.push(`${name}: "low" and "high" must be finite numbers`);
    return undefined;
  }
  if (type === 'int' && (!Number.isInteger(low) || !Number.isInteger(high))) problems.push(`${name}: int bounds must be integers`);
  if (!(low <= high)) problems.push(`${name}: low ${low} > high ${high}`);
  if (typeof log !== 'boolean') problems.push(`${name}: "log" must be true or false`);
  if (log === true && !(low > 0)) problems.push(`${name}: log scale needs low > 0`);
  if (step !== undefined) {
    if (typeof step !== 'number' || !(step > 0) || !Number.isFinite(step)) {
      problems.push(`${name}: "step" must be a number > 0`);
    } else {
      if (type === 'int' && !Number.isInteger(step)) problems.push(`${name}: int step must be an integer`);
      if (log === true && !(type === 'int' && step === 1)) problems.push(`${name}: "step" and "log" are exclusive (except step 1 for an int)`);
      const k = (high - low) / step;
      if (Math.abs(k - Math.round(k)) > STEP_TOLERANCE) problems.push(`${name}: high − low must be a multiple of step ${step}`);
    }
  }
  const numeric = {
    low,
    high,
    ...(log === true ? { log: true } : {}),
    // An int's step 1 is the default; a float step is kept as given.
    ...(typeof step === 'number' && !(type === 'int' && step === 1) ? { step } : {}),
  };
  return type === 'int' ? { kind: 'int', ...numeric } : { kind: 'float', ...numeric };
}

function conditionOf(
  name: string,
  raw: unknown,
  seen: ReadonlyMap<string, ParamSpec>,
  problems: string[],
): Readonly<Record<string, readonly ParamValue[]>> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) {
    problems.push(`${name}: "condition" must be {"parent": ..., "values": [...]}`);
    return undefined;
  }
  const parent = raw['parent'];
  const values = raw['values'];
  if (typeof parent !== 'string') {
    problems.push(`${name}: condition "parent" must be a parameter name`);
    return undefined;
  }
  const spec = seen.get(parent);
  if (spec === undefined) {
    problems.push(`${name}: condition parent "${parent}" must be listed earlier`);
    return undefined;
  }
  if (spec.kind !== 'categorical') {
    problems.push(`${name}: condition parent "${parent}" must be categorical`);
    return undefined;
  }
  if (!Array.isArray(values) || values.length === 0 || !values.every((v) => spec.choices.some((c) => c === v))) {
    problems.push(`${name}: condition "values" must be a non-empty list of choices of "${parent}"`);
    return undefined;
  }
  return { [parent]: values as ParamValue[] };
}
