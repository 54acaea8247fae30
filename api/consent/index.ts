/** What other contexts' API schemas may use of this one's. */
export * from './schemas.js';
