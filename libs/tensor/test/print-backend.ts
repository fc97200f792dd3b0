// Child process for the fall-back test: choose a backend with the environment given, print the info as JSON.
import { initBackend } from '../src/index.js';

const info = await initBackend();
process.stdout.write(`${JSON.stringify(info)}\n`);
