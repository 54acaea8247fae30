/**
 * The stored, internal forms every context shares (the API schemas in api/ describe the same shapes for clients):
 * the customer record (customer.ts), interactions and the timeline (interaction.ts), tenants (tenant.ts), and a
 * page of a list (page.ts).
 */
export * from './customer.js';
export * from './interaction.js';
export * from './page.js';
export * from './tenant.js';
