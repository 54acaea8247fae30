/** Every failed queue record leaves one log line naming the error, the event id and the receive count. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logFailedRecords } from '../../../functions/shared/chain.js';
import { logger } from '../../../functions/shared/powertools.js';

afterEach(() => vi.restoreAllMocks());

describe('logFailedRecords', () => {
  it('logs each failed record with its error name, event id and receive count', () => {
    const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
    class ConditionalCheckFailedException extends Error {
      override name = 'ConditionalCheckFailedException';
    }
    logFailedRecords('social-crm-Test', {
      errors: [new ConditionalCheckFailedException('x'), new TypeError('bad body')],
      failureMessages: [
        { messageId: 'm1', body: JSON.stringify({ id: 'evt-1', detail: {} }), attributes: { ApproximateReceiveCount: '3' } },
        { messageId: 'm2', body: 'not json', attributes: { ApproximateReceiveCount: '1' } },
      ],
    });
    expect(error).toHaveBeenCalledTimes(2);
    expect(error.mock.calls[0]![1]).toMatchObject({ errorName: 'ConditionalCheckFailedException', eventId: 'evt-1', receiveCount: 3, messageId: 'm1' });
    expect(error.mock.calls[1]![1]).toMatchObject({ errorName: 'TypeError', eventId: undefined, receiveCount: 1, messageId: 'm2' });
  });
});
