/**
 * A batch's model by content: `tag-batch` hashes the model it names (a path or an http(s) URL); a worker copies
 * or downloads it into its cache while hashing the same bytes, and loads that copy only when the hash matches.
 * Loading the verified copy (not the original path) means a file replaced after the check cannot slip in.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createTempFile } from '../io/temp-file.js';
import type { BatchModel } from './protocol.js';

/** The model is not the one the batch was recorded with: retrying cannot help, so the chunk fails at once. */
export class ModelMismatchError extends Error {
  constructor(message: string) {
    super(message);
    // Own property: BullMQ ships errors out of a worker thread by own properties and matches on this name.
    Object.defineProperty(this, 'name', { value: 'UnrecoverableError', enumerable: true });
  }
}

export function isUrl(source: string): boolean {
  return /^https?:\/\//i.test(source);
}

async function open(source: string): Promise<Readable> {
  if (!isUrl(source)) return createReadStream(source);
  const res = await fetch(source);
  if (!res.ok || !res.body) throw new Error(`model ${source}: HTTP ${res.status}`);
  return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
}

/** sha256 (hex) of a model file or URL, streamed; a path is made absolute so workers elsewhere can name it. */
export async function describeModel(source: string): Promise<BatchModel> {
  const abs = isUrl(source) ? source : resolve(source);
  const hash = createHash('sha256');
  await pipeline(await open(abs), hash);
  return { source: abs, sha256: hash.digest('hex') };
}

/** A local, verified copy of the batch's model in `cacheDir` (`<sha256>.sqlite`), fetched on first use. */
export async function fetchModel(model: BatchModel, cacheDir: string): Promise<string> {
  const target = join(cacheDir, `${model.sha256}.sqlite`);
  if (existsSync(target)) return target;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  const hash = createHash('sha256');
  const file = createTempFile(tmp);
  try {
    const input = await open(model.source);
    input.on('data', (b: Buffer) => hash.update(b));
    await pipeline(input, file.out);
    const got = hash.digest('hex');
    if (got !== model.sha256) {
      throw new ModelMismatchError(
        `model ${model.source} has sha256 ${got.slice(0, 16)}, but the batch was started with ${model.sha256.slice(0, 16)}: ` +
          'the file changed after tag-batch recorded it; run tag-batch again to tag with the current model',
      );
    }
    renameSync(tmp, target);
    pruneCache(cacheDir, target);
    return target;
  } finally {
    await file.remove();
  }
}

/** Models kept in a worker's cache; older ones are deleted (a thread still reading one keeps its open file). */
export const CACHED_MODELS = 4;

function pruneCache(cacheDir: string, keep: string): void {
  const mtime = (f: string) => {
    try {
      return statSync(f).mtimeMs;
    } catch {
      return 0; // pruned by another thread meanwhile
    }
  };
  const models = readdirSync(cacheDir)
    .filter((f) => /^[0-9a-f]{64}\.sqlite$/.test(f))
    .map((f) => join(cacheDir, f))
    .filter((f) => f !== keep)
    .sort((a, b) => mtime(b) - mtime(a));
  for (const old of models.slice(CACHED_MODELS - 1)) rmSync(old, { force: true });
}
