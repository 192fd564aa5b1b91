/**
 * The `hpo-jsonl/1` ask/report/tell protocol (the shared benchmark harness's PROTOCOL.md): one JSON object per
 * line in each direction, one reply per request, in order. This file holds the typed messages, the parser
 * that turns a request line into a message or a reason it is malformed, and the reply serialiser (strict
 * JSON: a reply holding NaN or ±Infinity is never written).
 */
import { err, ok, type Result } from '../util/result';

/** The protocol this module speaks; `init.protocol` must equal it when present. */
export const PROTOCOL_VERSION = 'hpo-jsonl/1';

/** A trial id on the wire: a JSON integer or string chosen by the engine. */
export type WireTrialId = number | string;

/** One parameter of the protocol's search-space JSON (validated in spaceFromProtocol.ts). */
export type ProtocolParamJson = Readonly<Record<string, unknown>>;

/** The fidelity axis of a multi-fidelity problem (`problem.fidelity`). */
export interface ProtocolFidelity {
  readonly name?: string;
  readonly min: number;
  readonly max: number;
}

/** `init.problem`, as far as the engine needs it. The space stays raw JSON until spaceFromProtocol checks it. */
export interface ProtocolProblem {
  readonly name?: string;
  readonly kind?: string;
  readonly direction?: 'minimize' | 'maximize';
  readonly space?: unknown;
  readonly fidelity?: ProtocolFidelity;
}

/** First message: what to optimise and how much. */
export interface InitRequest {
  readonly op: 'init';
  readonly protocol?: string;
  readonly problem?: ProtocolProblem;
  readonly seed?: number;
  readonly maxTrials?: number;
  /** Free-form method label (`run_external.py --method`); see methods.ts for the names understood. */
  readonly method?: string;
  /** Free-form options (`run_external.py --option KEY=VALUE`). */
  readonly options: Readonly<Record<string, unknown>>;
}

/** Next configuration, or a resume of a paused trial. */
export interface AskRequest {
  readonly op: 'ask';
}

/** An intermediate value of a running multi-fidelity trial. */
export interface ReportRequest {
  readonly op: 'report';
  readonly trial: WireTrialId;
  readonly step: number;
  /** The objective at `step`; null stands for a non-finite value (JSON cannot carry NaN). */
  readonly value: number | null;
}

/** How a trial (or a trial segment, for `paused`) ended. */
export type TellState = 'complete' | 'pruned' | 'paused' | 'failed';

/** A trial ended (or paused at the `max_step` it was asked to run to). */
export interface TellRequest {
  readonly op: 'tell';
  readonly trial: WireTrialId;
  readonly state: TellState;
  readonly value: number | null;
}

/** The last message: reply, then exit. */
export interface ShutdownRequest {
  readonly op: 'shutdown';
}

/** Every request the harness sends. */
export type Request = InitRequest | AskRequest | ReportRequest | TellRequest | ShutdownRequest;

/** Every reply the engine sends (one per request). */
export type Reply =
  | { readonly ok: true; readonly engine?: Readonly<Record<string, unknown>> }
  | { readonly trial: WireTrialId; readonly params: Readonly<Record<string, number | string | boolean>>; readonly max_step?: number }
  | { readonly trial: WireTrialId; readonly resume: true; readonly max_step: number }
  | { readonly done: true }
  | { readonly prune: boolean }
  | { readonly error: string };

const TELL_STATES: readonly TellState[] = ['complete', 'pruned', 'paused', 'failed'];

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTrialId(value: unknown): value is WireTrialId {
  return (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && value.length > 0);
}

function finiteOrNull(value: unknown): value is number | null {
  return value === null || (typeof value === 'number' && Number.isFinite(value));
}

/**
 * Parses one request line. Malformed input (not JSON, not an object, an unknown `op`, a missing or mistyped
 * field) gives the message the engine answers with `{"error": ...}`; it never throws.
 */
export function parseRequest(line: string): Result<Request, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (e) {
    return err(`request is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isRecord(raw)) return err('request is not a JSON object');
  const op = raw['op'];
  switch (op) {
    case 'init':
      return parseInit(raw);
    case 'ask':
      return ok({ op: 'ask' });
    case 'shutdown':
      return ok({ op: 'shutdown' });
    case 'report': {
      const trial = raw['trial'];
      const step = raw['step'];
      const value = raw['value'];
      if (!isTrialId(trial)) return err('report needs "trial" (an integer or a non-empty string)');
      if (typeof step !== 'number' || !Number.isFinite(step)) return err('report needs a numeric "step"');
      if (value !== null && typeof value !== 'number') return err('report needs "value" (a number or null)');
      return ok({ op: 'report', trial, step, value });
    }
    case 'tell': {
      const trial = raw['trial'];
      const state = raw['state'];
      const value = raw['value'] ?? null;
      if (!isTrialId(trial)) return err('tell needs "trial" (an integer or a non-empty string)');
      if (typeof state !== 'string' || !TELL_STATES.includes(state as TellState)) {
        return err(`tell needs "state", one of ${TELL_STATES.join(', ')} (got ${JSON.stringify(state)})`);
      }
      if (!finiteOrNull(value)) return err('tell "value" must be a number or null');
      return ok({ op: 'tell', trial, state: state as TellState, value });
    }
    default:
      return err(`unknown op ${JSON.stringify(op)}; expected init, ask, report, tell or shutdown`);
  }
}

function parseInit(raw: Readonly<Record<string, unknown>>): Result<InitRequest, string> {
  const protocol = raw['protocol'];
  if (protocol !== undefined && protocol !== PROTOCOL_VERSION) {
    return err(`unsupported protocol ${JSON.stringify(protocol)}; this engine speaks ${PROTOCOL_VERSION}`);
  }
  const seed = raw['seed'];
  if (seed !== undefined && seed !== null && !(typeof seed === 'number' && Number.isInteger(seed))) {
    return err('init "seed" must be an integer');
  }
  const maxTrials = raw['max_trials'];
  if (maxTrials !== undefined && maxTrials !== null && !(typeof maxTrials === 'number' && Number.isInteger(maxTrials) && maxTrials >= 0)) {
    return err('init "max_trials" must be an integer >= 0');
  }
  const method = raw['method'];
  if (method !== undefined && method !== null && typeof method !== 'string') return err('init "method" must be a string');
  const options = raw['options'] ?? {};
  if (!isRecord(options)) return err('init "options" must be an object');
  const problem = raw['problem'];
  let parsedProblem: ProtocolProblem | undefined;
  if (problem !== undefined && problem !== null) {
    const p = parseProblem(problem);
    if (!p.ok) return p;
    parsedProblem = p.value;
  }
  return ok({
    op: 'init',
    ...(typeof protocol === 'string' ? { protocol } : {}),
    ...(parsedProblem !== undefined ? { problem: parsedProblem } : {}),
    ...(typeof seed === 'number' ? { seed } : {}),
    ...(typeof maxTrials === 'number' ? { maxTrials } : {}),
    ...(typeof method === 'string' ? { method } : {}),
    options,
  });
}

function parseProblem(problem: unknown): Result<ProtocolProblem, string> {
  if (!isRecord(problem)) return err('init "problem" must be an object');
  const name = problem['name'];
  const kind = problem['kind'];
  const direction = problem['direction'] ?? 'minimize';
  if (direction !== 'minimize' && direction !== 'maximize') {
    return err(`problem "direction" must be "minimize" or "maximize" (got ${JSON.stringify(direction)})`);
  }
  if (kind !== undefined && kind !== 'single' && kind !== 'multifidelity') {
    return err(`problem "kind" must be "single" or "multifidelity" (got ${JSON.stringify(kind)})`);
  }
  const fidelity = problem['fidelity'];
  let parsedFidelity: ProtocolFidelity | undefined;
  if (fidelity !== undefined && fidelity !== null) {
    if (!isRecord(fidelity)) return err('problem "fidelity" must be an object');
    const min = fidelity['min'];
    const max = fidelity['max'];
    // min 0 is allowed (PROTOCOL.md asks nothing more; the harness reports from step 1 on): the schedulers'
    // first rung is then step 1 (askTellServer.ts).
    if (typeof min !== 'number' || typeof max !== 'number' || !Number.isFinite(min) || !Number.isFinite(max) || !(min >= 0) || !(max >= min)) {
      return err('problem "fidelity" needs numbers "min" >= 0 and "max" >= "min"');
    }
    const fname = fidelity['name'];
    parsedFidelity = { min, max, ...(typeof fname === 'string' ? { name: fname } : {}) };
  }
  if (kind === 'multifidelity' && parsedFidelity === undefined) return err('a multifidelity problem needs "fidelity" {min, max}');
  return ok({
    ...(typeof name === 'string' ? { name } : {}),
    ...(typeof kind === 'string' ? { kind } : {}),
    direction,
    ...(problem['space'] !== undefined ? { space: problem['space'] } : {}),
    ...(parsedFidelity !== undefined ? { fidelity: parsedFidelity } : {}),
  });
}

/** Whether `value` holds a non-finite number anywhere (JSON.stringify would silently write null for it). */
function hasNonFinite(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (Array.isArray(value)) return value.some(hasNonFinite);
  if (isRecord(value)) return Object.values(value).some(hasNonFinite);
  return false;
}

/**
 * One reply line (without the newline). A reply that would carry NaN/±Infinity becomes an error reply
 * instead: the protocol is strict JSON, and a silent `null` would be a wrong answer.
 */
export function serializeReply(reply: Reply): string {
  if (hasNonFinite(reply)) {
    return JSON.stringify({ error: `internal: reply holds a non-finite number: ${JSON.stringify(reply)}` });
  }
  return JSON.stringify(reply);
}
