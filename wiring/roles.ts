/** Role sets several contexts' routes share. */
import type { RouteRole } from '../domain/shared/auth.js';

/** Who may read customer data: every tenant role that works with customers (not finance, not approvers alone). */
export const READERS: readonly RouteRole[] = ['admin', 'marketer', 'agent'];
