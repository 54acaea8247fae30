import { DomainError } from '../shared/errors.js';

/** The network did not take the reply (a refusal, or unavailable after retries); the ticket records it as failed. */
export class ReplyNotDelivered extends DomainError {
  readonly status = 502;
  readonly code = 'reply_not_delivered';
}
