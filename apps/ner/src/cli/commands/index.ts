/** Every CLI command, in the order `--help` lists them. Add a command: a file beside this one, a line here. */
import type { Command } from '../command';

export const commands: Command[] = [];
