/**
 * Typed errors of the domain. Handlers never build error responses themselves: the shared chain maps
 * these to HTTP status and the JSON body `{ error: { code, message } }` in one place.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  constructor(
    message: string,
    /** Safe, non-personal details for the client (e.g. which fields failed validation). */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInput extends DomainError {
  readonly status = 400;
  readonly code = 'invalid_input';
}
export class Unauthorized extends DomainError {
  readonly status = 401;
  readonly code = 'unauthorized';
}
export class Forbidden extends DomainError {
  readonly status = 403;
  readonly code = 'forbidden';
}
export class NotFound extends DomainError {
  readonly status = 404;
  readonly code = 'not_found';
}
export class Conflict extends DomainError {
  readonly status = 409;
  readonly code = 'conflict';
}
export class PayloadTooLarge extends DomainError {
  readonly status = 413;
  readonly code = 'payload_too_large';
}
export class Throttled extends DomainError {
  readonly status = 429;
  readonly code = 'throttled';
}
