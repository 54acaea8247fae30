/**
 * The cloud cost of a campaign: a port for the finance context (issue "finance"), which prices the metered usage
 * carrying the campaign's id. Until it lands, results say `cloud: null` rather than guess.
 */
export type CloudCostOf = (tenantId: string, campaignId: string) => Promise<string | null>;

let source: CloudCostOf = async () => null;

export function setCampaignCloudCost(fn: CloudCostOf): void {
  source = fn;
}

export function campaignCloudCost(tenantId: string, campaignId: string): Promise<string | null> {
  return source(tenantId, campaignId);
}
