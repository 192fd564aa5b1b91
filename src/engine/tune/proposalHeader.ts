/**
 * The comment block that opens every proposed study file ("Tune This Script", `rung propose`), whatever the
 * script was read as: where it came from, what to do next, and the notes (not only gaps: also choices made for
 * the user, such as a test metric or {trial_dir}, and files read besides the script).
 */
import { oneLine, wrap } from '../spec/yamlText';

/** The header's lines; `whatWasRead` completes "from <script>: …, the script was not run." */
export function proposalHeader(scriptFile: string, whatWasRead: string, notes: readonly string[]): string[] {
  const out = [
    `# Proposed by Rung's "Tune This Script" from ${oneLine(scriptFile)}: ${whatWasRead}, the script was not run.`,
    '# Review the ranges, then start the study (Rung: Start Study, or `rung run <this file>`).',
  ];
  if (notes.length > 0) {
    out.push('#', '# Notes: what Rung could not infer, chose for you, or read besides the script:');
    for (const note of notes) out.push(...wrap(note, 100).map((line, i) => `#${i === 0 ? '   - ' : '     '}${line}`));
  }
  return out;
}
