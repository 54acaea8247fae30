/**
 * Signing and sending webhooks the way each platform does, for the integration tests.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SAMPLES_DIR = fileURLToPath(new URL('../fixtures/webhook-samples/', import.meta.url));

export function sample(name: string): string {
  return readFileSync(`${SAMPLES_DIR}${name}`, 'utf8');
}

export function metaSignature(appSecret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

export async function postMeta(apiUrl: string, tenantId: string, appSecret: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${apiUrl}/webhooks/${tenantId}/meta`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(appSecret, body), ...headers },
    body,
  });
}

let sequence = 0;

/** A Page feed comment change, in Meta's structure (test/fixtures/webhook-samples/meta-page-feed-comment.restfb.json). */
export function feedComment(options: { pageId: string; fromId: string; fromName?: string; message?: string; commentId?: string; createdTime?: number }) {
  sequence += 1;
  const postId = `${options.pageId}_90109783665${sequence}`;
  return {
    field: 'feed',
    value: {
      item: 'comment',
      verb: 'add',
      comment_id: options.commentId ?? `90109783665${sequence}_90343899308${Date.now()}${sequence}`,
      post_id: postId,
      parent_id: postId,
      from: { id: options.fromId, ...(options.fromName && { name: options.fromName }) },
      created_time: options.createdTime ?? Math.floor(Date.now() / 1000),
      ...(options.message !== undefined && { message: options.message }),
    },
  };
}

export function pageDelivery(pageId: string, changes: unknown[]) {
  return JSON.stringify({ object: 'page', entry: [{ id: pageId, time: Math.floor(Date.now() / 1000), changes }] });
}

export function api(apiUrl: string, token: string) {
  return async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${apiUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
    });
    const text = await res.text();
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: res.status, body, headers: res.headers };
  };
}

/** A response body as JSON, typed loosely: tests assert on its shape. */
export async function jsonOf(res: Response): Promise<any> {
  return res.json();
}
