import { buildOpenApiDocument } from '../../api/openapi.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { httpFunction } from './chain.js';
import { json } from './http.js';

let document: ReturnType<typeof buildOpenApiDocument> | undefined;

export const handler = httpFunction(FUNCTIONS.openApi.id, async (event) => {
  document ??= buildOpenApiDocument(`https://${event.requestContext.domainName}`);
  return json(200, document);
});
