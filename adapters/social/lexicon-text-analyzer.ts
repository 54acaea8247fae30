/**
 * The default TextAnalyzer: lexicon scoring inside the function (no network, no model files, ~2 MB of heap,
 * tens of thousands of short texts per second on one core).
 *
 * Libraries:
 *  - `sentiment` (MIT): tokenizer, scoring loop and per-language scoring strategy; its AFINN-165 English word
 *    list and its emoji scores (Emoji Sentiment Ranking, 767 emoji), which it adds to every language.
 *  - `@nlpjs/lang-es` (MIT, nlp.js): Snowball stemmer for Spanish and two stem lexicons, ML-SentiCon
 *    (≈7,000 stems scored -1..1) and AFINN-es (≈660 hand-scored stems, -5..5). They are merged into one
 *    stem → score table and registered in `sentiment` as a language; a Spanish text is folded (lower case,
 *    no accents), stemmed word by word and scored by `sentiment` like an English one, so "mala", "malo" and
 *    "malos" all hit the stem "mal".
 * On top of the libraries, small documented tables: emoji the 2015 emoji data lacks or under-scores
 * (🤬 🥰 🤮 🙄, 😡 only -1), a few English and Spanish words common in customer messages, and negation that
 * looks past "very", "so", "me", "lo"... ("not very good", "no me gusta") instead of only the previous word.
 *
 * Normalisation: the library's raw `score` (sum of the matched words' -5..5 values, negations flipped) goes
 * through x / sqrt(x² + 15), the normalisation VADER uses for its compound score, then is rounded to 3
 * decimals. It maps 0 → 0, ±1 → ±0.25, ±3 → ±0.61, ±6 → ±0.84 and never reaches ±1. The library's
 * `comparative` (score per token) was not used: it divides by length, so a long complaint with one "worst"
 * in it came out near 0.
 *
 * Language: detectLanguage() picks the lexicon; when it says 'unknown' ("Excelente producto", emoji only)
 * both lexicons score the text and the one matching more words wins (on a tie, the larger absolute score).
 */
import Sentiment from 'sentiment';
// Its English module (AFINN-165 labels) as plain CommonJS rather than `labels.json` imported as JSON: tsx's ESM
// loader turns a JSON file into named exports and chokes on the key "await". Untyped, typed by the cast below.
// @ts-expect-error -- sentiment/languages/en/index.js ships no type declarations.
import sentimentEnglish from 'sentiment/languages/en/index.js';
// @ts-expect-error -- @nlpjs/lang-es ships no type declarations; the part used is typed by NlpjsLangEs below.
import nlpjsLangEs from '@nlpjs/lang-es';
import {
  NEUTRAL_ANALYSIS,
  classifyIntent,
  detectLanguage,
  foldText,
  roundSentiment,
  type TextAnalysis,
  type TextAnalyzer,
  type TextLanguage,
} from '../../domain/social/text-analysis.js';

interface NlpjsLangEs {
  StemmerEs: new () => { stemWord(word: string): string; cache: Record<string, string> };
  StopwordsEs: new () => { dictionary: Record<string, unknown> };
  SentimentEs: { afinn: Record<string, number>; senticon: Record<string, number> };
}
const { StemmerEs, StopwordsEs, SentimentEs } = nlpjsLangEs as NlpjsLangEs;

type Labels = Record<string, number>;

/** Names under which our two lexicons are registered in `sentiment` (its language table is global to the process, so the library's own 'en' is left untouched). */
const EN = 'crm-en';
const ES = 'crm-es';

/** VADER's normalisation constant: the raw score at which the result reaches ±0.5 is ≈ ±2.2. */
const ALPHA = 15;

// ---------------------------------------------------------------------------------------------------------
// Emoji and emoticons

/**
 * Added to, or replacing, the library's emoji scores (set after registration, since the library copies its
 * emoji table over a language's labels when registering it). Keys are single code points: prepare() strips
 * variation selectors, skin tones and joiners, so "❤️" arrives as "❤".
 */
const EMOJI_OVERRIDES: Labels = {
  '😡': -3, '🤬': -4, '👎': -2, '💔': -2, '🤮': -3, '🤢': -2, '🙄': -2, '😢': -2, '😞': -2, '😑': -1, '😒': -2,
  '😤': -2, '😠': -3, '😩': -2, '😫': -2, '😖': -2, '😣': -2, '😾': -2, '🖕': -4, '💩': -3,
  '🥰': 3, '😍': 3, '🤩': 3, '❤': 3, '💕': 3, '💖': 3, '💗': 3, '💙': 3, '💚': 3, '💛': 3, '💜': 3, '🖤': 2,
  '🧡': 3, '🤍': 3, '🤎': 3, '😘': 3, '🙌': 2, '👏': 2, '👍': 2, '💯': 2, '🔥': 2, '🙏': 2, '🙂': 1, '🤗': 2,
  '🥳': 3, '😻': 3, '⭐': 2, '🌟': 2,
};

/** Text emoticons, rewritten to an emoji before tokenising (the library's tokenizer drops ':' and ')'). */
const EMOTICONS: Array<[RegExp, string]> = [
  [/(^|\s)>:-?\(/g, '$1 😠 '],
  [/(^|\s):'-?\(/g, '$1 😢 '],
  [/(^|\s)[:=;]-?[)\]]+/g, '$1 🙂 '],
  [/(^|\s)[:=]-?D+\b/g, '$1 😀 '],
  [/(^|\s)[:=]-?[([]+/g, '$1 😞 '],
  [/(^|\s)[:=]-?[/\\](?!\/)/g, '$1 😕 '],
  [/<3+/g, ' ❤ '],
  [/<\/3/g, ' 💔 '],
];

// ---------------------------------------------------------------------------------------------------------
// English

/** Customer-message words AFINN-165 lacks or scores against their meaning here. */
const EN_OVERRIDES: Labels = {
  trash: -2, junk: -2, ripoff: -3, 'rip-off': -3, faulty: -2, overpriced: -2, slow: -1, meh: -1, thx: 2,
  horrendous: -3, unusable: -3, disgusting: -3, ugh: -2, wtf: -4, lmao: 2,
  joke: -1, // AFINN: +2 ("a joke" about a brand is not praise)
  like: 1, // AFINN: +2, too much for "I would like to know" / "looks like"
  please: 0, // AFINN: +1; politeness, not satisfaction ("please refund me"). 0 removes a word.
};
const EN_NEGATORS = new Set([
  'not', 'no', 'never', 'cant', "can't", 'cannot', 'dont', "don't", 'doesnt', "doesn't", 'didnt', "didn't", 'isnt',
  "isn't", 'wasnt', "wasn't", 'arent', "aren't", 'werent', "weren't", 'wont', "won't", 'wouldnt', "wouldn't",
  'couldnt', "couldn't", 'shouldnt', "shouldn't", 'havent', "haven't", 'hasnt', "hasn't", 'aint', "ain't", 'without',
  'nothing', 'nor', 'neither', 'non',
]);
/** Words negation looks past: "not very good", "don't really like", "isn't that great". */
const EN_SKIP = new Set([
  'very', 'really', 'so', 'too', 'that', 'quite', 'all', 'at', 'be', 'been', 'the', 'a', 'an', 'it', 'this', 'is',
  'was', 'feel', 'even', 'much', 'super', 'as', 'i', 'you', 'we', 'they',
]);

// ---------------------------------------------------------------------------------------------------------
// Spanish

const stemmer = new StemmerEs();
/** The nlp.js stemmer memoises every word it ever saw; in a warm Lambda that grows without bound, so it is emptied every so often. */
const STEM_CACHE_LIMIT = 20_000;
let stemsSinceReset = 0;
function stem(word: string): string {
  if (++stemsSinceReset > STEM_CACHE_LIMIT) {
    stemmer.cache = {};
    stemsSinceReset = 0;
  }
  return stemmer.stemWord(word);
}

/** Words (unstemmed, accents folded) scored here over the lexicons: missing or too weak there. */
const ES_OVERRIDES: Labels = {
  pesimo: -4, pesima: -4, malisimo: -4, horrible: -3, terrible: -3, fatal: -3, estafa: -4, estafador: -4,
  estafadores: -4, fraude: -4, timo: -3, basura: -3, porqueria: -3, asco: -3, mierda: -4, verguenza: -3, peor: -3,
  decepcion: -2, decepcionado: -2, decepcionante: -2, roto: -2, defectuoso: -3, lento: -1, queja: -2, reclamo: -2,
  enojado: -3, furioso: -4, molesto: -2, odio: -3, inutil: -3, robo: -3, ladrones: -4, cancelar: -1, mal: -3,
  gracias: 2, encanta: 3, genial: 3, increible: 3, recomiendo: 2, recomendado: 2, buenisimo: 4, excelente: 3,
  amo: 3, felicidades: 3, felicitaciones: 3, hermoso: 3, lindo: 3, bonito: 2, precioso: 3, chevere: 3, bacan: 3,
  maravilloso: 4, perfecto: 3, feliz: 3, contento: 3, rapido: 1, mejor: 2, bueno: 3, bien: 2, jaja: 2, gusta: 2,
};
/**
 * Neutral in a customer message, though a lexicon scores their stem: frequent verbs, nouns of the trade and
 * homonyms of a machine-translated AFINN-es ("con" is a swindle there, "perro" and "pollo" are insults, "ir"
 * is anger, "esperando" +2, "precio" +1.9). nlp.js's Spanish stopwords are added to these.
 */
const ES_NEUTRAL_WORDS = (
  'ser son es fue estar esta estoy tener tengo tiene tienen hacer hace poder puedo puede pueden decir dice ir voy va ' +
  'ver dar dio des saber sabe llegar llego llega pasar paso deber poner parecer quedar queda creer hablar llevar dejar ' +
  'dejo venir pensar salir sale volver tomar conocer vivir sentir tratar mirar contar empezar esperar espero esperando ' +
  'querer quiero buscar entrar escribir pedir recibir recordar terminar conseguir servir sacar necesitar mantener ' +
  'cambiar cambio presentar crear abrir considerar acabar traer realizar explicar preguntar tocar estudiar usar ' +
  'decidir mostrar mover comprar compra responder contestar enviar mandar pagar pago precio producto pedido tienda ' +
  'cliente servicio cuenta dinero tarjeta paquete caja talla color dia semana mes hora tiempo vez casa cosa caso parte ' +
  'correo chile mexico perro pollo mar sol solo don uno dos tres gran grande largo corto poco tanto todo toda nuevo ' +
  'nueva favor calidad si'
).split(' ');
/** A stem scores only if ML-SentiCon gives it at least this much: half of its entries sit at ±0.25-0.3, mostly everyday words. */
const SENTICON_MIN = 0.35;
const ES_NEGATOR_WORDS = ['no', 'nunca', 'jamas', 'ni', 'tampoco', 'sin', 'nada', 'nadie', 'ningun', 'ninguna', 'ninguno'];
/** Words negation looks past: "no me gusta", "no es bueno", "nunca lo recomendaría", "no estoy muy contento". */
const ES_SKIP_WORDS = [
  'me', 'te', 'se', 'le', 'les', 'lo', 'la', 'los', 'las', 'nos', 'el', 'es', 'son', 'fue', 'era', 'esta', 'estoy',
  'estan', 'estaba', 'muy', 'tan', 'mas', 'tanto', 'para', 'nada', 'ha', 'han', 'he', 'hay', 'un', 'una', 'tu', 'su', 'mi',
];
const ES_NEGATORS = new Set(ES_NEGATOR_WORDS.map(stem));
const ES_SKIP = new Set(ES_SKIP_WORDS.map(stem));

function buildSpanishLabels(): Labels {
  const labels: Labels = {};
  // ML-SentiCon's -1..1 scaled to AFINN's range (±1 → ±5), one decimal; weak entries left out.
  for (const [s, v] of Object.entries(SentimentEs.senticon)) {
    if (Math.abs(v) >= SENTICON_MIN) labels[s] = Math.round(v * 50) / 10;
  }
  // AFINN-es is scored by hand on the English list's scale: it wins where both have the stem.
  for (const [s, v] of Object.entries(SentimentEs.afinn)) labels[s] = v;
  const stopwords = Object.keys(new StopwordsEs().dictionary);
  for (const word of [...ES_NEUTRAL_WORDS, ...stopwords]) delete labels[stem(foldText(word))];
  for (const [word, v] of Object.entries(ES_OVERRIDES)) labels[stem(word)] = v;
  // A negator with a score of its own ("no" is -1 in AFINN-es) would count twice.
  for (const s of ES_NEGATORS) delete labels[s];
  return labels;
}

// ---------------------------------------------------------------------------------------------------------
// Registration in `sentiment`

/** Clause break inserted for , ; . ! ? and "but"/"pero": negation never reaches across it, and no label matches it. */
const BREAK = '|';

/** Flips a word's score when a negator stands before it, looking past up to 3 skippable words and never across a clause break. */
function negationStrategy(negators: Set<string>, skip: Set<string>): Sentiment.LanguageModule['scoringStrategy'] {
  return {
    apply(tokens, cursor, tokenScore) {
      for (let i = cursor - 1; i >= 0 && i >= cursor - 4; i--) {
        const t = tokens[i];
        if (t === undefined || t === BREAK) break;
        if (negators.has(t)) {
          // "never" only right before the word: "never disappointed" is praise, "never been so disappointed" is not.
          if ((t === 'never' || t === 'nunc') && i !== cursor - 1) break;
          return -tokenScore;
        }
        if (!skip.has(t)) break;
      }
      return tokenScore;
    },
  };
}

const engine = new Sentiment();
const enLabels: Labels = { ...(sentimentEnglish as { labels: Labels }).labels };
for (const [word, v] of Object.entries(EN_OVERRIDES)) {
  if (v === 0) delete enLabels[word];
  else enLabels[word] = v;
}
const esLabels: Labels = buildSpanishLabels();
engine.registerLanguage(EN, { labels: enLabels, scoringStrategy: negationStrategy(EN_NEGATORS, EN_SKIP) });
engine.registerLanguage(ES, { labels: esLabels, scoringStrategy: negationStrategy(ES_NEGATORS, ES_SKIP) });
// registerLanguage copied the library's emoji over the labels (same objects): ours go on top.
Object.assign(enLabels, EMOJI_OVERRIDES);
Object.assign(esLabels, EMOJI_OVERRIDES);

// ---------------------------------------------------------------------------------------------------------
// Scoring

const PICTOGRAPH = /(\p{Extended_Pictographic})/gu;
/** Variation selectors, skin tones, zero-width joiner, tag characters: "❤️" → "❤", "👍🏽" → "👍". */
const EMOJI_MODIFIERS = /[\uFE0E\uFE0F\u200D\u{1F3FB}-\u{1F3FF}\u{E0020}-\u{E007F}]/gu;

/**
 * Text → the space-separated tokens `sentiment` expects: emoticons as emoji, each emoji its own token,
 * clause punctuation as a BREAK token, other punctuation as space.
 */
function prepare(text: string): string {
  let t = text;
  for (const [re, emoji] of EMOTICONS) t = t.replace(re, emoji);
  return t
    .replace(EMOJI_MODIFIERS, '')
    .replace(PICTOGRAPH, ' $1 ')
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/[,;.!?¡¿:…]+/g, ` ${BREAK} `)
    .replace(/[^\p{L}\p{N}\p{Extended_Pictographic}'\-|\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

interface LexiconScore {
  score: number;
  hits: number;
}

/** Letters repeated 3+ times: English keeps two ("goooood" → "good"), Spanish one ("malooo" → "malo"; its doubles, ll rr cc, never triple). */
const ELONGATED = /(\p{L})\1{2,}/gu;
/** Spanish laughter in all its lengths: "jajaja", "jsjs", "jejeje". */
const LAUGHTER_ES = /^(ja|je|ji|js|sj)+j?$/;

function scoreEnglish(prepared: string): LexiconScore {
  const tokens = prepared.replace(ELONGATED, '$1$1').replace(/\bbut\b/gi, BREAK);
  const r = engine.analyze(tokens, { language: EN });
  return { score: r.score, hits: r.words.length };
}

function scoreSpanish(prepared: string): LexiconScore {
  const stems = foldText(prepared)
    .replace(ELONGATED, '$1')
    .split(' ')
    .map((token) => {
      if (token === 'pero') return BREAK;
      if (LAUGHTER_ES.test(token)) return stem('jaja');
      return /^[a-z]+$/.test(token) ? stem(token) : token;
    })
    .join(' ');
  const r = engine.analyze(stems, { language: ES });
  return { score: r.score, hits: r.words.length };
}

/** x / sqrt(x² + α): monotonic, odd, 0 at 0, within (-1, 1). */
export function normaliseScore(raw: number): number {
  return roundSentiment(raw / Math.sqrt(raw * raw + ALPHA));
}

/** One text, synchronously (the batch method only wraps this). */
export function analyzeText(text: string): TextAnalysis {
  if (typeof text !== 'string' || !text.trim()) return { ...NEUTRAL_ANALYSIS };
  const language: TextLanguage = detectLanguage(text);
  const prepared = prepare(text);
  let result: LexiconScore;
  if (language === 'en') result = scoreEnglish(prepared);
  else if (language === 'es') result = scoreSpanish(prepared);
  else {
    const en = scoreEnglish(prepared);
    const es = scoreSpanish(prepared);
    // More matched words wins; on a tie the stronger reading ("no, me encanta": English sees only "no").
    result = es.hits > en.hits || (es.hits === en.hits && Math.abs(es.score) > Math.abs(en.score)) ? es : en;
  }
  const sentiment = normaliseScore(result.score);
  return { sentiment, intent: classifyIntent(text, sentiment, language), language };
}

export const lexiconTextAnalyzer: TextAnalyzer = {
  async analyze(texts: string[]): Promise<TextAnalysis[]> {
    return texts.map(analyzeText);
  },
};
