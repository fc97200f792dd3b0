/**
 * The file a worker thread starts. The product runs from dist/, where a thread starts the compiled module itself.
 * Tests run the TypeScript sources (vitest; the caller's URL then ends in .ts): there a thread starts the module's
 * dev bootstrap NAME.dev.mjs, which registers tsx (a dev dependency) in the thread and then imports NAME.ts.
 */
export function threadEntry(name: string, callerUrl: string): URL {
  return new URL(callerUrl.endsWith('.ts') ? `./${name}.dev.mjs` : `./${name}.js`, callerUrl);
}
