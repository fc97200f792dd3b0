export { makeCurveData, type CurveData } from './data';
export { fitCurve, DEFAULTS, type CurveFitOptions, type CurveFitResult } from './fit';
export { parseArgs, usage } from './cli';
