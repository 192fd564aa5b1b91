/**
 * Checks that a config (from a sampler, an imported study, or the user) fits a search space: every active
 * parameter present and inside its domain, inactive and unknown ones absent.
 */
import { err, ok, type Result } from '../util/result';
import { isActive, type Config, type ParamSpec, type ParamValue, type SearchSpace } from './searchSpace';

/** Relative tolerance for float bounds and step grids (samplers compute low + k*step in floating point). */
const RELATIVE_TOLERANCE = 1e-9;

/**
 * Returns the config with its keys in space order, or one message per problem found.
 * Floats must lie in [low, high] and on the step grid (both within a 1e-9 relative tolerance); ints must be
 * integral, in [low, high] and on the step grid; categoricals must be one of the choices (strict equality).
 */
export function validateConfig(space: SearchSpace, config: Config): Result<Config, string[]> {
  const problems: string[] = [];
  const ordered: Record<string, ParamValue> = {};
  for (const name of Object.keys(config)) {
    if (!space.params.has(name)) problems.push(`unknown parameter "${name}"`);
  }
  for (const [name, spec] of space.params) {
    const present = Object.prototype.hasOwnProperty.call(config, name);
    const value = config[name];
    if (!isActive(space, name, config)) {
      if (present) problems.push(`parameter "${name}" is inactive (${describeCondition(spec)}) and must be absent`);
      continue;
    }
    if (!present || value === undefined) {
      problems.push(`missing value for active parameter "${name}"`);
      continue;
    }
    const problem = domainProblem(spec, value);
    if (problem) problems.push(`parameter "${name}": ${problem}`);
    else ordered[name] = value;
  }
  return problems.length > 0 ? err(problems) : ok(ordered);
}

function describeCondition(spec: ParamSpec): string {
  const parts = Object.entries(spec.when ?? {}).map(([parent, values]) => `${parent} in [${values.map(String).join(', ')}]`);
  return `needs ${parts.join(' and ')}`;
}

function domainProblem(spec: ParamSpec, value: ParamValue): string | undefined {
  if (spec.kind === 'categorical') {
    if (spec.choices.some((c) => c === value)) return undefined;
    return `${show(value)} is not one of the choices ${spec.choices.map(show).join(', ')}`;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return `expected a finite number, got ${show(value)}`;
  if (spec.kind === 'int') {
    if (!Number.isInteger(value)) return `expected an integer, got ${value}`;
    if (value < spec.low || value > spec.high) return `${value} is outside [${spec.low}, ${spec.high}]`;
    const step = spec.step ?? 1;
    if ((value - spec.low) % step !== 0) return `${value} is not on the grid ${spec.low} + k*${step}`;
    return undefined;
  }
  const tolerance = RELATIVE_TOLERANCE * Math.max(Math.abs(spec.low), Math.abs(spec.high), spec.step ?? 0, Number.MIN_VALUE);
  if (value < spec.low - tolerance || value > spec.high + tolerance) {
    return `${value} is outside [${spec.low}, ${spec.high}]`;
  }
  if (spec.step !== undefined) {
    const k = Math.round((value - spec.low) / spec.step);
    if (Math.abs(spec.low + k * spec.step - value) > tolerance) {
      return `${value} is not on the grid ${spec.low} + k*${spec.step}`;
    }
  }
  return undefined;
}

function show(value: ParamValue): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
