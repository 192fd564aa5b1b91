/** The words for a command-line parse error of `node:util` parseArgs, shared by the CLI's commands. */
import { closestMatch } from '../spec/didYouMean';

/**
 * `unknown option --trails (did you mean --trials?)` for parseArgs' unknown-option error, whose own words
 * ("To specify a positional argument starting with a '-', place it at the end…") explain the parser, not the
 * mistake; any other error's message as it is. `options` are the command's option names, without dashes.
 */
export function argsErrorMessage(error: unknown, options: readonly string[]): string {
  const message = error instanceof Error ? error.message : String(error);
  if ((error as NodeJS.ErrnoException | undefined)?.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return message;
  const unknown = /'(-[^']*)'/.exec(message)?.[1];
  if (unknown === undefined) return message;
  const guess = closestMatch(unknown, options.map((name) => `--${name}`));
  return `unknown option ${unknown}${guess !== undefined ? ` (did you mean ${guess}?)` : ''}`;
}
