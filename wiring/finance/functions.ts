/** The finance context's functions (spread into wiring/functions.ts). */
import type { FunctionDeclaration } from '../functions.js';

export const FINANCE_FUNCTIONS = {
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
    memoryMb: 512,
    timeoutSeconds: 120,
    access: { table: 'readWrite', publishesEvents: true, readsTenantSecrets: false },
  },
} as const satisfies Record<string, FunctionDeclaration>;
