/** A tenant (a brand) and the accounts it connected or watches. */

export interface Tenant {
  tenantId: string;
  name: string;
  /** The brand's own connected account ids per network. */
  accounts: Partial<Record<'facebook' | 'instagram' | 'whatsapp' | 'x' | 'youtube', string[]>>;
  /** Accounts the brand watches that are not its own (YouTube channels of creators, ...). */
  watched?: { youtube?: string[] };
  createdAt: string;
}

/** A WebSub lease on a YouTube channel feed, as the hub last verified it (a resubscriber renews it). */
export interface YoutubeSubscription {
  tenantId: string;
  channelId: string;
  topic: string;
  status: 'subscribed' | 'unsubscribed';
  leaseSeconds?: number;
  verifiedAt: string;
  /** When the lease runs out; an unsubscription expires when it was verified. */
  leaseExpiresAt: string;
}
