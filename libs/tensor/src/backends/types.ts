export interface BackendPlugin {
  /** Name used in config, env var and logs. */
  name: string;
  /** Lower is tried first. */
  priority: number;
  /** Make the backend active; return false (or throw, saying why) when it cannot load here. */
  load(): Promise<boolean>;
  /** Human-readable detail for logs (e.g. which BLAS). */
  detail?(): string;
  /** BLAS behind the backend, when it has one (native). */
  blas?(): BlasSummary | null;
}

export interface BlasSummary {
  /** 'OpenBLAS' or 'Accelerate'. */
  name: string;
  /** Build string (OpenBLAS: version, arch, core). */
  config: string;
  /** Threads BLAS uses (0 when the BLAS does not say). */
  threads: number;
}
