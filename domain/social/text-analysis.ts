/**
 * Sentiment and intent of a text interaction (comment, DM, mention): the port and the pure rules.
 *
 * Port: `TextAnalyzer` takes a batch so that both implementations fit it:
 *  - adapters/social/lexicon-text-analyzer.ts (the default, runs inside the function: no network, no model
 *    download) scores with the `sentiment` library (AFINN-165 + Emoji Sentiment Ranking) and, for Spanish,
 *    the ML-SentiCon / AFINN-es stem lexicons and Snowball stemmer of `@nlpjs/lang-es`;
 *  - an Amazon Comprehend adapter, chosen by configuration in AWS. It is not written yet (the project does
 *    not ship `@aws-sdk/client-comprehend`); this is how it maps:
 *      1. language: `detectLanguage(text)` below; Comprehend needs one LanguageCode per batch call, so group
 *         the texts by language ('unknown' → 'en', or call BatchDetectDominantLanguage first) and keep each
 *         text's index so the answer comes back in input order.
 *      2. BatchDetectSentiment, at most 25 texts per call and 5 KB (UTF-8) per text: chunk the batch and
 *         truncate long texts on a character boundary.
 *      3. sentiment = round3(SentimentScore.Positive - SentimentScore.Negative). The four scores are
 *         probabilities that add up to 1, so the difference is already in [-1, 1]; Neutral and Mixed pull it
 *         towards 0, as a lexicon sum that cancels out does here.
 *      4. intent = classifyIntent(text, sentiment, language): Comprehend has no such intents (that would need a
 *         trained custom-classification endpoint), so the same rules run on Comprehend's score.
 *      5. an entry of the response's ErrorList (or a throttled call) falls back to the lexicon analyzer for
 *         those texts rather than failing the batch. Needs IAM `comprehend:BatchDetectSentiment` (and
 *         `BatchDetectDominantLanguage` if used); costs per unit of 100 characters, so keep it opt-in.
 *
 * This file imports nothing from AWS or from any library: rules only.
 */

import type { Intent } from '../shared/vocabulary.js';
export type { Intent };
export type TextLanguage = 'en' | 'es' | 'unknown';

export interface TextAnalysis {
  /** -1 (very negative) .. 1 (very positive), rounded to 3 decimals; 0 is neutral or mixed. */
  sentiment: number;
  intent: Intent;
  language: TextLanguage;
}

export interface TextAnalyzer {
  /** One result per text, in the same order; an empty or blank text gives sentiment 0 and intent 'other'. */
  analyze(texts: string[]): Promise<TextAnalysis[]>;
}

/** The answer for an empty or blank text, whatever the analyzer. */
export const NEUTRAL_ANALYSIS: Readonly<TextAnalysis> = Object.freeze({ sentiment: 0, intent: 'other', language: 'unknown' });

/** Rounds to 3 decimals, clamps to [-1, 1] and never answers -0 or NaN. */
export function roundSentiment(value: number): number {
  if (!Number.isFinite(value)) return 0;
  const clamped = Math.max(-1, Math.min(1, value));
  const rounded = Math.round(clamped * 1000) / 1000;
  return rounded === 0 ? 0 : rounded;
}

/**
 * Lower case without accents or other combining marks ("Pésimo, ¿DÓNDE?" → "pesimo, ¿donde?"), with
 * typographic apostrophes made plain, so one ASCII pattern matches however people type (accents are often
 * left out on social networks). ñ becomes n, which no pattern here depends on.
 */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase().replace(/[\u2018\u2019\u02bc`´]/g, "'");
}

// ---------------------------------------------------------------------------------------------------------
// Language

/** Frequent words of one language that are rare or absent in the other (accents folded). Words common to both (a, no, me, he, son, come) are left out. */
const EN_WORDS = new Set(
  (
    'the and is are was were be been being it its it\'s i i\'m im i\'ve you you\'re your my mine this that these those to of in on ' +
    'for with have has had not but at do does did don\'t doesn\'t didn\'t can can\'t cannot could would will won\'t what how where ' +
    'when why who which just from they we our us she him her them there their an or if so very really please thanks thank ' +
    'hello hi hey love great good want get got still never again buy order all about any some one out up would should ' +
    'isn\'t wasn\'t arrived received price how much yet'
  ).split(' '),
);
const ES_WORDS = new Set(
  (
    'el la los las lo le les un una unos unas de del al y o que en es por para con sin su sus mi mis tu tus te se nos ' +
    'muy mas pero ya hay yo este esta esto eso ese estos estas estoy estan todo todos nada nunca porque cuando donde como ' +
    'tambien ni si bien gracias hola quiero tengo tiene tienen puedo pueden hace hacen fue ser estar ahora siempre ' +
    'cual quien cuanto precio excelente bueno buena malo mala pesimo llego pedido servicio compra comprar ' +
    'ustedes usted aqui alguien mucho muchas muchos otro otra'
  ).split(' '),
);

/**
 * 'en' or 'es' by counting each language's frequent words, plus typography only Spanish uses (¿ ¡ ñ, acute
 * vowels) and English contractions; 'unknown' when neither counts or both count the same (emoji only,
 * a bare brand name, "ok"). Good enough to pick a lexicon; not a general language identifier.
 */
export function detectLanguage(text: string): TextLanguage {
  if (!text.trim()) return 'unknown';
  let en = 0;
  let es = 0;
  if (/[¿¡ñÑ]/.test(text)) es += 2;
  if (/[áéíóúÁÉÍÓÚ]/.test(text)) es += 1;
  const folded = foldText(text);
  if (/\b\w+'(t|m|re|ve|ll|d)\b/.test(folded)) en += 1;
  for (const word of folded.split(/[^a-z']+/)) {
    const w = word.replace(/^'+|'+$/g, '');
    if (!w) continue;
    if (EN_WORDS.has(w)) en += 1;
    if (ES_WORDS.has(w)) es += 1;
  }
  if (en === es) return 'unknown';
  return en > es ? 'en' : 'es';
}

// ---------------------------------------------------------------------------------------------------------
// Intent cues. All patterns run on foldText(text) (lower case, no accents). English and Spanish cues both
// apply whatever the detected language, because social texts mix them ("precio please", "love it, gracias").

/** A complaint whatever the lexicon says: the lexicons score few of these words ("refund", "never arrived" are neutral to them). */
const COMPLAINT_STRONG: RegExp[] = [
  /\brefund(s|ed)?\b/,
  /\bmoney back\b/,
  /\bcharge ?back\b/,
  /\bnever (arrived|came|showed up|got here|received|got it|got my|delivered)\b/,
  /\b(hasn'?t|has not|haven'?t|have not|didn'?t|did not|still not|not yet|still hasn'?t) (arrived|come|shown up|been delivered|received|got(ten)?)\b/,
  /\bstill waiting\b/,
  /\b(doesn'?t|does not|don'?t|do not|isn'?t|is not|not|stopped|won'?t|will not|never) work(s|ed|ing)?\b/,
  /\b(broken|broke|damaged|defective|faulty|cracked)\b/,
  /\b(scam|scammed|scammers?|rip-? ?off|fraud|fraudulent)\b/,
  /\bworst\b/,
  /\bunacceptable\b/,
  /\bcomplain(t|ts|ing|ed)?\b/,
  /\b(charged|billed) (me )?(twice|double|two times)\b/,
  /\bovercharged\b/,
  /\bwaste of (money|time)\b/,
  /\bwrong (item|size|order|product|color|colour)\b/,
  /\b(order|package|parcel|delivery|shipment)\b(\W+\w+){0,4}?\W+(late|delayed|lost|missing|stuck)\b/,
  /\breembols(o|os|ar|en)\b/,
  /\bdevuelv(an|en|e) (mi|el) dinero\b/,
  /\b(no|nunca|aun no|todavia no|jamas) (me )?(ha |han )?(llego|llegaron|llega|llegado|recibi|he recibido|recibido)\b/,
  /\bsigo esperando\b/,
  /\b(no|ya no) (funciona|funcionan|sirve|sirven|enciende|prende|carga)\b/,
  /\bdejo de funcionar\b/,
  /\b(roto|rota|rotos|rotas|danado|danada|defectuos[oa]s?|estropead[oa])\b/,
  /\b(estafa|estafas|estafadores?|fraude|timo)\b/,
  /\b(pesim[oa]s?|malisim[oa]s?)\b/,
  /\b(queja|quejas|reclamo|reclamos|reclamacion|denuncia)\b/,
  /\b(me )?(cobraron|cobran|cobro) (dos veces|doble|de mas)\b/,
  /\b(pedido|producto|talla|articulo) equivocad[oa]\b/,
  /\b(pedido|paquete|envio|compra|orden)\b(\W+\w+){0,4}?\W+(tarde|retrasad[oa]|perdid[oa]|extraviad[oa])\b/,
  /\buna verguenza\b/,
];

/** Count as a complaint only when the text is negative overall. */
const COMPLAINT_WEAK: RegExp[] = [
  /\b(problem|problems|issue|issues|late|delay|delayed|waiting|disappoint(ed|ing|ment)|terrible|horrible|awful|bad|poor|slow|rude|useless)\b/,
  /\b(no one|nobody|no body) (answers|replies|responds|helps)\b/,
  /\b(customer service|support|order|package|delivery|shipping)\b/,
  /\b(problema|problemas|tarde|demora|retraso|esperando|lento|lenta|mal|malo|mala|terrible|horrible|decepcionad[oa]|decepcion|fatal)\b/,
  /\bnadie (responde|contesta|atiende|ayuda)\b/,
  /\bno (responden|contestan|atienden)\b/,
  /\b(atencion al cliente|servicio|soporte|pedido|paquete|envio)\b/,
];

const PURCHASE: RegExp[] = [
  /\bwhere (can|do|could|should) (i|we|you) (buy|get|order|purchase|find)\b/,
  /\bhow (much|many dollars)\b/,
  /\b(price|prices|pricing|price list|cost)\b/,
  /\b(want|wanna|going|would like|'d like|need) (to )?(buy|order|purchase|get one|get it|get this)\b/,
  /\b(can|could|may) i (buy|order|purchase|get one|pre-?order)\b/,
  /\b(do|does) (you|it|u) (ship|deliver|sell)\b/,
  /\b(in stock|back in stock|available in|still available|pre-?order|add(ed)? to (my )?cart|take my money|link to buy|promo code|discount code)\b/,
  /\b(is|are) (it|this|they|these) (available|on sale)\b/,
  /\b(precio|precios|costo|costos|cotizacion|tarifa)\b/,
  /\bcuanto (cuesta|cuestan|vale|valen|sale|salen|cobran|esta|es|seria)\b/,
  /\bquiero (comprar|uno|una|dos|pedir|ordenar|encargar|adquirir)\b/,
  /\b(donde|como) (puedo |se puede |lo |la |los |las )?(compro|comprar|comprarlo|comprarla|consigo|conseguir|conseguirlo|pido|pedir|ordenar|adquirir)\b/,
  /\b(hacen|tienen|realizan) (envios?|delivery|entregas)\b/,
  /\b(tienen|hay|queda|quedan) (stock|disponibles?|existencias|en existencia)\b/,
  /\b(formas|metodos|medios) de pago\b/,
  /\baceptan (tarjeta|paypal|transferencia|efectivo)\b/,
  /\b(me interesa|me interesan|lo quiero|la quiero|los quiero|las quiero)\b/,
  /^\s*info\b/,
];

/** English question openers (used unless the text was detected as Spanish). */
const QUESTION_START_EN =
  /^(how|what|when|where|why|who|which) (do|does|did|can|could|is|are|was|were|will|would|should|to|long|many|much|about|if|time|kind)\b|^(can|could|would|will|do|does|did|is|are|should|has|have) (i|you|u|we|it|they|there|this|that|someone|anyone|somebody)\b|^any (idea|ideas|update|news|info)\b/;
/** Spanish question openers without the ¿ (used unless the text was detected as English). */
const QUESTION_START_ES =
  /^(como|cuando|donde|cual|cuales|quien|quienes|cuanto|cuantos|cuantas|por que|que) (puedo|puedes|podemos|se|hago|hacer|es|son|hay|tienen|abren|cierran|llega|llegan|funciona|activo|configuro|cambio|pido|reviso|saber)\b|^(alguien sabe|saben si|me pueden (decir|ayudar|explicar|informar)|pueden (decirme|ayudarme|explicarme)|podrian|tienen)\b/;
/** Interrogatives written with their accent: a question even without '?' ("Cómo lo activo"). Runs on the original lower-cased text. */
const QUESTION_ACCENTED = /(^|[\s¿¡"'(])(cómo|qué|cuándo|dónde|cuál|cuáles|quién|quiénes|cuánto|cuántos|cuántas|por qué)(?!\p{L})/u;
const QUESTION_ANYWHERE_EN = /\b(how do i|how can i|how to|i was wondering|i'?m wondering|does anyone know|anyone know|can someone (tell|help|explain))\b/;

const PRAISE: RegExp[] = [
  /\b(love|loved|loving|lovely|great|amazing|awesome|excellent|perfect|best|fantastic|wonderful|beautiful|gorgeous|brilliant|outstanding|incredible)\b/,
  /\b(thanks|thank you|thank u|thx|ty|tysm|appreciate it|well done|good job|great job|keep it up|recommend(ed)?|10\/10|five stars|5 stars)\b/,
  /\b(me encanta|me encantan|me encanto|encantad[oa]s?|me gusta|me gustan|me gusto|gracias|excelente|excelentes|genial|geniales|increible|perfect[oa]|maravillos[oa]|hermos[oa]s?|precios[oa]s?|lo mejor|los mejores|buenisim[oa]|recomiendo|recomendad[oa]|recomendadisim[oa]|felicidades|felicitaciones|los amo|las amo|lo amo|cinco estrellas|10\/10)\b/,
];

/** Sentiment at or below this is a complaint even without a cue ("I hate you 😡😡", "esto es una basura horrible"). */
export const STRONG_NEGATIVE = -0.5;
/** A strong complaint cue in a text at or above this is not a complaint ("thanks for the quick refund, love you!"). */
export const COMPLAINT_CEILING = 0.3;
/** Sentiment at or above this is praise even without a cue (😍, "wow"); with a praise cue any positive score will do. */
export const STRONG_POSITIVE = 0.5;

function matchesAny(patterns: RegExp[], text: string): boolean {
  return patterns.some((p) => p.test(text));
}

function isQuestion(original: string, folded: string, language: TextLanguage): boolean {
  if (original.includes('?') || original.includes('¿') || original.includes('？')) return true;
  const start = folded.replace(/^[\s¡¿"'(@#.,!-]+/, '');
  if (language !== 'es' && (QUESTION_START_EN.test(start) || QUESTION_ANYWHERE_EN.test(folded))) return true;
  if (language !== 'en' && (QUESTION_START_ES.test(start) || QUESTION_ACCENTED.test(original.toLowerCase()))) return true;
  return false;
}

/**
 * The intent of a text, from keyword/regex cues for English and Spanish and its sentiment.
 *
 * Precedence, first match wins (a text often shows several cues; the order puts first what a team must act on
 * soonest):
 *   1. complaint: a strong cue (refund, never arrived, broken, scam, worst, reembolso, no llegó, pésimo, queja...)
 *      unless the text is clearly positive (sentiment >= COMPLAINT_CEILING); or a weak cue (problem, late,
 *      order, support, problema, pedido, atención al cliente...) in a negative text (sentiment < 0); or any
 *      text at or below STRONG_NEGATIVE. "How do I get a refund?" is a complaint, not a question.
 *   2. purchase_intent: price, how much, where can I buy, in stock, do you ship, precio, cuánto cuesta,
 *      quiero comprar, dónde compro, hacen envíos, me interesa... "How much is it?" is a lead, not a question.
 *   3. question: '?' or '¿', or a question opener ("how do I", "can you", "cómo", "alguien sabe").
 *   4. praise: a praise cue (love, great, thanks, me encanta, gracias...) in a positive text (sentiment > 0), or
 *      any text at or above STRONG_POSITIVE (😍, "wow").
 *   5. other.
 * `language` decides which question openers apply (English ones unless 'es', Spanish ones unless 'en', so
 * "como siempre" in an English-looking text is not read as "cómo"); every other cue applies in both languages.
 */
export function classifyIntent(text: string, sentiment: number, language: TextLanguage): Intent {
  if (!text.trim()) return 'other';
  const folded = foldText(text);

  const strongComplaint = matchesAny(COMPLAINT_STRONG, folded);
  if ((strongComplaint && sentiment < COMPLAINT_CEILING) || sentiment <= STRONG_NEGATIVE) return 'complaint';
  if (sentiment < 0 && matchesAny(COMPLAINT_WEAK, folded)) return 'complaint';

  if (matchesAny(PURCHASE, folded)) return 'purchase_intent';

  if (isQuestion(text, folded, language)) return 'question';

  if ((sentiment > 0 && matchesAny(PRAISE, folded)) || sentiment >= STRONG_POSITIVE) return 'praise';

  return 'other';
}
