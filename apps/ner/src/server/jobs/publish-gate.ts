/**
 * The publish gate: whether a finished job's model may replace the served one. A model whose loss is not finite
 * (lr 1e308 trains to NaN) or whose dev F1 is below the operator's floor is kept out of service, and so is one
 * trained without a dev set unless the operator allows that; with compareWithServing, the served model is scored
 * on the same dev set (in the training thread) and the new one must not score lower.
 */
export interface PublishGate {
  /** Refuse models trained without a dev set (their quality is unknown). */
  requireDev: boolean;
  /** Lowest dev F1 a published model may have, in percent like conlleval's (and the model's metrics.devF1). */
  minDevF1: number;
  /** Score the served model on the job's dev set; the new model's dev F1 must be at least as high. */
  compareWithServing: boolean;
}

export const DEFAULT_PUBLISH_GATE: Readonly<PublishGate> = Object.freeze({ requireDev: true, minDevF1: 30, compareWithServing: false });

/** The served model's dev F1 on the job's dev set (compareWithServing). */
export interface Baseline {
  version: string;
  devF1: number;
}

interface EpochLoss {
  epoch: number;
  loss: number | null;
}

/** Why the model must not be published, or null if it passes. `metrics` is the trainer's (fitMetrics). */
export function gateVerdict(metrics: Record<string, unknown>, gate: PublishGate, baseline: Baseline | null): string | null {
  const history = (metrics.history ?? []) as EpochLoss[];
  const kept = history.find((h) => h.epoch === metrics.bestEpoch) ?? history.at(-1);
  if (!kept || typeof kept.loss !== 'number' || !Number.isFinite(kept.loss)) {
    return `training loss is not finite (${kept?.loss ?? 'none'} at the kept epoch): the run diverged; try a smaller lr`;
  }
  const devF1 = typeof metrics.devF1 === 'number' ? metrics.devF1 : null;
  if (devF1 === null) {
    return gate.requireDev ? 'no dev set: this server publishes only models scored on a dev set (send "dev")' : null;
  }
  if (devF1 < gate.minDevF1) return `dev F1 ${devF1.toFixed(2)} is below the server's floor of ${gate.minDevF1} (serve --min-dev-f1)`;
  if (baseline && devF1 < baseline.devF1) {
    return `dev F1 ${devF1.toFixed(2)} is below the served model's ${baseline.devF1.toFixed(2)} on the same dev set (version ${baseline.version})`;
  }
  return null;
}
