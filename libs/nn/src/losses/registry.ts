import { Registry } from '@window-ner/tensor';
import type { Loss } from '../core/types.js';
import { softmaxCrossEntropy } from './softmax-cross-entropy.js';
import { maxMargin } from './max-margin.js';
import { meanSquaredError } from './mean-squared-error.js';

export const losses = new Registry<Loss<any>>('loss');
losses.register('softmaxCrossEntropy', softmaxCrossEntropy);
losses.register('maxMargin', maxMargin);
losses.register('meanSquaredError', meanSquaredError);
losses.register('mse', meanSquaredError);
