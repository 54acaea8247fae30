/** The finance context's functions (spread into wiring/functions.ts). */
import { declareFunctions } from '../function-declaration.js';

export const FINANCE_FUNCTIONS = declareFunctions({
  financeApi: {
    id: 'FinanceApi',
    entry: 'functions/finance/costs-api.ts',
    feature: 'finance',
    memoryMb: 1024,
    // a quarter of a tenant's usage is up to 93 days × 4 shards of Queries
    timeoutSeconds: 28,
    // budgets (readWrite); publishes BudgetThresholdReached when a budget is set below what is spent
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false },
  },
  budgetCheck: {
    id: 'BudgetCheck',
    entry: 'functions/finance/budget-check.ts',
    feature: 'finance',
    timeoutSeconds: 120,
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false },
  },
});
