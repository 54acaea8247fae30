/**
 * Connections API (admin): the brand's connected account ids and webhook secrets per network. Secrets are
 * written, counted and dated; no response and no log line ever carries a value.
 */
import { ConnectionUpdateBodies, SecretRetirement } from '../../api/social/schemas.js';
import { connectionSecretStore, writableSecretStore } from '../../adapters/shared/secrets.js';
import {
  isConnectionChannel,
  listConnections,
  retireConnectionSecrets,
  updateConnection,
  type ConnectionChannel,
  type ConnectionPorts,
} from '../../domain/social/connections.js';
import { NotFound } from '../../domain/shared/errors.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { httpFunction, meterTenant } from '../shared/chain.js';
import { authorize, json, parseJsonBytes, pathParam, rawBody, validate, type HttpEvent } from '../shared/http.js';
import { ports } from '../shared/ports.js';
import { routeRoles } from '../shared/route-auth.js';

function connectionPorts(): ConnectionPorts {
  return { tenants: ports.tenants, secrets: connectionSecretStore(writableSecretStore()), clock: ports.clock, audit: ports.audit };
}

function channelOf(event: HttpEvent): ConnectionChannel {
  const channel = pathParam(event, 'channel');
  if (!isConnectionChannel(channel)) throw new NotFound(`No connection channel ${channel}`);
  return channel;
}

export const handler = httpFunction(FUNCTIONS.connectionsApi.id, async (event: HttpEvent) => {
  const actor = authorize(event, routeRoles(event.routeKey));
  meterTenant(actor.tenantId);

  switch (event.routeKey) {
    case 'GET /v1/connections': {
      const items = await listConnections(connectionPorts(), actor.tenantId);
      return json(200, { items, nextCursor: null });
    }
    case 'PUT /v1/connections/{channel}': {
      const channel = channelOf(event);
      const body = validate(ConnectionUpdateBodies[channel], parseJsonBytes(rawBody(event)), `${channel} connection`);
      return json(200, await updateConnection(connectionPorts(), actor, channel, body));
    }
    case 'POST /v1/connections/{channel}/secrets/retire': {
      const channel = channelOf(event);
      const body = validate(SecretRetirement, parseJsonBytes(rawBody(event)), 'secret retirement');
      return json(200, await retireConnectionSecrets(connectionPorts(), actor, channel, body));
    }
    default:
      throw new NotFound(`No route ${event.routeKey}`);
  }
});
