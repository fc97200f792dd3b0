/** One CLI command: a file in commands/ exporting `command`, listed in commands/index.ts. */
export interface Command {
  name: string;
  /** One line for `window-ner --help`. */
  summary: string;
  /** Full usage text for `window-ner <name> --help`. */
  usage: string;
  /** Returns the process exit code. Throw CliError for a user mistake (printed without a stack). */
  run(argv: string[]): Promise<number>;
}

/** An error caused by the user's input: printed as one clear line, exit code 2 by default. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}
