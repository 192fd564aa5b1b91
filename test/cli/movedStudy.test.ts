/**
 * A project moved, renamed or cloned with its studies (the built dist/cli.js in real child processes): the event
 * log stores paths inside the project relative to the study folder, so `rung show` and `rung resume` work at the
 * new place with the old one gone; a study written before (every path absolute) still shows and resumes.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SequencedEvent } from '../../src/engine/store/events';
import { readStudyEvents } from '../../src/engine/store/jsonlStore';
import { repoRoot, tempDir } from '../helpers/studyFixture';
import { ensureCliBuilt, rung } from '../helpers/cliProcess';

const example = path.join(repoRoot, 'examples', 'quadratic');
const oldFormatLog = path.join(repoRoot, 'test', 'engine', 'store', 'fixtures', 'absolute-paths', 'events.jsonl');

beforeAll(ensureCliBuilt);

/** The quadratic example in `dir`, three epochs a trial to keep it quick. */
function project(dir: string): string {
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(example, 'train.mjs'), path.join(dir, 'train.mjs'));
  writeFileSync(path.join(dir, 'quadratic.rung.yaml'), readFileSync(path.join(example, 'quadratic.rung.yaml'), 'utf8').replace('max_budget: 20', 'max_budget: 3'));
  return dir;
}

/** `rung show`'s command for the best trial, run from a shell: its last val_loss, which must be the stored best. */
function replayBest(dir: string): { command: string; value: number; stored: number } {
  const show = rung(['show', 'quadratic'], dir);
  expect(show.code, show.stderr).toBe(0);
  const command = show.stdout.split('reproduce it:\n')[1]?.split('\n')[0]?.trim() ?? '';
  const replay = spawnSync('bash', ['-c', command], { encoding: 'utf8' });
  expect(replay.status, `${command}\n${replay.stderr}`).toBe(0);
  const value = Number(/val_loss=([^\s]+)/.exec(replay.stdout.trim().split('\n').at(-1) ?? '')?.[1]);
  const stored = (JSON.parse(rung(['export', 'quadratic', '--format', 'json'], dir).stdout) as { best: { value: number } }).best.value;
  return { command, value, stored };
}

const launches = (events: readonly SequencedEvent[]) => events.flatMap(({ event }) => (event.type === 'trial.launched' ? [event] : []));

describe('a study whose project moved', () => {
  it('shows and resumes a finished study after its project folder was copied elsewhere and the original deleted', async () => {
    const original = project(path.join(tempDir(), 'proj'));
    const run = rung(['run', 'quadratic.rung.yaml', '--trials', '2', '--quiet'], original);
    expect(run.code, run.stderr).toBe(0);

    const moved = path.join(tempDir(), 'clone');
    cpSync(original, moved, { recursive: true });
    rmSync(original, { recursive: true, force: true });
    const store = path.join(moved, '.rung');

    const best = replayBest(moved);
    expect(best.command).toMatch(new RegExp(`^cd '?${moved.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'? && `));
    expect(best.value).toBeCloseTo(best.stored, 4);

    // Resume with a larger budget: the new trial runs in the new place, and its output is where readers look.
    const resumed = rung(['resume', 'quadratic', '--trials', '3', '--quiet'], moved);
    expect(resumed.code, resumed.stderr).toBe(0);
    const { events } = await readStudyEvents(store, 'quadratic');
    const ended = events.flatMap(({ event }) => (event.type === 'trial.ended' ? [event.status] : []));
    expect(ended).toEqual(['completed', 'completed', 'completed']);
    const third = launches(events).at(-1);
    expect(third).toMatchObject({ trialId: '2', cwd: moved, trialDir: path.join(store, 'quadratic', 'trials', '2') });
    expect(readFileSync(path.join(store, 'quadratic', 'trials', '2', 'output.log'), 'utf8')).toMatch(/val_loss=/);
    // Nothing on disk names either place: paths inside the project are relative to the study folder.
    const raw = readFileSync(path.join(store, 'quadratic', 'events.jsonl'), 'utf8');
    expect(raw).not.toContain(original);
    expect(raw).not.toContain(moved);
    expect(raw).toContain('"trialDir":"trials/0"');
  });

  it('shows and resumes a study written before, whose log has absolute paths', async () => {
    const dir = project(path.join(tempDir(), 'proj'));
    // The fixture was written at /home/alice/proj by the earlier format; here it is as if written in `dir`.
    const log = path.join(dir, '.rung', 'quadratic', 'events.jsonl');
    mkdirSync(path.dirname(log), { recursive: true });
    writeFileSync(log, readFileSync(oldFormatLog, 'utf8').replaceAll('/home/alice/proj', dir));

    const best = replayBest(dir);
    expect(best.command.startsWith(`cd ${dir} && `) || best.command.startsWith(`cd '${dir}' && `)).toBe(true);
    expect(best.value).toBeCloseTo(best.stored, 4);

    const resumed = rung(['resume', 'quadratic', '--trials', '3', '--quiet'], dir);
    expect(resumed.code, resumed.stderr).toBe(0);
    // Old events keep their absolute paths, the new one is stored relative; read back, all are absolute.
    const raw = readFileSync(log, 'utf8');
    expect(raw).toContain(`"trialDir":"${path.join(dir, '.rung', 'quadratic', 'trials', '0')}"`);
    expect(raw).toContain('"trialDir":"trials/2"');
    const { events } = await readStudyEvents(path.join(dir, '.rung'), 'quadratic');
    expect(launches(events).map((e) => [e.trialId, e.cwd, e.trialDir])).toEqual(
      ['0', '1', '2'].map((id) => [id, dir, path.join(dir, '.rung', 'quadratic', 'trials', id)]),
    );
    expect(events.flatMap(({ event }) => (event.type === 'trial.ended' ? [event.status] : []))).toEqual(['completed', 'completed', 'completed']);
  });
});
