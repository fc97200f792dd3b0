/**
 * The plugin registries of libs/ner, one per kind, each with one small interface (see the kind's folder).
 * A model config names the plugins it uses; `plugins: ["./my-plugin.js"]` in a config imports modules that
 * register more (loadPluginModules). Built-ins are registered here, on import.
 */
import { pathToFileURL } from 'node:url';
import { isAbsolute, resolve } from 'node:path';
import { Registry } from '@window-ner/tensor';
import { tokenizers, type Tokenizer } from '@window-ner/text';
import type { FeaturePlugin } from '../features/types';
import type { HeadPlugin } from '../heads/types';
import type { Decoder } from '../decoders/types';
import { decoders } from '../decoders/registry';
import { embeddingPlugin } from '../features/embedding';
import { casingPlugin } from '../features/casing';
import { softmaxPlugin } from '../heads/softmax';
import { maxMarginPlugin } from '../heads/max-margin';

export type TokenizerPlugin = Tokenizer;

export const tokenizerPlugins = new Registry<TokenizerPlugin>('tokenizer');
export const featurePlugins = new Registry<FeaturePlugin>('feature');
export const headPlugins = new Registry<HeadPlugin>('head');
export const decoderPlugins = new Registry<Decoder>('decoder');

for (const [name, t] of tokenizers) tokenizerPlugins.register(name, t);
for (const [name, d] of decoders) decoderPlugins.register(name, d);
featurePlugins.register('embedding', embeddingPlugin);
featurePlugins.register('casing', casingPlugin);
headPlugins.register('softmax', softmaxPlugin);
headPlugins.register('max-margin', maxMarginPlugin);

const loaded = new Set<string>();

/** What a plugin module's optional `register` export receives: every registry of libs/ner. */
export interface PluginRegistries {
  tokenizer: Registry<TokenizerPlugin>;
  feature: Registry<FeaturePlugin>;
  head: Registry<HeadPlugin>;
  decoder: Registry<Decoder>;
}

export const registries: PluginRegistries = { tokenizer: tokenizerPlugins, feature: featurePlugins, head: headPlugins, decoder: decoderPlugins };

/** Plugin paths as absolute paths (bare package names unchanged), so a saved config loads from anywhere. */
export function absolutePluginPaths(specs: readonly string[], baseDir = process.cwd()): string[] {
  return specs.map((s) => (s.startsWith('.') || isAbsolute(s) ? resolve(baseDir, s) : s));
}

/**
 * Import plugin modules named in a config. Relative paths resolve against `baseDir` (the config file's folder or
 * the working directory); bare names resolve as packages. A module registers its plugins either on import (it
 * imports @window-ner/ner itself) or through an exported `register(registries)` function, which works from any
 * folder. Importing the same module twice is a no-op.
 */
export async function loadPluginModules(specs: readonly string[], baseDir = process.cwd()): Promise<void> {
  for (const spec of specs) {
    const isPath = spec.startsWith('.') || isAbsolute(spec);
    const target = isPath ? pathToFileURL(resolve(baseDir, spec)).href : spec;
    if (loaded.has(target)) continue;
    try {
      const mod = (await import(target)) as { register?: (r: PluginRegistries) => void; default?: { register?: (r: PluginRegistries) => void } };
      const register = mod.register ?? mod.default?.register;
      if (typeof register === 'function') register(registries);
    } catch (e) {
      throw new Error(`plugin module "${spec}" could not be loaded (${target}): ${(e as Error).message}`);
    }
    loaded.add(target);
  }
}
