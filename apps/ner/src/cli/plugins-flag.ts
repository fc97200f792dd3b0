/**
 * `--plugins a,b`: the operator's plugin allowlist, shared by every command that trains or loads a model. Only
 * these modules are ever imported (see @window-ner/ner's allowPlugins); a model needing others is refused.
 */
import { allowPlugins, PluginNotAllowedError } from '@window-ner/ner';
import { CliError } from './command.js';

/** The flag's usage lines, its description starting at column `indent` like the command's other flags. */
export function pluginsUsage(indent: number): string {
  return `  ${'--plugins LIST'.padEnd(indent - 2)}plugins to allow, comma-separated: installed package names or paths to\n` +
    `${' '.repeat(indent)}their module files (only these are imported; a model needing others is refused)`;
}

/** Allow and import the listed plugins; a bad entry is a one-line usage error. */
export async function allowPluginsFlag(value: string | undefined): Promise<void> {
  if (value === undefined) return;
  try {
    await allowPlugins(value.split(','));
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/** A model needing plugins that were not allowed is the user's to fix: one line, exit 2. */
export function refusePluginsAsCliError(e: unknown): never {
  if (e instanceof PluginNotAllowedError) throw new CliError(e.message);
  throw e;
}
