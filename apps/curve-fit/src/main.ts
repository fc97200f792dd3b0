/** curve-fit: the seed's TensorFlow example on @window-ner/nn. Run: node apps/curve-fit/dist/main.js --help (after npm install builds it) */
import { initBackend } from '@window-ner/tensor';
import { parseArgs, usage } from './cli.js';
import { fitCurve } from './fit.js';

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    console.error(`curve-fit: ${(e as Error).message}`);
    return 2;
  }
  if (parsed.help) {
    console.log(usage());
    return 0;
  }
  const o = parsed.options;
  await initBackend();
  console.log(`fitting y = x^2 + 1: 1-10-1 ${o.activation} network, ${o.optimizer} lr ${o.lr}, ${o.iterations} iterations, seed ${o.seed}`);
  const r = fitCurve(o, (it, loss) => console.log(`iteration ${String(it).padStart(5)}  loss ${loss.toFixed(6)}`));
  console.log(`final MSE ${r.finalMse.toFixed(6)}`);
  const xs = [-1, -0.5, 0, 0.5, 1];
  const ps = r.predict(xs);
  console.log(xs.map((x, i) => `f(${x}) = ${ps[i].toFixed(3)} (target ${(x * x + 1).toFixed(3)})`).join('\n'));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    console.error(`curve-fit: ${(e as Error).message}`);
    process.exit(1);
  },
);
