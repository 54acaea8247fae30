/**
 * The whole system on one machine: DynamoDB Local, the local API Gateway, the in-process bus and queues,
 * and the same handlers the cloud runs. `npm start` and the integration tests both start it from here.
 */
import { join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, setDocumentClient, tableName } from '../adapters/dynamo/client.js';
import { setEventPublisher } from '../adapters/shared/event-publisher.js';
import { flushUsage } from '../adapters/shared/usage.js';
import { OutboxEmailSender, setEmailSender } from '../adapters/shared/email.js';
import { OutboxReplySender, setReplySender } from '../adapters/service/replies.js';
import { OutboxMessageSender } from '../adapters/messaging/outbox.js';
import { setMessageSender } from '../adapters/messaging/index.js';
import { setSecretStore } from '../adapters/shared/secrets.js';
import { LocalSecretStore } from '../adapters/shared/local-secret-store.js';
import { RULES } from '../events/rules.js';
import { keys } from '../store/keys.js';
import { DEFAULT_TABLE_NAME } from '../store/table.js';
import { FUNCTIONS } from '../wiring/functions.js';
import { QUEUES, type QueueName } from '../wiring/queues.js';
import { LocalEventBus } from './bus.js';
import { ensureTable, LOCAL_AWS, startDynamoDbLocal, type RunningDynamo } from './dynamodb.js';
import { startHttpServer } from './http-server.js';
import { LOCAL_OPERATOR_ISSUER } from './jwt.js';
import { CONSOLE_DIST, serveConsole } from './console.js';
import { invokeWithTimeout } from './lambda-context.js';
import { demoSecretsDocument, loadOrCreateState, tenantRecord, writeCredentials, type Credentials } from './seed.js';
import { LocalQueue, startPoller, type Poller } from './sqs-queue.js';
import { startScheduler } from './scheduler.js';
import { localAttachmentStore } from './files.js';
import { setAttachmentStore } from '../adapters/campaigns/files.js';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { jsonFolderArtefacts, registerPersonalArtefacts } from '../adapters/privacy/artefacts.js';

export interface RuntimeOptions {
  port?: number;
  dataDir: string;
  /** Use a DynamoDB Local that is already running (the test suite starts one per run). */
  dynamoEndpoint?: string;
  tableName?: string;
  /** Faster redelivery for tests; production-like default is the declared visibility timeout. */
  visibilityTimeoutSeconds?: number;
  /** false: queues fill but nobody consumes (tests of what survives a restart). Default true. */
  startConsumers?: boolean;
  /** false: schedules run only through runSchedule (tests). Default true. */
  startSchedules?: boolean;
  /** The built console served at / (default console/dist, which `npm start` builds). */
  consoleDir?: string;
}

export interface LocalRuntime {
  url: string;
  credentials: Credentials;
  bus: LocalEventBus;
  queues: Map<QueueName, { queue: LocalQueue; dlq: LocalQueue }>;
  /** Runs a declared schedule's job now (wiring/schedules.ts), as its timer would. */
  runSchedule(name: string, at?: Date): Promise<unknown>;
  /** Resolves once every queue is empty and nothing is in flight; rejects after `timeoutMs` (default 60 s) in all. */
  drain(timeoutMs?: number): Promise<void>;
  /** The DynamoDB Local process this runtime started (undefined when it was given an endpoint). */
  dynamoPid(): number | undefined;
  stop(): Promise<void>;
}

export async function startLocalRuntime(options: RuntimeOptions): Promise<LocalRuntime> {
  // 1. AWS SDK settings for local endpoints (any credentials; DynamoDB Local keys its data on them)
  process.env.AWS_REGION ??= LOCAL_AWS.region;
  process.env.AWS_ACCESS_KEY_ID ??= LOCAL_AWS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY ??= LOCAL_AWS.secretAccessKey;
  process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.TABLE_NAME = options.tableName ?? DEFAULT_TABLE_NAME;

  // 2. DynamoDB Local and the table
  let dynamo: RunningDynamo | undefined;
  const endpoint = options.dynamoEndpoint ?? (dynamo = await startDynamoDbLocal(join(options.dataDir, 'dynamodb'))).endpoint;
  // the runtime owns its DynamoDB Local: when it dies, one log line and a restart on the same port and data
  // (nothing on disk is lost; requests meanwhile answer 500 and consumers retry, as they would in AWS)
  let dynamoState: 'up' | 'restarting' | 'external' = dynamo ? 'up' : 'external';
  let stopping = false;
  const watch = (d: RunningDynamo) =>
    d.onUnexpectedExit((code) => {
      if (stopping) return;
      dynamoState = 'restarting';
      console.error(`DynamoDB Local stopped (exit code ${code}); restarting it on ${d.endpoint} with the same data`);
      void (async () => {
        for (let attempt = 1; !stopping; attempt++) {
          try {
            dynamo = await startDynamoDbLocal(join(options.dataDir, 'dynamodb'), d.port);
            dynamoState = 'up';
            console.error('DynamoDB Local is back');
            return watch(dynamo);
          } catch (error) {
            if (attempt >= 5) return console.error(`DynamoDB Local would not restart: ${(error as Error).message}`);
            await new Promise((r) => setTimeout(r, 1000 * attempt));
          }
        }
      })();
    });
  if (dynamo) watch(dynamo);
  process.env.DYNAMODB_ENDPOINT = endpoint;
  setDocumentClient(undefined);
  await ensureTable(endpoint, tableName());

  // 3. demo tenants: records in the table, secrets in the local secret store
  const state = loadOrCreateState(options.dataDir);
  for (const t of state.tenants) {
    await documentClient().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.tenant(t.tenantId), entity: 'Tenant', data: tenantRecord(t) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ).catch((e: Error) => {
      if (e.name !== 'ConditionalCheckFailedException') throw e;
    });
  }
  // encrypted under the data folder; seeded once, so secrets rotated through /v1/connections survive restarts
  const secrets = new LocalSecretStore(options.dataDir);
  secrets.seed(state.tenants.map((t) => [t.tenantId, demoSecretsDocument(t)]));
  setSecretStore(secrets);
  // consent links are signed with the data folder's key; e-mails land in <dataDir>/outbox/ as JSON files
  process.env.CONSENT_TOKEN_KEY = state.consentTokenKey;
  // suppression tombstones are keyed with the data folder's pepper (and each tenant's salt in the table)
  process.env.SUPPRESSION_PEPPER = state.suppressionPepper;
  setEmailSender(new OutboxEmailSender(join(options.dataDir, 'outbox')));
  setMessageSender(new OutboxMessageSender(join(options.dataDir, 'outbox')));
  // the outbox holds people's addresses and links: erasure reaches it (adapters/privacy/artefacts.ts)
  const unregisterOutbox = registerPersonalArtefacts(jsonFolderArtefacts('LocalOutbox', join(options.dataDir, 'outbox')));
  // service replies (Graph API, WhatsApp Cloud API, X) land in the same outbox
  setReplySender(new OutboxReplySender(join(options.dataDir, 'outbox')));

  // 4. queues (with their DLQs) and their consumers, as declared
  const queues = new Map<QueueName, { queue: LocalQueue; dlq: LocalQueue }>();
  const pollers: Poller[] = [];
  const persistDir = join(options.dataDir, 'queues');
  for (const [name, declaration] of Object.entries(QUEUES) as [QueueName, (typeof QUEUES)[QueueName]][]) {
    const dlq = new LocalQueue({ name: `${name}-dlq`, visibilityTimeoutSeconds: 30, persistDir });
    const queue = new LocalQueue({
      name,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? declaration.visibilityTimeoutSeconds,
      maxReceiveCount: declaration.maxReceiveCount,
      deadLetter: dlq,
      persistDir,
    });
    queues.set(name, { queue, dlq });
    const fn = FUNCTIONS[declaration.consumer.function];
    if (options.startConsumers === false) continue;
    pollers.push(
      startPoller(queue, async (event: SQSEvent) => (await invokeWithTimeout(fn, event)) as never, {
        batchSize: declaration.consumer.batchSize,
        maxBatchingWindowMs: declaration.consumer.maxBatchingWindowSeconds * 1000,
        reportBatchItemFailures: true,
        // Lambda ends an invocation at the function's timeout (the declared visibility timeout is six times it; tests
        // shorten the visibility for quick redelivery, which must not cut a working consumer short)
        invocationTimeoutMs: Math.min(fn.timeoutSeconds, declaration.visibilityTimeoutSeconds) * 1000,
      }),
    );
  }

  // 5. the bus
  const bus = new LocalEventBus(RULES, (name) => {
    const q = queues.get(name as QueueName);
    if (!q) throw new Error(`rule targets unknown queue ${name}`);
    return q.queue;
  }, join(options.dataDir, 'archive', 'events.jsonl'));
  setEventPublisher(bus);

  // 6. periodic jobs, as declared
  const scheduler = startScheduler({
    enabled: options.startSchedules !== false,
    onError: (name, error) => console.error(`schedule ${name} failed: ${(error as Error).name}: ${(error as Error).message}`),
  });

  // 7. the API
  const jwtKey = Buffer.from(state.jwtKey, 'base64');
  let credentials: Credentials | undefined;
  const fallback = serveConsole({ dir: options.consoleDir ?? CONSOLE_DIST, credentials: () => credentials });
  // campaign attachments: a folder under the data directory, uploaded through the gateway with signed URLs
  let apiUrl = '';
  const files = localAttachmentStore(options.dataDir, () => apiUrl);
  setAttachmentStore(files.store);
  // GET /health: what is up (DynamoDB Local answering, queues and their depth), 503 when the table cannot be read
  const health = async () => {
    let table = 'up';
    try {
      await documentClient().send(new GetCommand({ TableName: tableName(), Key: { pk: 'HEALTH', sk: 'HEALTH' } }));
    } catch {
      table = 'down';
    }
    const queueDepths = Object.fromEntries([...queues.entries()].map(([name, { queue, dlq }]) => [name, { ...queue.depth(), deadLetters: dlq.depth().visible }]));
    const ok = table === 'up';
    return { status: ok ? 200 : 503, body: { status: ok ? 'ok' : 'degraded', dynamodb: { table, process: dynamoState }, queues: queueDepths } };
  };
  const api = await startHttpServer({ port: options.port ?? 3000, jwtKey, fallback, upload: files.handleUpload, health });
  apiUrl = api.url;
  process.env.PUBLIC_API_URL = api.url; // where e-mailed links point
  process.env.OPERATOR_ISSUER ??= LOCAL_OPERATOR_ISSUER; // the operator's tokens (credentials.json "operator")
  credentials = writeCredentials(options.dataDir, api.url, state);
  // the campaign state machine, resuming unfinished runs (loaded here: `npm start` installs its Ctrl-C handler first)
  const campaigns = (await import('./campaign-runner.js')).startCampaignRunner(options.dataDir);

  return {
    url: api.url,
    credentials,
    bus,
    queues,
    runSchedule: (name, at) => scheduler.runNow(name, at),
    dynamoPid: () => dynamo?.pid,
    drain: async (timeoutMs = 60_000) => {
      // one deadline for all queues; a consumer may publish into another queue, so repeat until a whole pass finds
      // every queue already settled
      const deadline = Date.now() + timeoutMs;
      const settled = () => [...queues.values()].every(({ queue }) => {
        const d = queue.depth();
        return d.visible === 0 && d.inFlight === 0;
      });
      if (pollers.length === 0) return;
      do {
        for (const p of pollers) await p.drain({ timeoutMs: Math.max(1, deadline - Date.now()) });
      } while (!settled());
      await flushUsage(); // the usage buffer too: what drained is on the counters
    },
    stop: async () => {
      await api.close();
      await scheduler.stop();
      await campaigns.stop();
      for (const p of pollers) await p.stop();
      await flushUsage().catch(() => undefined); // a normal shutdown loses no usage
      setEventPublisher(undefined);
      setSecretStore(undefined);
      setEmailSender(undefined);
      setMessageSender(undefined);
      setReplySender(undefined);
      setAttachmentStore(undefined);
      unregisterOutbox();
      documentClient().destroy();
      setDocumentClient(undefined);
      stopping = true;
      await dynamo?.stop();
    },
  };
}
