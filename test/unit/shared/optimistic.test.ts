import { describe, expect, it } from 'vitest';
import { ChangedMeanwhile, retryWhileChanged } from '../../../adapters/dynamo/client.js';

const conditionFailed = () => Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });

describe('retryWhileChanged', () => {
  it('tries again while a concurrent writer wins, then answers the attempt’s result', async () => {
    let calls = 0;
    const result = await retryWhileChanged('item', async () => {
      calls += 1;
      if (calls === 1) throw conditionFailed();
      if (calls === 2) throw new ChangedMeanwhile();
      return 'written';
    });
    expect(result).toBe('written');
    expect(calls).toBe(3);
  });

  it('gives up after a few attempts on an item that keeps changing', async () => {
    let calls = 0;
    await expect(
      retryWhileChanged('customer c-1', async () => {
        calls += 1;
        throw conditionFailed();
      }),
    ).rejects.toThrow('customer c-1 kept changing; gave up after 5 attempts');
    expect(calls).toBe(5);
  });

  it('does not retry other failures', async () => {
    let calls = 0;
    await expect(
      retryWhileChanged('item', async () => {
        calls += 1;
        throw new Error('ProvisionedThroughputExceededException');
      }),
    ).rejects.toThrow('ProvisionedThroughputExceededException');
    expect(calls).toBe(1);
  });
});
