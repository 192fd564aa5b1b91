/** Shared by the "Tune This Script" tests: a proposal parsed as a study file, and a parameter of it by name. */
import path from 'node:path';
import { formatSpecIssue, parseStudySpec } from '../../src/engine/spec/parseStudySpec';
import type { StudySpec } from '../../src/engine/spec/studySpec';
import type { ParamSpec } from '../../src/engine/space/searchSpace';
import type { ScriptInspection } from '../../src/engine/tune/inspectScript';
import { proposeStudy, type StudyProposal } from '../../src/engine/tune/proposeStudy';

/** Proposes, then parses the text as a study file in `dir`; fails with the parser's messages. */
export function checkedProposal(inspection: ScriptInspection, scriptFile: string, studyName: string, dir: string): { proposal: StudyProposal; spec: StudySpec } {
  const proposal = proposeStudy(inspection, { scriptFile, studyName });
  const parsed = parseStudySpec(proposal.text, path.join(dir, 'proposed.rung.yaml'));
  if (!parsed.ok) throw new Error(`proposal does not parse:\n${parsed.error.map((i) => formatSpecIssue(i)).join('\n')}\n---\n${proposal.text}`);
  return { proposal, spec: parsed.value };
}

/** A parameter of the proposed space; fails with the names there are. */
export function param(spec: StudySpec, name: string): ParamSpec {
  const p = spec.space.params.get(name);
  if (p === undefined) throw new Error(`no parameter ${name}; have ${[...spec.space.params.keys()].join(', ')}`);
  return p;
}
