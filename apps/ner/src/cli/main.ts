/**
 * `window-ner <command> [flags]`: dispatch to commands/, print input errors as one line naming the file (exit 2,
 * no stack), anything else with its stack (exit 1).
 */
import { type Command } from './command.js';
import { commands } from './commands/index.js';
import { asInputError } from './input-errors.js';
import { stopProgressBars } from './progress.js';

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  return [
    'window-ner: named-entity recognition with window-based neural networks',
    '',
    'Usage: window-ner <command> [flags]      (or: npm run ner -- <command> [flags])',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `window-ner <command> --help` for the flags of one command.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name ? 0 : 2;
  }
  const command: Command | undefined = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`window-ner: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    // A bar cut short ends its line first, so the error is not printed after a half-drawn bar.
    stopProgressBars();
    const input = asInputError(e);
    if (input) {
      console.error(`window-ner ${name}: ${input.message}`);
      return input.exitCode;
    }
    console.error(`window-ner ${name}: ${(e as Error).stack ?? e}`);
    return 1;
  } finally {
    stopProgressBars();
  }
}
