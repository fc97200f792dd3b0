/**
 * Imported first by benches that compare one tagging thread with one worker process: one BLAS thread each, as
 * `worker --concurrency <cores>` gives its threads (OpenBLAS's spare threads would spin on the other core and be
 * counted as the worker's). Set before any module loads the BLAS library; the operator's setting wins.
 */
process.env.OPENBLAS_NUM_THREADS ??= '1';
