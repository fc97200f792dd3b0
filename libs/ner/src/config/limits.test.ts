import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, resolveConfig } from './config.js';
import { checkConfigLimits, DEFAULT_CONFIG_LIMITS, estimateTrainingBytes, findUnsafeKey } from './limits.js';

const check = (partial: Record<string, unknown>, bytes = 1e6) => () => checkConfigLimits(resolveConfig(partial), DEFAULT_CONFIG_LIMITS, bytes);

describe('config limits', () => {
  it('accept the default config on a CoNLL-2003-sized corpus', () => {
    expect(check({}, 3.3e6)).not.toThrow();
  });

  it.each([
    [{ hidden: [100_000] }, 'model.hidden[0] is 100000'],
    [{ hidden: [8, 8, 8, 8, 8] }, 'model.hidden has 5 layers'],
    [{ window: 1000 }, 'model.window is 1000'],
    [{ epochs: 1e9 }, 'train.epochs is 1000000000'],
    [{ batchSize: 1e9 }, 'train.batchSize is 1000000000'],
    [{ features: [{ type: 'embedding', dim: 4096 }] }, 'model.features[0].dim is 4096'],
    [{ head: { type: 'max-margin', k: 1000 } }, 'model.head.k is 1000'],
    [{ head: { type: 'crf', sentences: 1000 } }, 'model.head.sentences is 1000, above the server\'s limit of 128'],
  ])('%j is refused with the key named', (partial, message) => {
    expect(check(partial)).toThrow(message);
  });

  it('refuses a job whose estimated memory is over the limit, even with every value in range', () => {
    expect(check({ hidden: [2048, 2048, 2048, 2048], window: 10, features: [{ type: 'embedding', dim: 512 }] }, 20e6)).toThrow(/would need about \d+ MiB/);
    expect(check({}, 20e6)).not.toThrow();
    expect(check({}, 2e9)).toThrow(/would need about/);
  });

  it('the estimate grows with the corpus and the model', () => {
    const base = estimateTrainingBytes(DEFAULT_CONFIG, 1e6);
    expect(estimateTrainingBytes(DEFAULT_CONFIG, 1e7)).toBeGreaterThan(base);
    expect(estimateTrainingBytes(resolveConfig({ hidden: [1000] }), 1e6)).toBeGreaterThan(base);
    // A crf batch given in sentences counts 32 windows a sentence: 100 sentences weigh more than 256 windows.
    expect(estimateTrainingBytes(resolveConfig({ head: { type: 'crf', sentences: 100 } }), 1e6)).toBeGreaterThan(base);
  });

  it('findUnsafeKey finds __proto__, constructor, prototype and other Object.prototype names at any depth', () => {
    expect(findUnsafeKey(JSON.parse('{"config": {"__proto__": {"x": 1}}}'))).toBe('config.__proto__');
    expect(findUnsafeKey(JSON.parse('{"config": {"features": [{"type": "casing", "constructor": 1}]}}'))).toBe('config.features[0].constructor');
    expect(findUnsafeKey({ prototype: 1 })).toBe('prototype');
    expect(findUnsafeKey({ config: { toString: 1 } })).toBe('config.toString');
    expect(findUnsafeKey({ config: { model: { hasOwnProperty: 1 } } })).toBe('config.model.hasOwnProperty');
    expect(findUnsafeKey({ config: { hidden: [1] }, train: 'a' })).toBeNull();
  });
});
