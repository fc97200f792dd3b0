/** Command-line flags of curve-fit; choices come from the nn registries so every optimizer/activation is usable. */
import { activations, optimizers } from '@window-ner/nn';
import { DEFAULTS, type CurveFitOptions } from './fit.js';

export function usage(): string {
  return [
    'Usage: node apps/curve-fit/dist/main.js [options]',
    'Fit y = x^2 + 1 + N(0, 0.05) (300 points, x in [-1, 1]) with a 1-10-1 network by full-batch gradient descent.',
    '',
    `  --optimizer <name>    ${optimizers.names().join(' | ')} (default ${DEFAULTS.optimizer})`,
    `  --activation <name>   ${activations.names().join(' | ')} (default ${DEFAULTS.activation})`,
    `  --lr <number>         learning rate (default ${DEFAULTS.lr})`,
    `  --iterations <n>      gradient steps (default ${DEFAULTS.iterations})`,
    `  --seed <n>            data and weight seed (default ${DEFAULTS.seed})`,
    '  --help                this text',
  ].join('\n');
}

export type ParsedArgs = { help: true } | { help: false; options: CurveFitOptions };

export function parseArgs(argv: string[]): ParsedArgs {
  const o: CurveFitOptions = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') return { help: true };
    const [name, inline] = flag.startsWith('--') && flag.includes('=') ? flag.split('=', 2) : [flag, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value (see --help)`);
      return v;
    };
    const num = (min: number, integer: boolean) => {
      const raw = value();
      const v = Number(raw);
      if (!Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) throw new Error(`${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got "${raw}"`);
      return v;
    };
    switch (name) {
      case '--optimizer':
        o.optimizer = value();
        optimizers.get(o.optimizer); // throws "unknown optimizer ...; known: ..."
        break;
      case '--activation':
        o.activation = value();
        activations.get(o.activation);
        break;
      case '--lr':
        o.lr = num(0, false);
        break;
      case '--iterations':
        o.iterations = num(1, true);
        break;
      case '--seed':
        o.seed = num(0, true);
        break;
      default:
        throw new Error(`unknown option "${flag}" (see --help)`);
    }
  }
  return { help: false, options: o };
}
