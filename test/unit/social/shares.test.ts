/**
 * The four shares: keyword matching, recency weighting, the figures with their inputs, and the consent gate.
 */
import { describe, expect, it } from 'vitest';
import { applyConsentChange, applyInteraction, computeKnowledge, DEFAULT_SETTINGS, emptyInputs, type KnowledgeSettings } from '../../../domain/knowledge/knowledge.js';
import {
  addToHeart,
  decay,
  heartAt,
  keywordsIn,
  mergeHeart,
  NO_SOCIAL_CONSENT,
  reachWeight,
  shareOfHeart,
  shareOfMind,
  shareOfVoice,
  shareOfWallet,
} from '../../../domain/social/shares.js';
import { customer } from '../../support/knowledge-fakes.js';

const NOW = '2026-11-23T10:00:00.000Z';
const ago = (days: number) => new Date(Date.parse(NOW) - days * 86_400_000).toISOString();
const EUR = (amount: string) => ({ amount, currency: 'EUR' });

describe('keywordsIn', () => {
  it('matches whole words and phrases, ignoring case and accents', () => {
    expect(keywordsIn('Me encanta ACMÉ, más que Globex Corp', ['acme', 'globex corp', 'initech'])).toEqual(['acme', 'globex corp']);
  });

  it('does not match inside another word', () => {
    expect(keywordsIn('acmebrand and globexes', ['acme', 'globex'])).toEqual([]);
    expect(keywordsIn('#acme!', ['acme'])).toEqual(['acme']);
  });
});

describe('recency weighting (half-life 90 days)', () => {
  it('halves a weight every 90 days', () => {
    expect(decay(ago(90), NOW)).toBeCloseTo(0.5, 10);
    expect(decay(ago(180), NOW)).toBeCloseTo(0.25, 10);
  });

  it('gives the same state whatever order the interactions arrive in', () => {
    const a = addToHeart(addToHeart(undefined, ago(90), 1, true), NOW, -0.5, false);
    const b = addToHeart(addToHeart(undefined, NOW, -0.5, false), ago(90), 1, true);
    expect(b).toEqual({ at: NOW, sentiment: expect.closeTo(a.sentiment, 10), weight: expect.closeTo(a.weight, 10), passion: expect.closeTo(a.passion, 10) });
    // +1 weighted 0.5 and −0.5 weighted 1 → (0.5 − 0.5) ÷ 1.5 = 0
    expect(heartAt(a, NOW).weightedSentiment).toBeCloseTo(0, 10);
    expect(heartAt(a, NOW).passion).toBeCloseTo(0.5, 10);
  });

  it('merges two states as if every interaction had been added to one', () => {
    const one = addToHeart(undefined, ago(90), 0.8, true);
    const two = addToHeart(undefined, NOW, 0.2, false);
    const merged = mergeHeart(one, two)!;
    const direct = addToHeart(addToHeart(undefined, ago(90), 0.8, true), NOW, 0.2, false);
    expect(merged.sentiment).toBeCloseTo(direct.sentiment, 10);
    expect(merged.weight).toBeCloseTo(direct.weight, 10);
    expect(merged.passion).toBeCloseTo(direct.passion, 10);
  });
});

describe('figures', () => {
  it('Share of Voice: reach-weighted voice over the tenant’s', () => {
    // 3 voice interactions, 99 followers → weight 1 + log10(100) = 3 → 9 of a tenant voice of 36 = 0.25
    const voice = shareOfVoice({ voiceInteractions: 3, followers: 99, tenantVoice: 36, tenantVoiceAt: NOW });
    expect(voice.value).toBe(0.25);
    expect(voice.inputs).toMatchObject({ voiceInteractions: 3, followers: 99, reachWeight: 3, customerVoice: 9, tenantVoice: 36 });
    expect(shareOfVoice({ voiceInteractions: 3, followers: 0, tenantVoice: null, tenantVoiceAt: null })).toMatchObject({ value: null, note: expect.stringContaining('recompute') });
    // more voice than the tenant had at the last recompute: capped at 1
    expect(shareOfVoice({ voiceInteractions: 5, followers: 0, tenantVoice: 2, tenantVoiceAt: NOW }).value).toBe(1);
  });

  it('Share of Wallet: annual spend against the category estimate, only in the same currency', () => {
    // 300.00 over 400 days → 273.75 a year; of 1000.00 → 0.27375
    const wallet = shareOfWallet({ netSpend: EUR('300.00'), daysSinceFirstOrder: 400, estimate: EUR('1000.00') });
    expect(wallet.value).toBe(0.27375);
    expect(wallet.inputs).toMatchObject({ annualSpend: EUR('273.75') });
    expect(shareOfWallet({ netSpend: EUR('3000.00'), daysSinceFirstOrder: 10, estimate: EUR('1000.00') })).toMatchObject({ value: 1, inputs: { uncapped: 3 } });
    expect(shareOfWallet({ netSpend: EUR('30.00'), daysSinceFirstOrder: 10, estimate: undefined }).value).toBeNull();
    expect(shareOfWallet({ netSpend: EUR('30.00'), daysSinceFirstOrder: 10, estimate: { amount: '100', currency: 'USD' } }).note).toMatch(/USD/);
  });

  it('Share of Mind: brand mentions over brand and competitor mentions', () => {
    const mind = shareOfMind({ brandMentions: 3, competitorMentions: 1, byCompetitor: { globex: 1 }, followers: 9 });
    expect(mind.value).toBe(0.75);
    expect(mind.inputs).toMatchObject({ reachWeight: 2, weightedBrandMentions: 6, weightedCompetitorMentions: 2 });
    expect(shareOfMind({ brandMentions: 0, competitorMentions: 0, byCompetitor: {}, followers: 0 }).value).toBeNull();
  });

  it('Share of Heart: half sentiment, half passion', () => {
    // sentiments 0.8 and 0.4 now → 0.6; passion 2 → ½ × 1.6 ÷ 2 + ½ × 2 ÷ 4 = 0.4 + 0.25 = 0.65
    let heart = addToHeart(undefined, NOW, 0.8, true);
    heart = addToHeart(heart, NOW, 0.4, true);
    expect(shareOfHeart({ heart, now: NOW }).value).toBeCloseTo(0.65, 10);
    // read 90 days later: the mean sentiment stays, the passion halves → 0.4 + ½ × 1 ÷ 3
    expect(shareOfHeart({ heart, now: new Date(Date.parse(NOW) + 90 * 86_400_000).toISOString() }).value).toBeCloseTo(0.4 + 1 / 6, 6);
  });

  it('every social share is null, with the reason, without consent', () => {
    for (const figure of [shareOfVoice(null), shareOfMind(null), shareOfHeart(null)]) expect(figure).toMatchObject({ value: null, inputs: {}, note: NO_SOCIAL_CONSENT });
    expect(reachWeight(0)).toBe(1);
  });
});

describe('interactions into inputs, and the consent gate', () => {
  const settings: KnowledgeSettings = { ...DEFAULT_SETTINGS, brandKeywords: ['acme'], competitorKeywords: ['globex', 'initech'] };
  let inputs = emptyInputs();
  inputs = applyInteraction(inputs, { channel: 'facebook', kind: 'comment', sentiment: 0.5, at: ago(1), text: 'Acme beats Globex and Initech' }, settings);
  inputs = applyInteraction(inputs, { channel: 'instagram', kind: 'mention', sentiment: null, at: ago(1) }, settings);
  inputs = applyInteraction(inputs, { channel: 'instagram', kind: 'review', sentiment: -0.6, at: ago(1), text: 'globex is better' }, settings);
  inputs = applyInteraction(inputs, { channel: 'instagram', kind: 'like', sentiment: null, at: ago(1) }, settings);

  it('counts brand mentions (kind mention or a brand keyword) and competitor mentions per interaction and keyword', () => {
    expect(inputs.social).toMatchObject({
      interactions: 4,
      byKind: { comment: 1, mention: 1, review: 1, like: 1 },
      byChannel: { facebook: 1, instagram: 3 },
      brandMentions: 2,
      competitorMentions: 2,
      byCompetitor: { globex: 2, initech: 1 },
      // a negative review is not advocacy
      advocacySignals: 0,
    });
  });

  it('computes no social figure without social profiling consent, and all of them with it (the history included)', () => {
    const c = customer('c1');
    const ctx = { settings, now: new Date(NOW), stats: { computedAt: NOW, customers: 1, voice: { total: 3, customers: 1 } } };
    const without = computeKnowledge(inputs, c, ctx);
    expect(without.socialProfiling).toBe(false);
    expect(without.interactions).toBeNull();
    expect([without.shares.voice.value, without.shares.mind.value, without.shares.heart.value]).toEqual([null, null, null]);

    const granted = applyConsentChange(inputs, { purpose: 'social_profiling', channel: 'all', status: 'granted', at: NOW });
    const withConsent = computeKnowledge(granted, c, ctx);
    expect(withConsent.interactions?.count).toBe(4);
    // voice: comment + mention + review = 3 of 3
    expect(withConsent.shares.voice.value).toBe(1);
    expect(withConsent.shares.mind.value).toBe(0.5);
    expect(withConsent.shares.heart.value).not.toBeNull();
  });
});
