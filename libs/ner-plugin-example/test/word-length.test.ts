import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { allowedPlugins, allowPlugins, featurePlugins, loadTagger, trainModel } from '@window-ner/ner';
import { describe, expect, it } from 'vitest';
import { bucketState, checkBucketState, lengthBucket } from '../src/index.js';

// Templated sentences: places and people in fixed slots, so a few epochs learn them.
const PLACES = ['Paris', 'Rome', 'Oslo', 'Lima', 'Kyoto', 'Nairobi'];
const PEOPLE = ['Anna', 'Bob', 'Chidi', 'Dmitri', 'Eva', 'Farida'];
function corpus(n: number, offset: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const place = PLACES[(i + offset) % PLACES.length];
    const person = PEOPLE[(i * 5 + offset) % PEOPLE.length];
    lines.push(`${person} B-PER`, 'flew O', 'to O', `${place} B-LOC`, 'on O', 'Monday O', '. O', '');
  }
  return lines.join('\n');
}

describe('@window-ner/ner-plugin-example', () => {
  it('buckets word lengths 1, 2, 3, 4-6, 7-10, 11+, and refuses a model saved with other buckets', () => {
    expect(['a', 'of', 'the', 'Paris', 'Nairobi', 'internationally'].map(lengthBucket)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(() => checkBucketState(bucketState())).not.toThrow();
    expect(() => checkBucketState({ json: { buckets: ['1', '5', 'Infinity'] }, tables: {} })).toThrow(/trained with buckets \[1,5,Infinity\] but this version has \[1,2,3,6,10,Infinity\]/);
  });

  it('allowed by package name, it trains, saves, loads and tags with window-ner', async () => {
    expect(featurePlugins.has('word-length')).toBe(false);
    await allowPlugins(['@window-ner/ner-plugin-example']);
    expect(allowedPlugins()).toEqual([expect.objectContaining({ name: '@window-ner/ner-plugin-example', version: '0.1.0', provides: ['feature:word-length'] })]);

    const dir = mkdtempSync(join(tmpdir(), 'ner-plugin-example-'));
    writeFileSync(join(dir, 'train.conll'), corpus(120, 0));
    writeFileSync(join(dir, 'dev.conll'), corpus(12, 3));
    const outPath = join(dir, 'model.sqlite');
    const config = { features: [{ type: 'embedding', dim: 8 }, { type: 'casing' }, { type: 'word-length' }], hidden: [16], epochs: 8, minFreq: 1, wordDropout: 0 };
    const result = await trainModel({ trainPath: join(dir, 'train.conll'), devPath: join(dir, 'dev.conll'), outPath, config });
    expect(result.metrics.devF1).toBeGreaterThan(90);

    const db = new Database(outPath, { readonly: true });
    const plugins = (db.prepare("SELECT value FROM meta WHERE key = 'plugins'").get() as { value: string }).value;
    db.close();
    expect(JSON.parse(plugins)).toEqual([{ name: '@window-ner/ner-plugin-example', version: '0.1.0' }]);

    const tagger = await loadTagger(outPath);
    try {
      expect(tagger.model.features.map((f) => f.type)).toEqual(['embedding', 'casing', 'word-length']);
      const [entities] = tagger.tag(['Eva flew to Oslo on Monday .']);
      expect(entities.map((e) => [e.text, e.label, e.start, e.end])).toEqual([['Eva', 'PER', 0, 3], ['Oslo', 'LOC', 12, 16]]);
    } finally {
      tagger.dispose();
    }
  });
});
