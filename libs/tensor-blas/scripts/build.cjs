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
const args = ['rebuild'];
// node-gyp downloads Node's headers unless told where they are; use the ones installed beside node when present
// (Debian/NodeSource: /usr/include/node) so the build works without access to nodejs.org.
const localHeaders = path.join(path.dirname(process.execPath), '..', 'include', 'node', 'node_api.h');
if (!process.env.npm_config_nodedir && existsSync(localHeaders)) {
  args.push(`--nodedir=${path.join(path.dirname(process.execPath), '..')}`);
}
let gyp;
try {
  gyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: [root, process.execPath] });
} catch {
  console.log('[tensor-blas] node-gyp not found: native kernels not built (window-ner will use the wasm backend)');
  process.exit(0);
}
const r = spawnSync(process.execPath, [gyp, ...args], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  console.log('[tensor-blas] native build failed: window-ner will use the wasm backend');
}
process.exit(0);
