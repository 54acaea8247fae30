/**
 * Every Lambda function of the system, declared once. The CDK stateless stack builds one house function
 * per entry; the local runtime imports the same entry module and calls its `handler` export.
 */
export interface FunctionDeclaration {
  /** Logical id (CDK construct id) and the metering name. */
  id: string;
  /** Source file of the handler, relative to the project root; it exports `handler`. */
  entry: string;
  memoryMb: number;
  timeoutSeconds: number;
  /** Least privilege: what the function may touch. */
  access: {
    table: 'read' | 'readWrite';
    publishesEvents: boolean;
    readsTenantSecrets: boolean;
  };
}

export const FUNCTIONS = {
  metaWebhook: {
    id: 'MetaWebhook',
    entry: 'functions/webhooks/meta.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: true },
  },
  customersApi: {
    id: 'CustomersApi',
    entry: 'functions/api/customers.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    // readWrite only for the usage counters the metering step adds
    access: { table: 'readWrite', publishesEvents: false, readsTenantSecrets: false },
  },
  openApi: {
    id: 'OpenApi',
    entry: 'functions/api/openapi.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    access: { table: 'read', publishesEvents: false, readsTenantSecrets: false },
  },
  customerActivity: {
    id: 'CustomerActivity',
    entry: 'functions/consumers/customer-activity.ts',
    memoryMb: 512,
    timeoutSeconds: 30,
    access: { table: 'readWrite', publishesEvents: false, readsTenantSecrets: false },
  },
} as const satisfies Record<string, FunctionDeclaration>;

export type FunctionKey = keyof typeof FUNCTIONS;
