/** Every CLI command, in the order `--help` lists them. Add a command: a file beside this one, a line here. */
import type { Command } from '../command';
import { command as importEmbeddings } from './import-embeddings';
import { command as train } from './train';
import { command as evalCommand } from './eval';
import { command as tag } from './tag';
import { command as bench } from './bench';
import { command as serve } from './serve';
import { command as tagBatch } from './tag-batch';
import { command as worker } from './worker';

export const commands: Command[] = [
  importEmbeddings,
  train,
  evalCommand,
  tag,
  bench,
  serve,
  tagBatch,
  worker,
];
