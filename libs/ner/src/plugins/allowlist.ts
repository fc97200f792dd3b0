/**
 * The operator's plugin allowlist. Plugin modules are imported here and nowhere else, only from the list the
 * process was started with (`--plugins`): a config, a training request or a model file can select plugins by
 * registry name but can never make the process import a module. Each allowed module is known by the name and
 * version of its package (package.json); a model file records those for the plugins it uses, and loading a model
 * checks them against this list before anything else is read.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolve as resolveImport } from 'import-meta-resolve';
import semver from 'semver';
import type { NerConfig } from '../config/config.js';
import { registries, type PluginRegistries } from './registry.js';

/** The flag that allows plugins, named in every refusal. */
const PLUGINS_FLAG = '--plugins';

/** A plugin package as a model file records it. */
export interface PluginPackage {
  name: string;
  version: string;
}

export interface AllowedPlugin extends PluginPackage {
  /** The operator's spec: a package name, or a path made absolute. */
  spec: string;
  /** The module that was imported. */
  url: string;
  /** Registry entries its import added, as "kind:name" (e.g. "feature:word-length"). */
  provides: string[];
}

/** A model (or config) needs plugins this process was not started with. */
export class PluginNotAllowedError extends Error {
  constructor(where: string, readonly missing: string[], allowNames: string[]) {
    super(`${where}: needs plugins that are not allowed: ${missing.join('; ')}. Start the command with ` +
      `${PLUGINS_FLAG} ${allowNames.join(',')} (installed package names, or paths to their modules) to allow them`);
  }
}

const allowed = new Map<string, AllowedPlugin>();
/** "kind:name" -> the allowed plugin whose import registered it. Built-ins have no entry. */
const providers = new Map<string, AllowedPlugin>();

const isPathSpec = (spec: string) => spec.startsWith('.') || isAbsolute(spec) || spec.startsWith('file:');

function readPackage(dir: string): Partial<PluginPackage> | null {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Partial<PluginPackage>;
  } catch (e) {
    throw new Error(`${PLUGINS_FLAG}: ${file} is not valid JSON (${(e as Error).message})`);
  }
}

/** The nearest package.json above `file` that has a name and a version (`want`: only one with that name). */
function owningPackage(file: string, want?: string): PluginPackage | null {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const pkg = readPackage(dir);
    if (typeof pkg?.name === 'string' && typeof pkg.version === 'string' && (want === undefined || pkg.name === want)) {
      return { name: pkg.name, version: pkg.version };
    }
    if (dirname(dir) === dir) return null;
  }
}

/** Where `spec` points and which package it is, without importing anything. */
function locate(spec: string, baseDir: string): Omit<AllowedPlugin, 'provides'> {
  if (isPathSpec(spec)) {
    const given = spec.startsWith('file:') ? fileURLToPath(spec) : resolve(baseDir, spec);
    if (!existsSync(given) || !statSync(given).isFile()) throw new Error(`${PLUGINS_FLAG}: "${spec}" is not a module file (${given})`);
    const file = realpathSync(given);
    const pkg = owningPackage(file);
    if (!pkg) throw new Error(`${PLUGINS_FLAG}: "${spec}" is in no package: put a package.json with "name" and "version" in its folder (models record that name and version)`);
    return { ...pkg, spec: given, url: pathToFileURL(file).href };
  }
  // A bare name resolves like an import from the working directory, then from window-ner's own install.
  const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
  let url: string | undefined;
  const errors: string[] = [];
  for (const parent of [pathToFileURL(join(baseDir, 'package.json')).href, import.meta.url]) {
    try {
      url = resolveImport(spec, parent);
      break;
    } catch (e) {
      errors.push((e as Error).message.split('\n')[0]);
    }
  }
  if (!url?.startsWith('file:')) throw new Error(`${PLUGINS_FLAG}: no installed package "${spec}" (from ${baseDir} or window-ner's folder: ${errors[0] ?? 'not a file module'})`);
  const pkg = owningPackage(fileURLToPath(url), name);
  if (!pkg) throw new Error(`${PLUGINS_FLAG}: "${spec}" resolved to ${url}, which has no package.json naming ${name} with a version`);
  return { ...pkg, spec, url };
}

/** Every registry entry as "kind:name" -> the registered item (an override shows as a changed item). */
const registryEntries = (r: PluginRegistries) =>
  new Map((Object.entries(r) as [string, { names(): string[]; get(n: string): unknown }][]).flatMap(([kind, reg]) => reg.names().map((n) => [`${kind}:${n}`, reg.get(n)] as const)));

/**
 * Allow and import the operator's plugins: installed package names (resolved from `baseDir`, then from
 * window-ner's own install) or paths to module files (relative to `baseDir`). Every spec is located before the
 * first import, so a typo imports nothing. A module registers its plugins on import or through an exported
 * `register(registries)`; each allowed module must register at least one. Allowing the same module again is a no-op.
 */
export async function allowPlugins(specs: readonly string[], baseDir = process.cwd()): Promise<void> {
  const located = specs.map((s) => s.trim()).filter((s) => s !== '').map((s) => locate(s, baseDir));
  for (const p of located) {
    const prior = allowed.get(p.name);
    if (prior?.url === p.url) continue;
    if (prior) throw new Error(`${PLUGINS_FLAG}: "${p.spec}" and "${prior.spec}" are both package ${p.name}; allow one of them`);
    const before = registryEntries(registries);
    try {
      const mod = (await import(p.url)) as { register?: (r: PluginRegistries) => void; default?: { register?: (r: PluginRegistries) => void } };
      const register = mod.register ?? mod.default?.register;
      if (typeof register === 'function') register(registries);
    } catch (e) {
      throw new Error(`${PLUGINS_FLAG}: plugin ${p.name}@${p.version} (${p.spec}) failed to load: ${(e as Error).message}`);
    }
    const provides = [...registryEntries(registries)].filter(([e, item]) => before.get(e) !== item).map(([e]) => e);
    if (provides.length === 0) {
      throw new Error(`${PLUGINS_FLAG}: plugin ${p.name}@${p.version} (${p.spec}) registered nothing: export register(registries) from its module`);
    }
    const plugin: AllowedPlugin = { ...p, provides };
    allowed.set(p.name, plugin);
    for (const entry of provides) providers.set(entry, plugin);
  }
}

/** The plugins this process allowed, in the order they were allowed. */
export function allowedPlugins(): readonly AllowedPlugin[] {
  return [...allowed.values()];
}

/** The allowed specs, for a worker thread to call allowPlugins with (its module state starts empty). */
export function allowedPluginSpecs(): string[] {
  return [...allowed.values()].map((p) => p.spec);
}

/** The plugin packages a config uses (the packages that registered its tokenizer, features, head, decoder). */
export function pluginsUsedBy(config: NerConfig): PluginPackage[] {
  const m = config.model;
  const entries = [`tokenizer:${m.tokenizer}`, ...m.features.map((f) => `feature:${f.type}`), `head:${m.head.type}`, `decoder:${m.decoder}`];
  const used = new Map<string, PluginPackage>();
  for (const e of entries) {
    const p = providers.get(e);
    if (p) used.set(p.name, { name: p.name, version: p.version });
  }
  return [...used.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Refuse a model whose recorded plugins are not all allowed (by name, at a version `^recorded` accepts), naming
 * every missing one. `legacyPaths`: module paths an older window-ner stored in the config; never imported, always
 * refused. Checks only: imports nothing.
 */
export function checkModelPlugins(where: string, recorded: unknown, legacyPaths: unknown = []): void {
  const refs = recorded ?? [];
  const valid = (r: unknown): r is PluginPackage =>
    !!r && typeof (r as PluginPackage).name === 'string' && typeof (r as PluginPackage).version === 'string';
  if (!Array.isArray(refs) || !refs.every(valid)) throw new Error(`${where}: the model file's "plugins" entry is not a list of {name, version}`);
  if (!Array.isArray(legacyPaths)) throw new Error(`${where}: the model config's "plugins" is not a list`);
  const missing: string[] = [];
  const names: string[] = [];
  for (const ref of refs) {
    const have = allowed.get(ref.name);
    if (have && semver.satisfies(have.version, `^${ref.version}`, { includePrerelease: true })) continue;
    missing.push(`${ref.name}@${ref.version}${have ? ` (allowed version ${have.version} is not compatible)` : ''}`);
    names.push(ref.name);
  }
  for (const path of legacyPaths) {
    missing.push(`${String(path)} (a module path recorded by an older window-ner: paths are never imported; install the plugin as a package, allow it and retrain)`);
    names.push('<package>');
  }
  if (missing.length) throw new PluginNotAllowedError(where, missing, [...new Set(names)]);
}
