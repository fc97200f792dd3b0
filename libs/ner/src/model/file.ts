/**
 * The model file: one SQLite database holding everything needed to rebuild the pipeline — the merged config,
 * the label set, each feature's state (vocabulary as JSON, tables as float32 BLOBs), the network (nn's
 * serializeModel of the scorer: its layer config as JSON in `network`, its weights as `network/<param>`), the
 * head's state (e.g. calibrated thresholds), metrics and provenance. Written to a temp file beside the target and
 * renamed, so a crash or an error never leaves a half-written model at the target path.
 *
 * Format versions: v1 (before the network was built from libs/nn layers) kept the weights as `mlp/<param>` and
 * plugins as module paths; v2 keeps the nn layer config with the weights and plugins by package name. A v1 file is
 * refused with its version named (retrain it): nothing in it is imported or guessed at.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { loadWeights, serializeModel, type SavedWeight } from '@window-ner/nn';
import { bytesToFloat32, float32ToBytes } from '@window-ner/tensor';
import { resolveConfig, type NerConfig } from '../config/config.js';
import type { FeatureState } from '../features/types.js';
import { LabelSet } from '../labels/label-set.js';
import type { VectorSource } from '../vectors/source.js';
import { checkModelPlugins, pluginsUsedBy } from '../plugins/allowlist.js';
import { assemble, restoreFeatures } from './build.js';
import { WordIds } from '../features/word-ids.js';
import type { WindowModel } from './window-model.js';

/** Prefix of the network's weights in the tensors table. */
const NETWORK_PREFIX = 'network/';

export const MODEL_FORMAT = 'window-ner-model';
export const MODEL_FORMAT_VERSION = 2;

const SCHEMA = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE tensors (name TEXT PRIMARY KEY, shape TEXT NOT NULL, data BLOB NOT NULL);
`;

export interface SaveExtras {
  metrics?: Record<string, unknown>;
  provenance?: Record<string, unknown>;
}

/** Write the model atomically (temp file + rename). */
export function saveModel(model: WindowModel, path: string, extras: SaveExtras = {}): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${Date.now()}`);
  try {
    const db = new Database(tmp);
    try {
      db.pragma('journal_mode = OFF');
      db.exec(SCHEMA);
      const putMeta = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      const putTensor = db.prepare('INSERT INTO tensors (name, shape, data) VALUES (?, ?, ?)');
      db.transaction(() => {
        putMeta.run('format', JSON.stringify({ name: MODEL_FORMAT, version: MODEL_FORMAT_VERSION }));
        putMeta.run('config', JSON.stringify(model.config));
        putMeta.run('plugins', JSON.stringify(pluginsUsedBy(model.config)));
        putMeta.run('labels', JSON.stringify(model.labels.toJSON()));
        putMeta.run('head', JSON.stringify(model.head.getState()));
        putMeta.run('metrics', JSON.stringify(extras.metrics ?? {}));
        putMeta.run('provenance', JSON.stringify(extras.provenance ?? {}));
        model.features.forEach((f, i) => {
          const state = f.getState();
          putMeta.run(`feature/${i}`, JSON.stringify({ type: f.type, json: state.json, tables: Object.keys(state.tables) }));
          for (const [name, t] of Object.entries(state.tables)) putTensor.run(`feature/${i}/${name}`, JSON.stringify(t.shape), float32ToBytes(t.data));
        });
        const network = serializeModel(model.network.scorer);
        putMeta.run('network', JSON.stringify(network.config));
        for (const [name, w] of Object.entries(network.weights)) {
          putTensor.run(NETWORK_PREFIX + name, JSON.stringify(w.shape), float32ToBytes(w.values));
        }
      })();
    } finally {
      db.close();
    }
    renameSync(tmp, path);
  } catch (e) {
    if (existsSync(tmp)) unlinkSync(tmp);
    throw e;
  }
}

export interface LoadedModel {
  model: WindowModel;
  metrics: Record<string, unknown>;
  provenance: Record<string, unknown>;
  /** sha256 of the file bytes (first 16 hex chars): the model's version. */
  version: string;
}

/** Rebuild a model from its file. `vectors` resolves words outside the trained vocabulary (optional). */
export async function loadModel(path: string, vectors: VectorSource | null): Promise<LoadedModel> {
  if (!existsSync(path)) throw new Error(`model file not found: ${path}`);
  const version = createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new Error(`${path}: not a readable model file (${(e as Error).message})`);
  }
  try {
    const meta = new Map<string, string>();
    try {
      for (const r of db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]) meta.set(r.key, r.value);
    } catch (e) {
      throw new Error(`${path}: not a window-ner model file (${(e as Error).message})`);
    }
    const need = (key: string) => {
      const v = meta.get(key);
      if (v === undefined) throw new Error(`${path}: model file has no "${key}" entry`);
      return JSON.parse(v);
    };
    const format = need('format') as { name?: unknown; version?: unknown };
    if (format.name !== MODEL_FORMAT) throw new Error(`${path}: not a window-ner model file (format ${JSON.stringify(format)})`);
    if (format.version !== MODEL_FORMAT_VERSION) {
      const why = typeof format.version === 'number' && format.version < MODEL_FORMAT_VERSION
        ? 'written by an older window-ner; retrain it with `window-ner train` (its config is in the file\'s meta table)'
        : 'written by a newer window-ner; upgrade to read it';
      throw new Error(`${path}: model format v${String(format.version)} ${why} (this build reads ${MODEL_FORMAT} v${MODEL_FORMAT_VERSION})`);
    }
    // Plugins first: a model needing plugins this process was not allowed fails before anything else is read.
    // Older files kept module paths in config.model.plugins; they are refused, never imported.
    const raw = need('config') as { model?: { plugins?: unknown; head?: { type?: unknown; level?: unknown } } };
    checkModelPlugins(path, meta.has('plugins') ? need('plugins') : [], raw.model?.plugins ?? []);
    delete raw.model?.plugins;
    // A max-margin head saved before it had a level trained window by window: keep it so (the default is now sentence).
    const head = raw.model?.head;
    if (head?.type === 'max-margin' && head.level === undefined) head.level = 'window';
    const config: NerConfig = resolveConfig(raw);
    const labels = LabelSet.fromJSON(need('labels'));
    const tensor = (name: string) => {
      const row = db.prepare('SELECT shape, data FROM tensors WHERE name = ?').get(name) as { shape: string; data: Buffer } | undefined;
      if (!row) throw new Error(`${path}: model file has no tensor "${name}"`);
      const shape = JSON.parse(row.shape) as number[];
      return { shape, data: bytesToFloat32(row.data, shape.reduce((a, b) => a * b, 1)) };
    };
    const states: FeatureState[] = config.model.features.map((spec, i) => {
      const saved = need(`feature/${i}`) as { type: string; json: Record<string, unknown>; tables: string[] };
      if (saved.type !== spec.type) throw new Error(`${path}: feature ${i} is "${saved.type}" but the config says "${spec.type}"`);
      return { json: saved.json, tables: Object.fromEntries(saved.tables.map((t) => [t, tensor(`feature/${i}/${t}`)])) };
    });
    const words = new WordIds();
    const model = assemble(config, labels, restoreFeatures(config, states, vectors, words), words, null, need('head'));
    // The network is rebuilt from the NER config (the saved `network` layer config documents it for tools);
    // every saved weight must then match a param by name and shape.
    const weights: Record<string, SavedWeight> = {};
    for (const { name } of db.prepare(`SELECT name FROM tensors WHERE name LIKE '${NETWORK_PREFIX}%'`).all() as { name: string }[]) {
      const t = tensor(name);
      weights[name.slice(NETWORK_PREFIX.length)] = { shape: t.shape, values: t.data };
    }
    try {
      loadWeights(model.network.scorer, weights);
    } catch (e) {
      model.dispose();
      throw new Error(`${path}: the network's weights do not fit its config (model.hidden, model.norm): ${(e as Error).message}`);
    }
    return { model, metrics: need('metrics'), provenance: need('provenance'), version };
  } finally {
    db.close();
  }
}
