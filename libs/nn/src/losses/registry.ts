import { Registry } from '@window-ner/tensor';
import type { Loss } from '../core/types';
import { softmaxCrossEntropy } from './softmax-cross-entropy';
import { maxMargin } from './max-margin';
import { meanSquaredError } from './mean-squared-error';

export const losses = new Registry<Loss<any>>('loss');
losses.register('softmaxCrossEntropy', softmaxCrossEntropy);
losses.register('maxMargin', maxMargin);
losses.register('meanSquaredError', meanSquaredError);
losses.register('mse', meanSquaredError);
