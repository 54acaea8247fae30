/**
 * The API's request and response shapes (the local contract: lists answer `{ items, nextCursor }`, errors
 * `{ error: { code, message } }`), one file per context in api/<context>/schemas.ts. Request validation and the
 * OpenAPI document both come from these schemas.
 */
export * from './shared/schemas.js';
export * from './customers/schemas.js';
export * from './social/schemas.js';
export * from './consent/schemas.js';
export * from './audit/schemas.js';
export * from './knowledge/schemas.js';
export * from './segments/schemas.js';
export * from './privacy/schemas.js';
