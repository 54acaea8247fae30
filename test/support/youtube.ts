/**
 * YouTube WebSub notifications and hub signatures, for the tests. Feeds are made from the verbatim
 * sample (test/fixtures/webhook-samples/youtube-websub-new-video.xml) by filling in its placeholders, so their
 * structure stays YouTube's; deleted entries follow the Atom tombstones format (RFC 6721) YouTube uses.
 */
import { createHmac } from 'node:crypto';
import { sample } from './webhooks.js';

export type HubAlgorithm = 'sha1' | 'sha256' | 'sha384' | 'sha512';

export function hubSignature(secret: string, body: string | Buffer, algorithm: HubAlgorithm = 'sha1'): string {
  return `${algorithm}=${createHmac(algorithm, secret).update(body).digest('hex')}`;
}

export interface VideoOptions {
  videoId: string;
  channelId: string;
  title?: string;
  authorName?: string;
  published?: string;
  updated?: string;
}

const escapeXml = (value: string) => value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** The sample feed with the video's values in place of VIDEO_ID, CHANNEL_ID, title, author and times. */
export function videoFeed(o: VideoOptions): string {
  return sample('youtube-websub-new-video.xml')
    .replaceAll('VIDEO_ID', o.videoId)
    .replaceAll('CHANNEL_ID', o.channelId)
    .replace('<title>Video title</title>', `<title>${escapeXml(o.title ?? 'Video title')}</title>`)
    .replace('<name>Channel title</name>', `<name>${escapeXml(o.authorName ?? 'Channel title')}</name>`)
    .replace('<published>2015-03-06T21:40:57+00:00</published>', `<published>${o.published ?? '2015-03-06T21:40:57+00:00'}</published>`)
    .replace('<updated>2015-03-09T19:05:24.552394234+00:00</updated>\n  </entry>', `<updated>${o.updated ?? '2015-03-09T19:05:24.552394234+00:00'}</updated>\n  </entry>`);
}

/** A deleted-video notification: an `at:deleted-entry` tombstone instead of an entry. */
export function deletedVideoFeed(o: { videoId: string; channelId: string; when?: string }): string {
  return `<feed xmlns:at="http://purl.org/atompub/tombstones/1.0" xmlns="http://www.w3.org/2005/Atom">
  <at:deleted-entry ref="yt:video:${o.videoId}" when="${o.when ?? '2015-03-10T08:00:00.000000000+00:00'}">
    <link href="https://www.youtube.com/watch?v=${o.videoId}"/>
    <at:by>
      <name>Channel title</name>
      <uri>https://www.youtube.com/channel/${o.channelId}</uri>
    </at:by>
  </at:deleted-entry>
</feed>`;
}

export async function postYoutube(
  apiUrl: string,
  tenantId: string,
  body: string,
  options: { secret?: string; algorithm?: HubAlgorithm; headers?: Record<string, string> } = {},
) {
  return fetch(`${apiUrl}/webhooks/${tenantId}/youtube`, {
    method: 'POST',
    headers: {
      'content-type': 'application/atom+xml',
      ...(options.secret !== undefined && { 'x-hub-signature': hubSignature(options.secret, body, options.algorithm) }),
      ...options.headers,
    },
    body,
  });
}

export function topicOf(channelId: string): string {
  return `https://www.youtube.com/xml/feeds/videos.xml?channel_id=${channelId}`;
}

/** The hub's verification GET: `hub.*` parameters, URL-encoded as the hub sends them. */
export async function verifyIntent(apiUrl: string, tenantId: string, params: Record<string, string>) {
  const query = new URLSearchParams(params).toString();
  return fetch(`${apiUrl}/webhooks/${tenantId}/youtube?${query}`);
}

let sequence = 0;
/** A fresh 11-character video id. */
export function videoId(): string {
  sequence += 1;
  return `v${String(Date.now()).slice(-6)}${String(sequence).padStart(4, '0')}`;
}
