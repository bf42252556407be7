// The one argument parser of the operator CLIs (admin, audit:verify, audit:purge), on node:util
// parseArgs. Every CLI answers --help with its usage (exit 0) and reports a bad argument in one
// line on stderr, never a stack trace (exit 2). Each CLI's main returns its exit status.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A problem with the command line itself (unknown option, missing value, bad command). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Spec<O extends Options> = { options: O; allowPositionals: true; strict: true };
export type CliArgs<O extends Options> = ReturnType<typeof parseArgs<Spec<O>>>;

export interface Cli<O extends Options> {
  /** As the user types it, e.g. `audit:verify`: the prefix of every error line. */
  name: string;
  usage: string;
  options: O;
}

/** First sentence of node's parse errors, e.g. "Unknown option '--bogus'". */
const firstSentence = (message: string) => message.split(/\.\s/)[0]!.replace(/\.$/, '');

export function parseCli<O extends Options>(cli: Cli<O>, argv: readonly string[]): CliArgs<O> | 'help' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  try {
    return parseArgs({ args: [...argv], options: cli.options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(firstSentence((error as Error).message));
  }
}

/**
 * Runs a CLI's main with its parsed arguments and exits with its status. The only place the CLIs
 * touch the process.
 */
export function runCli<O extends Options>(cli: Cli<O>, main: (args: CliArgs<O>) => Promise<number>): void {
  // Exit at once: a store client left open must not keep the process alive.
  const done = (code: number) => process.exit(code);
  const report = (error: unknown) => {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    console.error(error instanceof UsageError ? `${cli.name}: ${message} (see --help)` : `${cli.name}: ${message}`);
    done(2);
  };
  let args: CliArgs<O> | 'help';
  try {
    args = parseCli(cli, process.argv.slice(2));
  } catch (error) {
    report(error);
    return;
  }
  if (args === 'help') {
    console.log(cli.usage);
    done(0);
    return;
  }
  main(args).then(done, report);
}
