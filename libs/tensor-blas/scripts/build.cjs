// Install step of the optional native kernels: try to build, never fail `npm install`.
// Where the build fails (no compiler, no BLAS), libs/tensor falls through to wasm and logs one line.
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
if (!existsSync(path.join(root, 'binding.gyp'))) {
  console.log('[tensor-blas] no binding.gyp: native kernels not built');
  process.exit(0);
}
const gyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: [root, process.execPath] });
const r = spawnSync(process.execPath, [gyp, 'rebuild'], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  console.log('[tensor-blas] native build failed: window-ner will use the wasm backend');
}
process.exit(0);
