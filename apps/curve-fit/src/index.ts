export { makeCurveData, type CurveData } from './data.js';
export { fitCurve, DEFAULTS, type CurveFitOptions, type CurveFitResult } from './fit.js';
export { parseArgs, usage } from './cli.js';
