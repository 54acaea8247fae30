import { describe, expect, it } from 'vitest';
import Sentiment from 'sentiment';
import {
  classifyIntent,
  detectLanguage,
  foldText,
  roundSentiment,
  type Intent,
  type TextLanguage,
} from '../../../domain/social/text-analysis.js';
import { analyzeText, lexiconTextAnalyzer, normaliseScore } from '../../../adapters/social/lexicon-text-analyzer.js';

const sentimentOf = (text: string) => analyzeText(text).sentiment;
const intentOf = (text: string) => analyzeText(text).intent;

function expectInRange(value: number) {
  expect(Number.isFinite(value)).toBe(true);
  expect(value).toBeGreaterThanOrEqual(-1);
  expect(value).toBeLessThanOrEqual(1);
  expect(Math.round(value * 1000) / 1000).toBe(value); // 3 decimals at most
  expect(Object.is(value, -0)).toBe(false);
}

describe('detectLanguage', () => {
  it.each<[string, TextLanguage]>([
    ['I love this product, thank you so much', 'en'],
    ['My order never arrived and nobody answers', 'en'],
    ["Can't believe how good it is", 'en'],
    ['Me encanta, muchas gracias por todo', 'es'],
    ['El pedido no llegó y nadie responde', 'es'],
    ['¿Cuánto cuesta?', 'es'],
    ['gracias', 'es'],
    ['😍😍😍', 'unknown'],
    ['', 'unknown'],
    ['   ', 'unknown'],
    ['ok', 'unknown'],
  ])('%j → %s', (text, language) => {
    expect(detectLanguage(text)).toBe(language);
  });
});

describe('foldText and roundSentiment', () => {
  it('folds accents, case and typographic apostrophes', () => {
    expect(foldText('Pésimo, ¿DÓNDE está mi Pedido? Don’t')).toBe("pesimo, ¿donde esta mi pedido? don't");
  });

  it('rounds to 3 decimals, clamps to [-1, 1], and never answers -0 or NaN', () => {
    expect(roundSentiment(0.12345)).toBe(0.123);
    expect(roundSentiment(-0.98765)).toBe(-0.988);
    expect(roundSentiment(3)).toBe(1);
    expect(roundSentiment(-7)).toBe(-1);
    expect(Object.is(roundSentiment(-0.0001), -0)).toBe(false);
    expect(roundSentiment(Number.NaN)).toBe(0);
  });
});

describe('classifyIntent (pure rules, sentiment given)', () => {
  it.each<[string, number, TextLanguage, Intent]>([
    // complaint: strong cue, whatever the (non-positive) score
    ['My order never arrived', 0, 'en', 'complaint'],
    ['I want a refund', 0, 'en', 'complaint'],
    ['The zipper is broken', -0.25, 'en', 'complaint'],
    ['Nunca me llegó el paquete', 0, 'es', 'complaint'],
    ['Quiero un reembolso', 0, 'es', 'complaint'],
    ['Pongo una queja formal', 0, 'es', 'complaint'],
    // complaint: weak cue needs a negative score
    ['The delivery was slow', -0.25, 'en', 'complaint'],
    ['El pedido tiene un problema', -0.4, 'es', 'complaint'],
    // complaint: strongly negative without any cue
    ['I hate you', -0.612, 'en', 'complaint'],
    // question
    ['How do I reset my password?', 0, 'en', 'question'],
    ['Can you open on Sundays', 0, 'en', 'question'],
    ['¿A qué hora abren?', 0, 'es', 'question'],
    ['Cómo activo la garantía', 0, 'es', 'question'],
    ['Alguien sabe el horario', 0, 'es', 'question'],
    // purchase_intent
    ['Where can I buy this?', 0, 'en', 'purchase_intent'],
    ['What is the price', 0, 'en', 'purchase_intent'],
    ['Do you ship to Canada', 0, 'en', 'purchase_intent'],
    ['Precio?', 0, 'es', 'purchase_intent'],
    ['Quiero comprar dos', 0, 'es', 'purchase_intent'],
    ['Dónde compro el kit', 0, 'es', 'purchase_intent'],
    // praise: cue + positive, or strongly positive alone
    ['I love it, great job', 0.8, 'en', 'praise'],
    ['Thanks!', 0.3, 'en', 'praise'],
    ['Me encanta, gracias', 0.79, 'es', 'praise'],
    ['😍', 0.612, 'unknown', 'praise'],
    // other
    ['The package arrived on Tuesday', 0, 'en', 'other'],
    ['El evento es el sábado', 0, 'es', 'other'],
    ['', 0, 'unknown', 'other'],
  ])('%j (sentiment %d, %s) → %s', (text, sentiment, language, intent) => {
    expect(classifyIntent(text, sentiment, language)).toBe(intent);
  });

  it('puts complaint before question and purchase_intent', () => {
    expect(classifyIntent('How do I get a refund?', 0, 'en')).toBe('complaint');
    expect(classifyIntent('¿Por qué no llegó mi pedido?', -0.1, 'es')).toBe('complaint');
    expect(classifyIntent('The price is a scam', -0.6, 'en')).toBe('complaint');
  });

  it('puts purchase_intent before question', () => {
    expect(classifyIntent('How much is it?', 0, 'en')).toBe('purchase_intent');
    expect(classifyIntent('¿Cuánto cuesta?', 0, 'es')).toBe('purchase_intent');
  });

  it('needs a positive score for a praise cue, and a non-positive one for a strong complaint cue', () => {
    expect(classifyIntent('I love how you ignore me', -0.3, 'en')).not.toBe('praise');
    expect(classifyIntent('Thanks for the super quick refund, love you guys', 0.8, 'en')).toBe('praise');
  });

  it('needs a negative score for a weak complaint cue', () => {
    expect(classifyIntent('Order placed this morning', 0, 'en')).toBe('other');
    expect(classifyIntent('Order placed this morning, terrible experience', -0.4, 'en')).toBe('complaint');
  });

  it('reads Spanish question openers only when the text is not English', () => {
    expect(classifyIntent('como puedo pagar', 0, 'es')).toBe('question');
    expect(classifyIntent('como puedo pagar', 0, 'en')).toBe('other');
  });
});

describe('lexiconTextAnalyzer: sentiment', () => {
  it.each([
    'I love this product, it is amazing!',
    'Great service, thank you so much',
    'Me encanta, muchas gracias!',
    'Excelente producto, lo recomiendo',
    'Estoy muy contento con la compra',
    'Las zapatillas son hermosas y muy cómodas',
  ])('positive: %j', (text) => {
    expect(sentimentOf(text)).toBeGreaterThan(0.2);
  });

  it.each([
    'This is the worst service ever. I want a refund.',
    'Terrible quality, totally useless',
    'Pésimo servicio, quiero un reembolso',
    'Es una estafa, son unos ladrones',
    'La atención es malísima y el producto llegó roto',
    'Qué mala experiencia, muy decepcionado',
  ])('negative: %j', (text) => {
    expect(sentimentOf(text)).toBeLessThan(-0.2);
  });

  it.each([
    'The package arrived on Tuesday.',
    'Please send me the tracking number',
    'El pedido llegó el martes.',
    'Quiero comprar dos, cuánto cuesta el envío a Chile?',
    'Sigo esperando el paquete',
  ])('neutral: %j', (text) => {
    expect(Math.abs(sentimentOf(text))).toBeLessThan(0.2);
  });

  it('scores Spanish inflections through the stemmer (mala, malos, buenas)', () => {
    expect(sentimentOf('la comida estaba mala')).toBeLessThan(0);
    expect(sentimentOf('unos productos malos')).toBeLessThan(0);
    expect(sentimentOf('muy buenas las camisetas')).toBeGreaterThan(0);
  });

  it('flips negated words, looking past "very", "me", "es"...', () => {
    expect(sentimentOf('good')).toBeGreaterThan(0);
    expect(sentimentOf('not very good')).toBeLessThan(0);
    expect(sentimentOf("I don't like it")).toBeLessThan(0);
    expect(sentimentOf('me gusta mucho')).toBeGreaterThan(0);
    expect(sentimentOf('no me gusta')).toBeLessThan(0);
    expect(sentimentOf('no es bueno')).toBeLessThan(0);
    expect(sentimentOf('sin problemas, todo bien')).toBeGreaterThan(0);
  });

  it('does not carry a negation across a comma or "but"', () => {
    expect(sentimentOf('no, me encanta')).toBeGreaterThan(0);
    expect(sentimentOf('not cheap but great')).toBeGreaterThan(0);
  });

  it('treats "never" as a negator only right before the word', () => {
    expect(sentimentOf('never disappointed')).toBeGreaterThan(0);
    expect(sentimentOf('I have never been so disappointed')).toBeLessThan(0);
  });

  it.each(['😡', '🤬', '👎', '💔', '😡😡😡', '🤮'])('emoji only, negative: %s', (text) => {
    expect(sentimentOf(text)).toBeLessThan(0);
  });

  it.each(['❤️', '❤', '😍', '🥰', '👍🏽', '🙏', '🔥🔥'])('emoji only, positive: %s', (text) => {
    expect(sentimentOf(text)).toBeGreaterThan(0);
  });

  it('gets stronger with repeated emoji and counts emoji glued to words', () => {
    expect(sentimentOf('😡😡😡')).toBeLessThan(sentimentOf('😡'));
    expect(sentimentOf('El pedido llegó😡')).toBeLessThan(0);
    expect(sentimentOf('Great😍😍')).toBeGreaterThan(sentimentOf('Great'));
    expect(sentimentOf('Buen producto 😡')).toBeLessThan(sentimentOf('Buen producto'));
  });

  it('reads text emoticons and elongated words', () => {
    expect(sentimentOf(':)')).toBeGreaterThan(0);
    expect(sentimentOf('ok :(')).toBeLessThan(0);
    expect(sentimentOf('<3')).toBeGreaterThan(0);
    expect(sentimentOf('sooo goooood')).toBeGreaterThan(0);
    expect(sentimentOf('malooo')).toBeLessThan(0);
    expect(sentimentOf('jajajaja')).toBeGreaterThan(0);
  });

  it('scores a mixed text between its positive and negative halves', () => {
    const mixed = sentimentOf('I love the design but the battery is terrible');
    expect(mixed).toBeLessThan(sentimentOf('I love the design'));
    expect(mixed).toBeGreaterThan(sentimentOf('the battery is terrible'));
    expect(Math.abs(mixed)).toBeLessThan(0.3);
    const mixedEs = sentimentOf('Me encanta el diseño pero la batería es malísima');
    expect(mixedEs).toBeLessThan(sentimentOf('Me encanta el diseño'));
    expect(mixedEs).toBeGreaterThan(sentimentOf('la batería es malísima'));
  });

  it('keeps every score in [-1, 1] with at most 3 decimals, even for extreme texts', () => {
    const texts = [
      '😡'.repeat(300),
      '😍'.repeat(300),
      'worst terrible awful horrible disgusting scam '.repeat(50),
      'amazing wonderful fantastic perfect love '.repeat(50),
      'pésimo horrible estafa basura '.repeat(50),
      'I love this product, it is amazing!',
      'Mixed 😍😡 feelings',
      '!!!???...',
      '12345',
      'https://example.com/product?id=1',
    ];
    for (const text of texts) expectInRange(sentimentOf(text));
    expect(sentimentOf('😡'.repeat(300))).toBeLessThan(-0.99);
    expect(sentimentOf('😍'.repeat(300))).toBeGreaterThan(0.99);
  });

  it('normalises the raw score with x / sqrt(x² + 15)', () => {
    expect(normaliseScore(0)).toBe(0);
    expect(normaliseScore(3)).toBe(0.612);
    expect(normaliseScore(-3)).toBe(-0.612);
    expect(normaliseScore(1)).toBe(0.25);
    expect(normaliseScore(1000)).toBeLessThanOrEqual(1);
    expect(normaliseScore(2)).toBeLessThan(normaliseScore(4));
  });

  it("leaves the sentiment library's own English language untouched", () => {
    analyzeText('😡 joke'); // make sure our module has registered its languages
    const plain = new Sentiment();
    expect(plain.analyze('😡').score).toBe(-1);
    expect(plain.analyze('joke').score).toBe(2);
  });
});

describe('lexiconTextAnalyzer: intent and language end to end', () => {
  it.each<[string, Intent]>([
    ['This is the worst service ever. I want a refund.', 'complaint'],
    ['My order never arrived 😡', 'complaint'],
    ['Pésimo servicio, quiero un reembolso', 'complaint'],
    ['Mi pedido llegó roto y nadie responde', 'complaint'],
    ['How do I reset my password?', 'question'],
    ['What time do you open on Sundays?', 'question'],
    ['¿Cómo cambio mi contraseña?', 'question'],
    ['¿A qué hora abren los domingos?', 'question'],
    ['How much is it?', 'purchase_intent'],
    ['Where can I buy this in Miami?', 'purchase_intent'],
    ['¿Cuánto cuesta?', 'purchase_intent'],
    ['Quiero comprar dos, ¿hacen envíos a Chile?', 'purchase_intent'],
    ['I love this product, it is amazing!', 'praise'],
    ['Thank you so much, great job 👏', 'praise'],
    ['Me encanta, muchas gracias!', 'praise'],
    ['Excelente atención, los recomiendo 🙌', 'praise'],
    ['😍😍', 'praise'],
    ['The package arrived on Tuesday.', 'other'],
    ['El pedido llegó el martes.', 'other'],
  ])('%j → %s', (text, intent) => {
    expect(intentOf(text)).toBe(intent);
  });

  it('reports the detected language', () => {
    expect(analyzeText('I love it').language).toBe('en');
    expect(analyzeText('Me encanta, gracias').language).toBe('es');
    expect(analyzeText('😍').language).toBe('unknown');
  });

  it('scores a text of unknown language with the lexicon that matches it', () => {
    const r = analyzeText('Excelente producto');
    expect(r.sentiment).toBeGreaterThan(0);
    expect(analyzeText('Horrible').sentiment).toBeLessThan(0);
  });
});

describe('lexiconTextAnalyzer.analyze (batch)', () => {
  it('answers sentiment 0, intent other, language unknown for an empty or blank text', async () => {
    const [empty, blank] = await lexiconTextAnalyzer.analyze(['', '  \n\t ']);
    expect(empty).toEqual({ sentiment: 0, intent: 'other', language: 'unknown' });
    expect(blank).toEqual({ sentiment: 0, intent: 'other', language: 'unknown' });
  });

  it('answers one result per text, in input order', async () => {
    const texts = [
      'I love this product, it is amazing!',
      'Pésimo servicio, quiero un reembolso',
      '',
      '¿Cuánto cuesta?',
      '😡😡',
      'How do I reset my password?',
      'Me encanta, muchas gracias!',
    ];
    const results = await lexiconTextAnalyzer.analyze(texts);
    expect(results).toHaveLength(texts.length);
    expect(results.map((r) => r.intent)).toEqual([
      'praise',
      'complaint',
      'other',
      'purchase_intent',
      'complaint',
      'question',
      'praise',
    ]);
    expect(results.map((r) => Math.sign(r.sentiment))).toEqual([1, -1, 0, 0, -1, 0, 1]);
    expect(results.map((r) => r.language)).toEqual(['en', 'es', 'unknown', 'es', 'unknown', 'en', 'es']);
    // Same answers one by one: the batch adds nothing and mixes nothing up.
    expect(results).toEqual(texts.map((t) => analyzeText(t)));
    // Reversing the input reverses the output.
    expect(await lexiconTextAnalyzer.analyze([...texts].reverse())).toEqual([...results].reverse());
  });

  it('answers an empty array for an empty batch', async () => {
    expect(await lexiconTextAnalyzer.analyze([])).toEqual([]);
  });

  it('keeps up with thousands of texts per second', async () => {
    const texts = Array.from({ length: 5000 }, (_, i) =>
      i % 2 ? `Pésimo servicio, pedido ${i} no llegó 😡` : `I love it, order ${i} arrived early! 😍`,
    );
    const started = performance.now();
    const results = await lexiconTextAnalyzer.analyze(texts);
    const seconds = (performance.now() - started) / 1000;
    expect(results).toHaveLength(5000);
    expect(5000 / seconds).toBeGreaterThan(2000); // measured ≈ 40,000/s on one core
  });
});
