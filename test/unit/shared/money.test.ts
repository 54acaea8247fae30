import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../../domain/shared/errors.js';
import {
  absDecimal,
  addDecimal,
  addMoney,
  compareDecimal,
  compareMoney,
  isDecimal,
  isPositive,
  negateDecimal,
  parseJsonExact,
  subtractDecimal,
  subtractMoney,
  sumDecimals,
  zeroLike,
} from '../../../domain/shared/money.js';

describe('exact decimals', () => {
  it('adds without float error, keeping the finer scale', () => {
    expect(0.1 + 0.2).not.toBe(0.3); // what the helper exists for
    expect(addDecimal('0.10', '0.20')).toBe('0.30');
    expect(addDecimal('0.1', '0.2')).toBe('0.3');
    expect(addDecimal('19.99', '0.005')).toBe('19.995');
    expect(addDecimal('999999999999999999.99', '0.01')).toBe('1000000000000000000.00');
    expect(sumDecimals(['89.99', '19.99', '24.99', '159.99', '119.99'], '0.00')).toBe('414.95');
  });

  it('subtracts, negates and crosses zero', () => {
    expect(subtractDecimal('10.00', '10.30')).toBe('-0.30');
    expect(subtractDecimal('0.30', '0.10')).toBe('0.20');
    expect(negateDecimal('5.10')).toBe('-5.10');
    expect(negateDecimal('0.00')).toBe('0.00');
    expect(absDecimal('-24.25')).toBe('24.25');
    expect(absDecimal('3')).toBe('3');
  });

  it('compares by value, whatever the scale', () => {
    expect(compareDecimal('1.5', '1.50')).toBe(0);
    expect(compareDecimal('0.30', '0.3')).toBe(0);
    expect(compareDecimal('10.01', '10.1')).toBe(-1);
    expect(compareDecimal('-1', '-2')).toBe(1);
  });

  it('refuses what is not an exact decimal', () => {
    for (const bad of ['1e3', '1,50', '.5', '5.', '', ' 1', 'NaN', '+1']) expect(isDecimal(bad)).toBe(false);
    expect(() => addDecimal('1e3', '1')).toThrow(InvalidInput);
  });
});

describe('money', () => {
  const usd = (amount: string) => ({ amount, currency: 'USD' });
  it('adds and compares within one currency only', () => {
    expect(addMoney(usd('0.10'), usd('0.20'))).toEqual(usd('0.30'));
    expect(subtractMoney(usd('100.00'), usd('10.30'))).toEqual(usd('89.70'));
    expect(compareMoney(usd('0.30'), usd('0.3'))).toBe(0);
    expect(() => addMoney(usd('1'), { amount: '1', currency: 'EUR' })).toThrow(InvalidInput);
  });
  it('makes a zero like another amount and tells positive amounts', () => {
    expect(zeroLike(usd('404.95'))).toEqual(usd('0.00'));
    expect(zeroLike({ amount: '1000', currency: 'JPY' })).toEqual({ amount: '0', currency: 'JPY' });
    expect(isPositive(usd('0.01'))).toBe(true);
    expect(isPositive(usd('0.00'))).toBe(false);
    expect(isPositive(usd('-1'))).toBe(false);
  });
});

describe('parseJsonExact', () => {
  it('keeps ids beyond 2^53 exactly, as their digits', () => {
    const text = '{"id": 820982911946154508, "customer": {"id": 115310627314723954}, "n": 727}';
    expect((JSON.parse(text) as { id: number }).id).toBe(820982911946154500); // the corruption it avoids
    expect(parseJsonExact(text)).toEqual({ id: '820982911946154508', customer: { id: '115310627314723954' }, n: 727 });
  });
  it('keeps numbers whose text a float would change, leaves the others numbers', () => {
    expect(parseJsonExact(Buffer.from('[12.10, 3, 12.5, 0.1, 0.0000001, -0, 9007199254740993]'))).toEqual([
      '12.10',
      3,
      12.5,
      0.1,
      '0.0000001',
      '-0',
      '9007199254740993',
    ]);
  });
  it('answers InvalidInput for invalid JSON', () => {
    expect(() => parseJsonExact('{"id": 1,')).toThrow(InvalidInput);
  });
});
