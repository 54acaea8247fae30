import { buildOpenApiDocument } from '../../api/openapi.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { httpFunction } from '../lib/chain.js';
import { json } from '../lib/http.js';

let document: ReturnType<typeof buildOpenApiDocument> | undefined;

export const handler = httpFunction(FUNCTIONS.openApi.id, async (event) => {
  document ??= buildOpenApiDocument(`https://${event.requestContext.domainName}`);
  return json(200, document);
});
