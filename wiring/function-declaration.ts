/**
 * What a function declaration says, and the defaults it does not need to repeat: a declaration names only what
 * differs from them (an erasure step that needs minutes, a webhook that must answer within seconds).
 */
export interface FunctionDeclaration {
  /** Logical id (CDK construct id) and the metering name. */
  id: string;
  /** Source file of the handler, relative to the project root; it exports `handler`. */
  entry: string;
  /** Memory of the function; FUNCTION_DEFAULTS when left out. */
  memoryMb: number;
  /** Timeout of the function; FUNCTION_DEFAULTS when left out. */
  timeoutSeconds: number;
  /** The feature its usage is billed to (wiring/finance/features.ts); derived from `entry` when left out. */
  feature?: string;
  /** Least privilege: what the function may touch. */
  access: {
    table: 'read' | 'readWrite';
    publishesEvents: boolean;
    readsTenantSecrets: boolean;
    /** Creates and updates the tenants' Secrets Manager secrets (`${SECRETS_PREFIX}${tenantId}`): the connections API only. */
    writesTenantSecrets?: boolean;
    /** Reads the consent link signing key (Secrets Manager secret `CONSENT_TOKEN_SECRET_ID`, or env CONSENT_TOKEN_KEY). */
    readsConsentKey?: boolean;
    /** Sends e-mail through SES v2 (ses:SendEmail from the `EMAIL_FROM` identity). */
    sendsEmail?: boolean;
    /**
     * Reads the suppression pepper (Secrets Manager secret `SUPPRESSION_PEPPER_SECRET_ID`, or env SUPPRESSION_PEPPER):
     * every function that creates customers or links identities (the tombstone check) or writes or exports tombstones.
     */
    readsSuppressionPepper?: boolean;
    /** Signs uploads of campaign attachments and reads and deletes them (the `CAMPAIGN_FILES_BUCKET` bucket). */
    campaignFiles?: boolean;
  };
}

/** Memory and timeout of a function that does not say otherwise: an API route or a queue consumer of small batches. */
export const FUNCTION_DEFAULTS = { memoryMb: 512, timeoutSeconds: 10 } as const;

type Declared = Omit<FunctionDeclaration, 'memoryMb' | 'timeoutSeconds'> & Partial<Pick<FunctionDeclaration, 'memoryMb' | 'timeoutSeconds'>>;
type WithDefaults<T> = Omit<T, 'memoryMb' | 'timeoutSeconds'> & { memoryMb: number; timeoutSeconds: number };

/** The declarations with the defaults filled in (their ids and entries keep their literal types). */
export function declareFunctions<const T extends Record<string, Declared>>(declarations: T): { [K in keyof T]: WithDefaults<T[K]> } {
  return Object.fromEntries(Object.entries(declarations).map(([key, d]) => [key, { ...FUNCTION_DEFAULTS, ...d }])) as { [K in keyof T]: WithDefaults<T[K]> };
}
