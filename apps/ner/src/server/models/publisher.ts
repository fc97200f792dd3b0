/**
 * Publishing a trained model: move the finished file from staging into the models directory with one rename
 * (atomic on one filesystem, so the models directory never holds a half file), load it and warm it up, then in
 * one SQLite transaction record it, make it the served model and mark its job succeeded, and only then swap it
 * in. A model that fails to load is deleted and never becomes the served one. After a publish, versions beyond
 * the retention count are forgotten and their files deleted (never the served one). activate() serves an older
 * or newer published version the same way (load, warm up, record, swap), so a rollback fails no request.
 *
 * syncServing() makes this process serve whatever the registry says is served: at start-up, periodically in
 * cluster mode (another worker process may have published), and with a shared registry (--registry) when another
 * replica published; the store then fetches the model's bytes into this machine's models/ first (localFile).
 */
import { readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { TrainResult } from '@window-ner/ner';
import type { Logger } from '../http/logger.js';
import type { PublishedModel, ServerStore } from '../store/server-store.js';
import { loadWarmTagger, type TaggerLoader } from './load-model.js';
import type { ModelHolder } from './model-holder.js';

export interface PublisherOptions {
  db: ServerStore;
  modelsDir: string;
  models: ModelHolder;
  load: TaggerLoader;
  logger: Logger;
  /** Published versions kept, the served one included (default 5). */
  keepModels?: number;
}

export const DEFAULT_KEEP_MODELS = 5;

export class ModelPublisher {
  private syncing: Promise<void> | null = null;

  constructor(private readonly opts: PublisherOptions) {}

  /**
   * `cancelled` is asked once more after the slow step (loading): a job cancelled while publishing ends without
   * touching the served model, and publish() then returns null.
   */
  async publish(stagedPath: string, jobId: string, result: TrainResult, cancelled: () => boolean = () => false): Promise<PublishedModel | null> {
    const { db, modelsDir, models, load, logger } = this.opts;
    const finalPath = join(modelsDir, `${jobId}.sqlite`);
    renameSync(stagedPath, finalPath);
    let tagger;
    try {
      tagger = await loadWarmTagger(load, finalPath);
    } catch (err) {
      rmSync(finalPath, { force: true });
      throw err;
    }
    if (cancelled()) {
      tagger.dispose();
      rmSync(finalPath, { force: true });
      return null;
    }
    const version = tagger.info.version;
    try {
      await db.publishModel({ version, path: finalPath, jobId, metrics: result.metrics }, { ...result, outPath: basename(finalPath) });
    } catch (err) {
      tagger.dispose();
      rmSync(finalPath, { force: true });
      throw err;
    }
    models.install(tagger);
    logger.info({ jobId, version, file: basename(finalPath) }, 'model published');
    await this.prune();
    return (await db.servingModel()) as PublishedModel;
  }

  /** Serve a published version (admin rollback / roll forward). Throws if it is unknown or will not load. */
  async activate(version: string): Promise<PublishedModel> {
    const { db, models, load, logger } = this.opts;
    const model = await db.getModel(version);
    if (!model) throw new Error(`no published model with version "${version.slice(0, 100)}"`);
    if (models.info?.version !== version) {
      const tagger = await loadWarmTagger(load, await db.localFile(model));
      let activated = false;
      try {
        activated = await db.activate(version);
      } finally {
        if (!activated) tagger.dispose();
      }
      if (!activated) throw new Error(`model ${version.slice(0, 100)} was removed while it was being loaded`);
      models.install(tagger);
    } else {
      await db.activate(version);
    }
    logger.info({ version, file: basename(model.path) }, 'model activated');
    return (await db.getModel(version)) as PublishedModel;
  }

  /** Forget published versions beyond the retention count, then delete their files. */
  async prune(): Promise<string[]> {
    const { db, modelsDir } = this.opts;
    const removed = await db.pruneModels(this.opts.keepModels ?? DEFAULT_KEEP_MODELS);
    // Only files this registry wrote: the operator's --model file stays where it is. A shared registry names its
    // copies by hash; the job's own file name is then a second link to it on the replica that trained it.
    for (const m of removed) {
      if (dirname(resolve(m.path)) === resolve(modelsDir)) rmSync(m.path, { force: true });
      if (m.jobId) rmSync(join(modelsDir, `${m.jobId}.sqlite`), { force: true });
    }
    if (removed.length) this.opts.logger.info({ versions: removed.map((m) => m.version) }, 'old models removed');
    return removed.map((m) => m.version);
  }

  /**
   * Start-up recovery: a crash between the rename into models/ and the database commit leaves a complete but
   * unrecorded file. Delete files no model row names, except those of jobs still running (another cluster
   * worker may be between those two steps right now). Returns the names removed.
   */
  async removeOrphans(): Promise<string[]> {
    const { db, modelsDir, logger } = this.opts;
    const recorded = new Set((await db.listModels()).map((m) => basename(m.path)));
    const running = (await db.runningJobs()).map((j) => j.id);
    const removed = readdirSync(modelsDir).filter((name) => !recorded.has(name) && !running.some((id) => name.includes(id)));
    for (const name of removed) rmSync(join(modelsDir, name), { force: true });
    if (removed.length) logger.warn({ removed }, 'removed model files no database row names');
    return removed;
  }

  /** Serve the model the database names, if it differs from the one served here. Never throws. */
  syncServing(): Promise<void> {
    this.syncing ??= this.sync().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  private async sync(): Promise<void> {
    const { db, models, load, logger } = this.opts;
    let serving: PublishedModel | undefined;
    try {
      serving = await db.servingModel();
      if (!serving || serving.version === models.info?.version) return;
      const file = await db.localFile(serving);
      const tagger = await loadWarmTagger(load, file);
      models.install(tagger);
      logger.info({ version: tagger.info.version, path: file }, 'model swapped in');
    } catch (err) {
      logger.error({ version: serving?.version, err }, 'could not load the served model; keeping the current one');
    }
  }
}
