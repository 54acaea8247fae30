/**
 * The social newsroom: what customers said about the brand, newest first across networks, for the caller's
 * tenant only.
 */
import { NewsroomItemView, NewsroomQuery } from '../../api/social/schemas.js';
import { DynamoNewsroomReader } from '../../adapters/social/dynamo-newsroom.js';
import { NotFound } from '../../domain/shared/errors.js';
import { readNewsroom } from '../../domain/social/newsroom.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { httpFunction, meterTenant } from '../shared/chain.js';
import { authorize, json, validate, type HttpEvent } from '../shared/http.js';
import { routeRoles } from '../shared/route-auth.js';

const reader = new DynamoNewsroomReader();

export const handler = httpFunction(FUNCTIONS.newsroomApi.id, async (event: HttpEvent) => {
  const actor = authorize(event, routeRoles(event.routeKey));
  meterTenant(actor.tenantId);
  if (event.routeKey !== 'GET /v1/newsroom') throw new NotFound(`No route ${event.routeKey}`);
  const query = validate(NewsroomQuery, event.queryStringParameters ?? {}, 'newsroom query');
  const page = await readNewsroom(reader, actor.tenantId, query);
  return json(200, { items: page.items.map((i) => NewsroomItemView.parse(i)), nextCursor: page.nextCursor });
});
