/**
 * Campaigns API: the document (create, edit, comment, history), its lifecycle (submit, approve, reject, launch,
 * cancel), its results, and the tenant's campaign settings.
 */
import { CampaignAttachmentCreate, CampaignComment, CampaignCreate, CampaignEdit, CampaignLaunch, CampaignListQuery, CampaignReject, CampaignSettingsInput } from '../../api/campaigns/schemas.js';
import { loadCampaignSettings, runCounters, saveCampaignSettings } from '../../adapters/campaigns/dynamo-run.js';
import { addAttachment, approveCampaign, cancelCampaign, commentOnCampaign, createCampaign, editCampaign, launchCampaign, loadCampaign, rejectCampaign, removeAttachment, submitCampaign } from '../../domain/campaigns/document.js';
import type { Campaign } from '../../domain/campaigns/model.js';
import { campaignResults } from '../../domain/campaigns/results.js';
import { recordAudit, userActor } from '../../domain/audit/index.js';
import { NotFound } from '../../domain/shared/errors.js';
import { FUNCTIONS } from '../../wiring/functions.js';
import { correlationIdOf, httpFunction, meterTenant } from '../shared/chain.js';
import { authorize, json, parseJsonBytes, pathParam, rawBody, validate, type HttpEvent } from '../shared/http.js';
import { routeRoles } from '../shared/route-auth.js';
import { publicApiUrl } from '../../adapters/consent/index.js';
import { campaignCloudCost } from './cost.js';
import { campaignPorts } from './ports.js';

const view = ({ tenantId: _tenant, ...campaign }: Campaign) => campaign;
const body = (event: HttpEvent) => (event.body ? parseJsonBytes(rawBody(event)) : {});

export const handler = httpFunction(FUNCTIONS.campaignsApi.id, async (event: HttpEvent) => {
  const actor = authorize(event, routeRoles(event.routeKey));
  meterTenant(actor.tenantId);
  const ports = campaignPorts();
  const id = () => pathParam(event, 'campaignId');

  switch (event.routeKey) {
    case 'POST /v1/campaigns':
      return json(201, view(await createCampaign(ports, actor, validate(CampaignCreate, body(event), 'campaign'))));
    case 'GET /v1/campaigns': {
      const q = validate(CampaignListQuery, event.queryStringParameters ?? {}, 'campaign query');
      const page = await ports.campaigns.listByStatus(actor.tenantId, q.status, q.limit, q.cursor);
      return json(200, { items: page.items.map(view), nextCursor: page.nextCursor });
    }
    case 'GET /v1/campaigns/{campaignId}':
      return json(200, view(await loadCampaign(ports, actor.tenantId, id())));
    case 'PATCH /v1/campaigns/{campaignId}':
      return json(200, view(await editCampaign(ports, actor, id(), validate(CampaignEdit, body(event), 'campaign edit'))));
    case 'GET /v1/campaigns/{campaignId}/history': {
      await loadCampaign(ports, actor.tenantId, id());
      const items = (await ports.campaigns.history(actor.tenantId, id())).map(({ snapshot: _s, ...entry }) => entry);
      return json(200, { items, nextCursor: null });
    }
    case 'POST /v1/campaigns/{campaignId}/comments':
      return json(201, view(await commentOnCampaign(ports, actor, id(), validate(CampaignComment, body(event), 'comment').text)));
    case 'POST /v1/campaigns/{campaignId}/attachments': {
      const { campaign, attachment, upload } = await addAttachment(ports, actor, id(), validate(CampaignAttachmentCreate, body(event), 'attachment'));
      return json(201, { attachment, version: campaign.version, upload });
    }
    case 'DELETE /v1/campaigns/{campaignId}/attachments/{attachmentId}':
      return json(200, view(await removeAttachment(ports, actor, id(), pathParam(event, 'attachmentId'))));
    case 'POST /v1/campaigns/{campaignId}/submit':
      return json(200, view(await submitCampaign(ports, actor, id())));
    case 'POST /v1/campaigns/{campaignId}/approve':
      return json(200, view(await approveCampaign(ports, actor, id())));
    case 'POST /v1/campaigns/{campaignId}/reject':
      return json(200, view(await rejectCampaign(ports, actor, id(), validate(CampaignReject, body(event), 'rejection').reason)));
    case 'POST /v1/campaigns/{campaignId}/launch': {
      const input = validate(CampaignLaunch, body(event), 'launch');
      return json(200, view(await launchCampaign(ports, actor, id(), input.at, correlationIdOf(event), publicApiUrl(event.requestContext.domainName))));
    }
    case 'POST /v1/campaigns/{campaignId}/cancel': {
      const { campaign, sent } = await cancelCampaign(ports, actor, id());
      return json(200, { campaign: view(campaign), sent });
    }
    case 'GET /v1/campaigns/{campaignId}/results': {
      const campaign = await loadCampaign(ports, actor.tenantId, id());
      const counters = await runCounters(actor.tenantId, campaign.id);
      // channel fees: what each sent message cost at the tenant's prices (the run's spend, exact)
      const fees = counters?.spentMicros ?? 0;
      return json(200, campaignResults(campaign, counters, counters?.attribution ?? {}, fees, await campaignCloudCost(actor.tenantId, campaign.id)));
    }
    case 'GET /v1/settings/campaigns':
      return json(200, await loadCampaignSettings(actor.tenantId));
    case 'PUT /v1/settings/campaigns': {
      const settings = validate(CampaignSettingsInput, body(event), 'campaign settings');
      await saveCampaignSettings(actor.tenantId, settings);
      await recordAudit(ports.audit, { tenantId: actor.tenantId, actor: userActor(actor), action: 'settings.changed', targetId: 'campaigns', targetType: 'settings', at: ports.clock.now().toISOString(), details: { area: 'campaigns' } });
      return json(200, settings);
    }
    default:
      throw new NotFound(`No route ${event.routeKey}`);
  }
});
