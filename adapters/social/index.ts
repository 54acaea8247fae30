/**
 * What other contexts use of the social adapters. The lexicon analyzer is loaded on the first text to analyse: its
 * lexicons (sentiment's AFINN, the Spanish stems) take longer to build than everything else a function loads, and
 * most functions never analyse a text.
 */
import type { TextAnalyzer } from '../../domain/social/text-analysis.js';

export { DynamoMessageStore } from './dynamo-messages.js';
export { DynamoInteractionRepository } from './dynamo-interactions.js';
export { DynamoYoutubeSubscriptions, DynamoYoutubeVideos } from './dynamo-youtube.js';

let lexicon: Promise<TextAnalyzer> | undefined;
export const lazyTextAnalyzer: TextAnalyzer = {
  async analyze(texts) {
    lexicon ??= import('./lexicon-text-analyzer.js').then((m) => m.lexiconTextAnalyzer);
    return (await lexicon).analyze(texts);
  },
};
