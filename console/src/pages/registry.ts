/**
 * The console's pages. Each page is one module that exports a PageModule; adding a page (loyalty, service,
 * campaigns, costs, as their APIs land) is one import and one entry in PAGES, nothing else.
 */
import type { ComponentType } from 'preact';
import type { Role } from '../session';
import { customer360Page } from './customer360';
import { newsroomPage } from './newsroom';
import { segmentsPage } from './segments';
import { servicePage } from './service';
import { campaignsPage } from './campaigns';
import { costsPage } from './costs';

export interface PageProps {
  /** The route's parameters, from the pattern's `:name` segments. */
  params: Record<string, string>;
  /** The query part of the hash (`#/customers?email=…`). */
  query: URLSearchParams;
}

export interface PageModule {
  id: string;
  title: string;
  /** Hash routes this page answers, e.g. ['/customers', '/customers/:customerId']; the first one is its link. */
  routes: readonly string[];
  /** The roles that see it in the navigation (the API still decides what each may do). */
  roles: readonly Role[];
  component: ComponentType<PageProps>;
}

export const PAGES: readonly PageModule[] = [customer360Page, newsroomPage, segmentsPage, servicePage, campaignsPage, costsPage];

/** The page and parameters for a hash path, or undefined. */
export function matchRoute(path: string, pages: readonly PageModule[] = PAGES): { page: PageModule; params: Record<string, string> } | undefined {
  const parts = path.split('/').filter(Boolean);
  for (const page of pages) {
    for (const route of page.routes) {
      const pattern = route.split('/').filter(Boolean);
      if (pattern.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const ok = pattern.every((segment, i) => {
        if (segment.startsWith(':')) return (params[segment.slice(1)] = decodeURIComponent(parts[i]!)), true;
        return segment === parts[i];
      });
      if (ok) return { page, params };
    }
  }
  return undefined;
}
