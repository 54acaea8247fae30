/**
 * What other contexts may use of finance. Campaigns: `campaignCosts` (cloud cost + channel fees, for ROI)
 * and `budgetStatuses` (stop sending when a campaign budget is exhausted), with the ports from
 * `adapters/finance/index.ts` (`financePorts()`), and `meter.add('sfnTransitions', n, { campaignId })` from
 * there to count what the metering chain cannot see.
 */
export { campaignCosts, costReport, unitCosts } from './reports.js';
export { budgetStatuses, checkBudgets, type BudgetStatus } from './budgets.js';
export type { Budget, BudgetStore, Pricing, UsageReader } from './ports.js';
export { messageDimension } from './channels.js';
