/** Repository paths the end-to-end suites use (everything inside the repo: no ../shared, no network). */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const DATA_DIR = resolve(REPO_ROOT, 'data');
export const CLI = resolve(REPO_ROOT, 'apps/ner/bin/window-ner.js');
export const ARTIFACTS = resolve(REPO_ROOT, 'tests/artifacts');
/** Corpora for training jobs, relative to DATA_DIR (BTC, CC-BY-4.0, copied into the repo). */
export const BTC_TRAIN = 'btc/btc.train';
export const BTC_DEV = 'btc/btc.dev';
