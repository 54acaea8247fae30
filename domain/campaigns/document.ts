/**
 * The campaign document's use cases: create, edit, comment, submit, approve or reject (four eyes), launch,
 * cancel. Each writes the campaign and one history entry together (a new version), and is audited.
 */
import type { z } from 'zod';
import { recordAudit, userActor } from '../audit/index.js';
import type { Actor } from '../shared/auth.js';
import { Conflict, Forbidden, NotFound } from '../shared/errors.js';
import type { Page } from '../shared/model.js';
import type { AuditLog, Clock, EventPublisher, IdGenerator } from '../shared/ports.js';
import { buildEvent, CampaignLaunched } from '../../events/catalog.js';
import {
  missingForLaunch,
  transition,
  type Campaign,
  type CampaignAction,
  type CampaignCreate,
  type CampaignEdit,
  type CampaignStatus,
  type CampaignVersion,
  AttachmentInput,
  MAX_ATTACHMENTS,
} from './model.js';

export interface CampaignRepository {
  /** Creates the campaign and its first history entry; fails if the id exists. */
  create(campaign: Campaign, first: CampaignVersion): Promise<void>;
  get(tenantId: string, campaignId: string): Promise<Campaign | undefined>;
  /** Writes the campaign and its history entry only if the stored version is still `previousVersion`; false otherwise. */
  save(campaign: Campaign, entry: CampaignVersion, previousVersion: number): Promise<boolean>;
  history(tenantId: string, campaignId: string): Promise<CampaignVersion[]>;
  /** Access pattern 9: a tenant's campaigns in one status, newest first, one Query. */
  listByStatus(tenantId: string, status: CampaignStatus, limit: number, cursor?: string): Promise<Page<Campaign>>;
}

/** What a run has done so far (the send counters), for cancel's answer. */
export interface RunProgress {
  sent: number;
}

/** Starts and stops a campaign's state machine: Step Functions in AWS, the local runner on one machine. */
export interface CampaignRunner {
  start(input: { tenantId: string; campaignId: string; startAt: string; correlationId: string; linkBase?: string }): Promise<{ executionId: string }>;
  stop(executionId: string, reason: string): Promise<void>;
}

export interface CampaignPorts {
  campaigns: CampaignRepository;
  audit: AuditLog;
  clock: Clock;
  ids: IdGenerator;
  publisher: EventPublisher;
  runner: CampaignRunner;
  progress(tenantId: string, campaignId: string): Promise<RunProgress>;
  /** Where attachments are uploaded (S3 in AWS, a folder under the data directory locally). */
  files?: AttachmentStore;
}

/** Campaign files: the client uploads straight to storage with a short-lived signed URL; the API never carries the bytes. */
export interface AttachmentStore {
  uploadUrl(key: string, contentType: string, size: number): Promise<{ url: string; method: 'PUT'; headers: Record<string, string>; expiresAt: string }>;
  /** The stored file's size, or undefined when nothing was uploaded under the key. */
  size(key: string): Promise<number | undefined>;
  remove(key: string): Promise<void>;
}

export async function loadCampaign(ports: Pick<CampaignPorts, 'campaigns'>, tenantId: string, campaignId: string): Promise<Campaign> {
  const campaign = await ports.campaigns.get(tenantId, campaignId);
  if (!campaign) throw new NotFound(`No campaign ${campaignId}`);
  return campaign;
}

function entryOf(campaign: Campaign, by: string, action: string, changed: string[]): CampaignVersion {
  const { tenantId: _tenant, ...snapshot } = campaign;
  return { version: campaign.version, at: campaign.updatedAt, by, action, changed, status: campaign.status, snapshot };
}

/** 1. apply the change to a fresh copy, 2. write it with its history entry if nobody wrote meanwhile, 3. audit. */
async function change(
  ports: CampaignPorts,
  actor: Actor | { tenantId: string; subject: string },
  campaignId: string,
  action: CampaignAction,
  apply: (draft: Campaign, now: string) => string[],
  expectedVersion?: number,
): Promise<Campaign> {
  const current = await loadCampaign(ports, actor.tenantId, campaignId);
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    throw new Conflict(`The campaign is at version ${current.version}, not ${expectedVersion}: reload it`, { version: current.version });
  }
  const now = ports.clock.now().toISOString();
  const next: Campaign = structuredClone(current);
  next.status = transition(current.status, action);
  const changed = apply(next, now);
  next.version = current.version + 1;
  next.updatedAt = now;
  const by = 'roles' in actor ? userActor(actor) : actor.subject;
  if (!(await ports.campaigns.save(next, entryOf(next, by, action, changed), current.version))) {
    throw new Conflict('The campaign changed meanwhile: reload it and try again');
  }
  await recordAudit(ports.audit, {
    tenantId: actor.tenantId,
    actor: by,
    action: `campaign.${action === 'edit' ? 'edited' : action === 'comment' ? 'commented' : action + (action.endsWith('e') ? 'd' : 'ed')}`,
    targetId: campaignId,
    targetType: 'campaign',
    at: now,
    details: { version: next.version, from: current.status, to: next.status, changed },
  });
  return next;
}

export async function createCampaign(ports: CampaignPorts, actor: Actor, input: z.output<typeof CampaignCreate>): Promise<Campaign> {
  // 1. a draft at version 1, 2. written with its first history entry, 3. audited
  const now = ports.clock.now().toISOString();
  const campaign: Campaign = {
    id: ports.ids.next(),
    tenantId: actor.tenantId,
    name: input.name,
    status: 'draft',
    version: 1,
    brief: input.brief,
    ...(input.strategy !== undefined && { strategy: input.strategy }),
    ...(input.creative !== undefined && { creative: input.creative }),
    comments: [],
    createdBy: userActor(actor),
    createdAt: now,
    updatedAt: now,
  };
  await ports.campaigns.create(campaign, entryOf(campaign, userActor(actor), 'create', ['name', 'brief', ...(input.strategy ? ['strategy'] : []), ...(input.creative ? ['creative'] : [])]));
  await recordAudit(ports.audit, { tenantId: actor.tenantId, actor: userActor(actor), action: 'campaign.created', targetId: campaign.id, targetType: 'campaign', at: now, details: { version: 1 } });
  return campaign;
}

/** An edit is a new version; after submission or approval it goes back to draft and needs approval again. */
export function editCampaign(ports: CampaignPorts, actor: Actor, campaignId: string, input: z.output<typeof CampaignEdit>): Promise<Campaign> {
  return change(
    ports,
    actor,
    campaignId,
    'edit',
    (c) => {
      const changed: string[] = [];
      for (const field of ['name', 'brief', 'strategy', 'creative'] as const) {
        if (input[field] === undefined) continue;
        if (JSON.stringify(input[field]) === JSON.stringify(c[field])) continue;
        (c as unknown as Record<string, unknown>)[field] = input[field];
        changed.push(field);
      }
      delete c.approval;
      return changed;
    },
    input.expectedVersion,
  );
}

export function commentOnCampaign(ports: CampaignPorts, actor: Actor, campaignId: string, text: string): Promise<Campaign> {
  return change(ports, actor, campaignId, 'comment', (c, now) => {
    c.comments.push({ id: ports.ids.next(), at: now, by: userActor(actor), text });
    return ['comments'];
  });
}

/**
 * POST /v1/campaigns/{id}/attachments: an edit (approval is needed again) that records the file and answers where
 * to upload it. Type and size are checked here and again at submission, against what storage holds.
 */
export async function addAttachment(ports: CampaignPorts, actor: Actor, campaignId: string, input: z.output<typeof AttachmentInput>) {
  if (!ports.files) throw new Conflict('Attachments are not configured in this deployment');
  const id = ports.ids.next();
  const key = `${actor.tenantId}/${campaignId}/${id}/${input.fileName}`;
  const campaign = await change(ports, actor, campaignId, 'edit', (c, now) => {
    const list = c.attachments ?? [];
    if (list.length >= MAX_ATTACHMENTS) throw new Conflict(`A campaign carries at most ${MAX_ATTACHMENTS} attachments`);
    c.attachments = [...list, { id, ...input, key, addedBy: userActor(actor), addedAt: now }];
    delete c.approval;
    return ['attachments'];
  });
  const upload = await ports.files.uploadUrl(key, input.contentType, input.size);
  return { campaign, attachment: campaign.attachments!.find((a) => a.id === id)!, upload };
}

export async function removeAttachment(ports: CampaignPorts, actor: Actor, campaignId: string, attachmentId: string): Promise<Campaign> {
  let key: string | undefined;
  const campaign = await change(ports, actor, campaignId, 'edit', (c) => {
    const found = (c.attachments ?? []).find((a) => a.id === attachmentId);
    if (!found) throw new NotFound(`No attachment ${attachmentId}`);
    key = found.key;
    c.attachments = (c.attachments ?? []).filter((a) => a.id !== attachmentId);
    delete c.approval;
    return ['attachments'];
  });
  if (key) await ports.files?.remove(key);
  return campaign;
}

export async function submitCampaign(ports: CampaignPorts, actor: Actor, campaignId: string): Promise<Campaign> {
  // every attachment must be in storage as declared before anyone reviews the campaign
  const current = await loadCampaign(ports, actor.tenantId, campaignId);
  for (const a of current.attachments ?? []) {
    const stored = await ports.files?.size(a.key);
    if (stored === undefined) throw new Conflict(`Attachment ${a.fileName} was not uploaded`, { attachmentId: a.id });
    if (stored !== a.size) throw new Conflict(`Attachment ${a.fileName} holds ${stored} bytes, not the ${a.size} declared`, { attachmentId: a.id });
  }
  return change(ports, actor, campaignId, 'submit', (c) => {
    const missing = missingForLaunch(c);
    if (missing.length > 0) throw new Conflict(`The campaign is not ready to submit: missing ${missing.join(', ')}`, { missing });
    c.submittedBy = userActor(actor);
    delete c.rejection;
    return ['status'];
  });
}

/** Four eyes: the author and the submitter may not approve or reject their own campaign. */
function requireOtherReviewer(actor: Actor, c: Campaign): void {
  const me = userActor(actor);
  if (me === c.createdBy || me === c.submittedBy) throw new Forbidden('A campaign is approved or rejected by someone other than its author and submitter');
}

export function approveCampaign(ports: CampaignPorts, actor: Actor, campaignId: string): Promise<Campaign> {
  return change(ports, actor, campaignId, 'approve', (c, now) => {
    requireOtherReviewer(actor, c);
    c.approval = { by: userActor(actor), at: now, version: c.version + 1 };
    return ['status'];
  });
}

export function rejectCampaign(ports: CampaignPorts, actor: Actor, campaignId: string, reason: string): Promise<Campaign> {
  return change(ports, actor, campaignId, 'reject', (c, now) => {
    requireOtherReviewer(actor, c);
    c.rejection = { by: userActor(actor), at: now, reason };
    return ['status'];
  });
}

/**
 * 1. approved → scheduled with the start time (now when absent), 2. start the state machine (it waits until then),
 * 3. remember the execution, 4. publish CampaignLaunched.
 */
export async function launchCampaign(
  ports: CampaignPorts,
  actor: Actor,
  campaignId: string,
  at: string | undefined,
  correlationId: string,
  /** Where the unsubscribe links of the run's messages point (the API's public URL). */
  linkBase?: string,
): Promise<Campaign> {
  const now = ports.clock.now();
  const startAt = at && new Date(at) > now ? new Date(at).toISOString() : now.toISOString();
  const scheduled = await change(ports, actor, campaignId, 'launch', (c) => {
    const missing = missingForLaunch(c);
    if (missing.length > 0) throw new Conflict(`The campaign cannot launch: missing ${missing.join(', ')}`, { missing });
    c.run = { scheduledAt: startAt, launchedBy: userActor(actor) };
    return ['status', 'run'];
  });
  const { executionId } = await ports.runner.start({ tenantId: actor.tenantId, campaignId, startAt, correlationId, ...(linkBase && { linkBase }) });
  const next: Campaign = { ...structuredClone(scheduled), version: scheduled.version + 1, updatedAt: ports.clock.now().toISOString() };
  next.run = { ...next.run!, executionId };
  if (!(await ports.campaigns.save(next, entryOf(next, 'system:campaign-runner', 'execution-started', ['run.executionId']), scheduled.version))) {
    // the run already moved the campaign on (running): its execution id is in the runner's hands
  }
  await ports.publisher.publish([
    buildEvent(CampaignLaunched, { tenantId: actor.tenantId, eventId: `${campaignId}:launched`, occurredAt: now.toISOString(), correlationId }, { campaignId }),
  ]);
  return next;
}

/** Stops the run at its next page (a scheduled one before it starts) and says how many messages went out. */
export async function cancelCampaign(ports: CampaignPorts, actor: Actor, campaignId: string): Promise<{ campaign: Campaign; sent: number }> {
  // 1. scheduled|running → cancelled, 2. a run still waiting for its start time is stopped now; a running one
  // finishes the page in hand and stops at the next (it reads the status before every page), 3. what went out so far
  const before = await loadCampaign(ports, actor.tenantId, campaignId);
  const cancelled = await change(ports, actor, campaignId, 'cancel', (c) => {
    c.run = { ...c.run!, cancelledBy: userActor(actor) };
    return ['status'];
  }, before.version);
  if (before.status === 'scheduled' && cancelled.run?.executionId) await ports.runner.stop(cancelled.run.executionId, 'cancelled before it started');
  return { campaign: cancelled, sent: (await ports.progress(actor.tenantId, campaignId)).sent };
}

/** Moves the campaign on from the run (system actor): start, complete, measure. Idempotent: a repeat changes nothing. */
export async function advanceFromRun(
  ports: CampaignPorts,
  tenantId: string,
  campaignId: string,
  action: 'start' | 'complete' | 'measure',
  apply: (c: Campaign, now: string) => string[] = () => ['status'],
): Promise<Campaign | undefined> {
  const current = await loadCampaign(ports, tenantId, campaignId);
  const target = action === 'start' ? 'running' : action === 'complete' ? 'completed' : 'measured';
  if (current.status === target) return current;
  try {
    return await change(ports, { tenantId, subject: 'system:campaign-runner' }, campaignId, action, apply);
  } catch (error) {
    if (error instanceof Conflict) return undefined; // cancelled meanwhile, or already on
    throw error;
  }
}
