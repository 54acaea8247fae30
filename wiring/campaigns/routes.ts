/**
 * The campaigns API's routes (spread into wiring/routes.ts ROUTES).
 */
import type { Role } from '../../domain/shared/auth.js';
import type { RouteDeclaration } from '../routes.js';
import {
  CampaignCancelled,
  CampaignComment,
  CampaignCreate,
  CampaignEdit,
  CampaignHistory,
  CampaignLaunch,
  CampaignListQuery,
  CampaignPage,
  CampaignReject,
  CampaignResults,
  CampaignSettingsInput,
  CampaignView,
} from '../../api/campaigns/schemas.js';

const AUTHORS: readonly Role[] = ['admin', 'marketer'];
const READERS: readonly Role[] = ['admin', 'marketer', 'approver'];
const tag = 'campaigns';

export const CAMPAIGN_ROUTES: readonly RouteDeclaration[] = [
  {
    method: 'POST',
    path: '/v1/campaigns',
    function: 'campaignsApi',
    auth: { roles: AUTHORS },
    summary: 'Create a draft campaign from a brief (objective, segment, channels, schedule, KPI, budget); strategy and creative optional',
    openapi: { successStatus: 201, tag, body: CampaignCreate, response: CampaignView, errors: [400, 401, 403] },
  },
  {
    method: 'GET',
    path: '/v1/campaigns',
    function: 'campaignsApi',
    auth: { roles: READERS },
    summary: "The tenant's campaigns in one status, newest first (one Query)",
    openapi: { tag, query: CampaignListQuery, response: CampaignPage, errors: [400, 401, 403] },
  },
  {
    method: 'GET',
    path: '/v1/campaigns/{campaignId}',
    function: 'campaignsApi',
    auth: { roles: READERS },
    summary: 'A campaign document: brief, strategy, creative, comments, status, approval and run',
    openapi: { tag, response: CampaignView, errors: [401, 403, 404] },
  },
  {
    method: 'PATCH',
    path: '/v1/campaigns/{campaignId}',
    function: 'campaignsApi',
    auth: { roles: AUTHORS },
    summary: 'Edit name, brief, strategy or creative: a new version; a submitted or approved campaign goes back to draft (approval again)',
    openapi: { tag, body: CampaignEdit, response: CampaignView, errors: [400, 401, 403, 404, 409] },
  },
  {
    method: 'GET',
    path: '/v1/campaigns/{campaignId}/history',
    function: 'campaignsApi',
    auth: { roles: READERS },
    summary: 'Every version: who changed what, when, and the status it left',
    openapi: { tag, response: CampaignHistory, errors: [401, 403, 404] },
  },
  {
    method: 'POST',
    path: '/v1/campaigns/{campaignId}/comments',
    function: 'campaignsApi',
    auth: { roles: READERS },
    summary: 'Comment on the campaign (a new version)',
    openapi: { successStatus: 201, tag, body: CampaignComment, response: CampaignView, errors: [400, 401, 403, 404] },
  },
  {
    method: 'POST',
    path: '/v1/campaigns/{campaignId}/submit',
    function: 'campaignsApi',
    auth: { roles: AUTHORS },
    summary: 'Submit a draft (or rejected) campaign for approval',
    openapi: { tag, response: CampaignView, errors: [401, 403, 404, 409] },
  },
  {
    method: 'POST',
    path: '/v1/campaigns/{campaignId}/approve',
    function: 'campaignsApi',
    auth: { roles: ['approver'] },
    summary: 'Approve a submitted campaign: an approver other than its author and submitter (four eyes)',
    openapi: { tag, response: CampaignView, errors: [401, 403, 404, 409] },
  },
  {
    method: 'POST',
    path: '/v1/campaigns/{campaignId}/reject',
    function: 'campaignsApi',
    auth: { roles: ['approver'] },
    summary: 'Reject a submitted campaign with a reason: an approver other than its author and submitter',
    openapi: { tag, body: CampaignReject, response: CampaignView, errors: [400, 401, 403, 404, 409] },
  },
  {
    method: 'POST',
    path: '/v1/campaigns/{campaignId}/launch',
    function: 'campaignsApi',
    auth: { roles: AUTHORS },
    summary: 'Schedule an approved campaign at `at` (now when absent) and start its state machine; publishes CampaignLaunched',
    openapi: { tag, body: CampaignLaunch, response: CampaignView, errors: [400, 401, 403, 404, 409] },
  },
  {
    method: 'POST',
    path: '/v1/campaigns/{campaignId}/cancel',
    function: 'campaignsApi',
    auth: { roles: AUTHORS },
    summary: 'Cancel a scheduled or running campaign: the run stops at its next page; answers how many messages went out',
    openapi: { tag, response: CampaignCancelled, errors: [401, 403, 404, 409] },
  },
  {
    method: 'GET',
    path: '/v1/campaigns/{campaignId}/results',
    function: 'campaignsApi',
    auth: { roles: READERS },
    summary: 'Audience, skips by reason, sent, delivered, conversions and revenue per variant and holdout; uplift with its test and p-value; cost and ROI',
    openapi: { tag, response: CampaignResults, errors: [401, 403, 404] },
  },
  {
    method: 'GET',
    path: '/v1/settings/campaigns',
    function: 'campaignsApi',
    auth: { roles: ['admin', 'marketer'] },
    summary: 'Campaign settings: frequency cap across campaigns, quiet hours, channel fees',
    openapi: { tag, response: CampaignSettingsInput, errors: [401, 403] },
  },
  {
    method: 'PUT',
    path: '/v1/settings/campaigns',
    function: 'campaignsApi',
    auth: { roles: ['admin'] },
    summary: 'Replace the campaign settings',
    openapi: { tag, body: CampaignSettingsInput, response: CampaignSettingsInput, errors: [400, 401, 403] },
  },
];
