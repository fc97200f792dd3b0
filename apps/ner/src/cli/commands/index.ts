/** Every CLI command, in the order `--help` lists them. Add a command: a file beside this one, a line here. */
import type { Command } from '../command.js';
import { command as importEmbeddings } from './import-embeddings.js';
import { command as train } from './train.js';
import { command as evalCommand } from './eval.js';
import { command as tag } from './tag.js';
import { command as bench } from './bench.js';
import { command as serve } from './serve.js';
import { command as tagBatch } from './tag-batch.js';
import { command as worker } from './worker.js';

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
