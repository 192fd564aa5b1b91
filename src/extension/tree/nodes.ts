/**
 * The elements of the studies tree, also the arguments tree context-menu commands receive. Plain objects
 * kept stable per study/trial (studiesTree.ts caches them), because VS Code matches a refreshed element
 * by identity.
 */

/** A study row. */
export interface StudyNode {
  readonly kind: 'study';
  /** StudyRegistry key. */
  readonly key: string;
}

/** A trial row under its study. */
export interface TrialNode {
  readonly kind: 'trial';
  readonly key: string;
  readonly trialId: string;
}

export type RungNode = StudyNode | TrialNode;

/** Narrowing for command arguments, which VS Code types as unknown. */
export function isRungNode(value: unknown): value is RungNode {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (v['kind'] === 'study' || (v['kind'] === 'trial' && typeof v['trialId'] === 'string')) && typeof v['key'] === 'string';
}
