/**
 * YouTube push notifications (WebSub, formerly PubSubHubbub): the subscription handshake, the Atom feed
 * the hub posts, and how its entries become platform-neutral social signals. Facts: shared/WEBHOOKS.md.
 *
 * The feed is parsed by a small, strict XML reader written for this Atom subset (elements, attributes,
 * namespaces, the five predefined entities, character references, CDATA, comments). It refuses DOCTYPE
 * and entity declarations, so no external entity or entity expansion can be smuggled in, and it needs
 * no new dependency.
 */
import { InvalidInput, NotFound } from '../../shared/errors.js';
import { amendInteraction, recordSocialInteractions, type RecordContext, type RecordInteractionPorts, type RecordResult, type SocialSignal } from '../interactions.js';
import type { Tenant, YoutubeSubscription } from '../../shared/model.js';
import type { YoutubeVideoIndex } from '../../shared/ports.js';

const ATOM = 'http://www.w3.org/2005/Atom';
const YT = 'http://www.youtube.com/xml/schemas/2015';
const TOMBSTONES = 'http://purl.org/atompub/tombstones/1.0';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** YouTube channel ids (`UC` + 22) and video ids (11) use the URL-safe base64 alphabet. */
const YOUTUBE_ID = /^[A-Za-z0-9_-]{1,64}$/;

// ---------------------------------------------------------------------------------------------------
// WebSub subscription handshake
// ---------------------------------------------------------------------------------------------------

/** The topic YouTube's hub uses for a channel's uploads (docs show both paths). */
export function topicChannelId(topic: string | undefined): string | undefined {
  if (!topic) return undefined;
  let url: URL;
  try {
    url = new URL(topic);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.hostname !== 'www.youtube.com' || url.port !== '' || url.username || url.hash) return undefined;
  if (url.pathname !== '/xml/feeds/videos.xml' && url.pathname !== '/feeds/videos.xml') return undefined;
  const params = [...url.searchParams];
  if (params.length !== 1 || params[0]![0] !== 'channel_id') return undefined;
  const channelId = params[0]![1];
  return YOUTUBE_ID.test(channelId) ? channelId : undefined;
}

export function topicOf(channelId: string): string {
  return `https://www.youtube.com/xml/feeds/videos.xml?channel_id=${channelId}`;
}

/** Channels whose feed the tenant may subscribe to: the ones it watches and its own. */
export function subscribableChannels(tenant: Tenant): string[] {
  return [...new Set([...(tenant.watched?.youtube ?? []), ...(tenant.accounts.youtube ?? [])])];
}

/** The longest lease we record: a hub asking for more than a year is treated as a year. */
const MAX_LEASE_SECONDS = 366 * 24 * 3600;

export interface WebSubVerification {
  challenge: string;
  subscription: YoutubeSubscription;
}

/**
 * The hub asks whether we meant to (un)subscribe to a topic.
 * 1. the request must be complete: a mode, a topic, a challenge, and for a subscription its lease;
 * 2. the topic must be a channel feed of a channel the tenant watches (or its own), else we refuse
 *    with 404 as WebSub says, so nobody can subscribe the tenant to feeds it does not want;
 * 3. answer the challenge, and the lease to record: its expiry lets a resubscriber find leases that
 *    run out (an unsubscription is recorded as expiring now, so a still-watched channel is renewed).
 */
export function verifyWebSubIntent(tenant: Tenant, query: Record<string, string | undefined>, now: Date): WebSubVerification {
  const mode = query['hub.mode'];
  const challenge = query['hub.challenge'];
  if (mode !== 'subscribe' && mode !== 'unsubscribe') throw new InvalidInput('hub.mode must be subscribe or unsubscribe');
  if (!challenge) throw new InvalidInput('hub.challenge is required');
  if (!query['hub.topic']) throw new InvalidInput('hub.topic is required');
  const channelId = topicChannelId(query['hub.topic']);
  if (!channelId || !subscribableChannels(tenant).includes(channelId)) {
    throw new NotFound('The topic is not a channel feed this tenant subscribes to');
  }
  let leaseSeconds: number | undefined;
  if (mode === 'subscribe') {
    const raw = query['hub.lease_seconds'];
    if (!raw || !/^\d{1,10}$/.test(raw) || Number(raw) === 0) throw new InvalidInput('hub.lease_seconds must be a positive integer');
    leaseSeconds = Math.min(Number(raw), MAX_LEASE_SECONDS);
  }
  const verifiedAt = now.toISOString();
  const subscription: YoutubeSubscription = {
    tenantId: tenant.tenantId,
    channelId,
    topic: query['hub.topic'],
    status: mode === 'subscribe' ? 'subscribed' : 'unsubscribed',
    verifiedAt,
    ...(leaseSeconds !== undefined && { leaseSeconds }),
    leaseExpiresAt: leaseSeconds !== undefined ? new Date(now.getTime() + leaseSeconds * 1000).toISOString() : verifiedAt,
  };
  return { challenge, subscription };
}

// ---------------------------------------------------------------------------------------------------
// A strict reader for the XML subset an Atom feed uses
// ---------------------------------------------------------------------------------------------------

export interface XmlElement {
  /** Namespace URI ('' when none) and local name. */
  ns: string;
  name: string;
  attributes: Map<string, string>;
  children: XmlElement[];
  /** The element's own character data (its children's text excluded). */
  text: string;
}

const NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?$/;
const MAX_DEPTH = 32;

/** Parses a whole document; any deviation from well-formed XML (or a DOCTYPE) is InvalidInput. */
export function parseXml(source: string): XmlElement {
  const fail = (message: string, at: number): never => {
    throw new InvalidInput(`The body is not well-formed XML: ${message} (at character ${at})`);
  };
  const xml = source.startsWith('\uFEFF') ? source.slice(1) : source;
  type Open = { element: XmlElement; qname: string; scope: Map<string, string> };
  const stack: Open[] = [];
  let root: XmlElement | undefined;
  let i = 0;

  const decode = (raw: string, at: number): string =>
    raw.replace(/&([^;&]*);|&/g, (match, ref: string | undefined) => {
      if (ref === undefined) return fail('a bare &', at);
      const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
      if (ref in named) return named[ref]!;
      const code = /^#x[0-9a-fA-F]{1,6}$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#\d{1,7}$/.test(ref) ? parseInt(ref.slice(1), 10) : NaN;
      if (!Number.isInteger(code) || code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return fail(`unknown reference ${match}`, at);
      return String.fromCodePoint(code);
    });

  const addText = (value: string, at: number) => {
    const top = stack[stack.length - 1];
    if (top) top.element.text += value;
    else if (value.trim() !== '') fail('text outside the root element', at);
  };

  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    if (lt === -1) {
      addText(decode(xml.slice(i), i), i);
      break;
    }
    if (lt > i) {
      const raw = xml.slice(i, lt);
      if (raw.includes(']]>')) fail(']]> in text', i);
      addText(decode(raw, i), i);
    }
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end === -1) fail('an unterminated comment', lt);
      i = end + 3;
    } else if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt + 9);
      if (end === -1) fail('an unterminated CDATA section', lt);
      if (stack.length === 0) fail('CDATA outside the root element', lt);
      addText(xml.slice(lt + 9, end), lt);
      i = end + 3;
    } else if (xml.startsWith('<!', lt)) {
      // DOCTYPE, ENTITY and friends: a feed never needs them, and they are how XML parsers get attacked
      fail('declarations (DOCTYPE, ENTITY) are not accepted', lt);
    } else if (xml.startsWith('<?', lt)) {
      const end = xml.indexOf('?>', lt + 2);
      if (end === -1) fail('an unterminated processing instruction', lt);
      if (/^<\?xml[\s?]/.test(xml.slice(lt, lt + 6)) && lt !== 0) fail('the XML declaration must come first', lt);
      i = end + 2;
    } else if (xml.startsWith('</', lt)) {
      const end = xml.indexOf('>', lt);
      if (end === -1) fail('an unterminated end tag', lt);
      const qname = xml.slice(lt + 2, end).trim();
      const open = stack.pop();
      if (!open || open.qname !== qname) fail(`</${qname}> does not close ${open ? `<${open.qname}>` : 'anything'}`, lt);
      i = end + 1;
    } else {
      const { qname, rawAttributes, selfClosing, end } = readStartTag(xml, lt, fail);
      if (root && stack.length === 0) fail('a second root element', lt);
      if (stack.length >= MAX_DEPTH) fail('elements nested too deep', lt);
      const parentScope = stack[stack.length - 1]?.scope ?? new Map([['', ''], ['xml', XML_NS]]);
      const scope = new Map(parentScope);
      for (const [name, value] of rawAttributes) {
        if (name === 'xmlns') scope.set('', decode(value, lt));
        else if (name.startsWith('xmlns:')) scope.set(name.slice(6), decode(value, lt));
      }
      const [prefix, local] = qname.includes(':') ? qname.split(':') as [string, string] : ['', qname];
      const ns = scope.get(prefix);
      if (ns === undefined) fail(`the prefix ${prefix} is not declared`, lt);
      const attributes = new Map<string, string>();
      for (const [name, value] of rawAttributes) {
        if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
        if (name.includes(':') && !scope.has(name.split(':')[0]!)) fail(`the prefix of ${name} is not declared`, lt);
        attributes.set(name, decode(value, lt));
      }
      const element: XmlElement = { ns: ns as string, name: local, attributes, children: [], text: '' };
      const parent = stack[stack.length - 1];
      if (parent) parent.element.children.push(element);
      else root = element;
      if (!selfClosing) stack.push({ element, qname, scope });
      i = end + 1;
    }
  }
  if (stack.length > 0) fail(`<${stack[stack.length - 1]!.qname}> is never closed`, xml.length);
  if (!root) fail('no root element', 0);
  return root as XmlElement;
}

function readStartTag(xml: string, lt: number, fail: (message: string, at: number) => never) {
  let i = lt + 1;
  const nameMatch = /^[^\s/>]+/.exec(xml.slice(i, i + 256));
  if (!nameMatch || !NAME.test(nameMatch[0])) return fail('an invalid element name', lt);
  const qname = nameMatch[0];
  i += qname.length;
  const rawAttributes = new Map<string, string>();
  for (;;) {
    const ws = /^\s*/.exec(xml.slice(i, i + 1024))![0].length;
    i += ws;
    if (xml.startsWith('/>', i)) return { qname, rawAttributes, selfClosing: true, end: i + 1 };
    if (xml[i] === '>') return { qname, rawAttributes, selfClosing: false, end: i };
    if (i >= xml.length) return fail(`<${qname}> is not terminated`, lt);
    if (ws === 0) return fail(`attributes of <${qname}> must be separated by white space`, i);
    const attribute = /^([^\s=/>]+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/.exec(xml.slice(i, i + 65_536));
    if (!attribute || !NAME.test(attribute[1]!)) return fail(`a malformed attribute in <${qname}>`, i);
    if (rawAttributes.has(attribute[1]!)) return fail(`a repeated attribute ${attribute[1]}`, i);
    rawAttributes.set(attribute[1]!, attribute[2] ?? attribute[3] ?? '');
    i += attribute[0].length;
  }
}

// ---------------------------------------------------------------------------------------------------
// The Atom notification
// ---------------------------------------------------------------------------------------------------

export interface YoutubeVideoEntry {
  videoId: string;
  channelId: string;
  title?: string;
  link?: string;
  authorName?: string;
  published?: string;
  /** Exactly as sent: part of the dedupe key. */
  updated: string;
}

export interface YoutubeDeletedEntry {
  videoId: string;
  /** When YouTube says the video went (`when`), else undefined. */
  deletedAt?: string;
  channelId?: string;
}

export interface YoutubeFeed {
  entries: YoutubeVideoEntry[];
  deleted: YoutubeDeletedEntry[];
}

const child = (element: XmlElement, ns: string, name: string) => element.children.find((c) => c.ns === ns && c.name === name);
const childText = (element: XmlElement, ns: string, name: string) => child(element, ns, name)?.text.trim() || undefined;
const isDate = (value: string) => /^\d{4}-\d\d-\d\dT/.test(value) && !Number.isNaN(Date.parse(value));

/** Reads the notification; an entry without the ids or times a notification must carry is InvalidInput. */
export function parseYoutubeFeed(body: Buffer | string): YoutubeFeed {
  const root = parseXml(typeof body === 'string' ? body : body.toString('utf8'));
  if (root.ns !== ATOM || root.name !== 'feed') throw new InvalidInput('The body is not an Atom feed');
  const entries: YoutubeVideoEntry[] = [];
  const deleted: YoutubeDeletedEntry[] = [];
  root.children.forEach((element, index) => {
    const where = `feed child ${index + 1}`;
    if (element.ns === ATOM && element.name === 'entry') {
      const videoId = childText(element, YT, 'videoId');
      const channelId = childText(element, YT, 'channelId');
      const updated = childText(element, ATOM, 'updated');
      const published = childText(element, ATOM, 'published');
      if (!videoId || !YOUTUBE_ID.test(videoId)) throw new InvalidInput(`${where}: an entry without a valid yt:videoId`);
      if (!channelId || !YOUTUBE_ID.test(channelId)) throw new InvalidInput(`${where}: an entry without a valid yt:channelId`);
      if (!updated || !isDate(updated)) throw new InvalidInput(`${where}: an entry without a valid updated time`);
      if (published !== undefined && !isDate(published)) throw new InvalidInput(`${where}: an entry with an invalid published time`);
      const title = child(element, ATOM, 'title')?.text.trim();
      const link = element.children.find((c) => c.ns === ATOM && c.name === 'link' && (c.attributes.get('rel') ?? 'alternate') === 'alternate');
      const author = child(element, ATOM, 'author');
      const authorName = author && childText(author, ATOM, 'name');
      entries.push({
        videoId,
        channelId,
        updated,
        ...(title ? { title } : {}),
        ...(link?.attributes.get('href') ? { link: link.attributes.get('href') } : {}),
        ...(authorName ? { authorName } : {}),
        ...(published ? { published } : {}),
      });
    } else if (element.ns === TOMBSTONES && element.name === 'deleted-entry') {
      const ref = element.attributes.get('ref') ?? '';
      const videoId = /^yt:video:(.+)$/.exec(ref)?.[1];
      if (!videoId || !YOUTUBE_ID.test(videoId)) throw new InvalidInput(`${where}: a deleted-entry without a yt:video ref`);
      const when = element.attributes.get('when');
      const by = child(element, TOMBSTONES, 'by');
      const uri = by && childText(by, ATOM, 'uri');
      const channelId = uri && /\/channel\/([A-Za-z0-9_-]+)$/.exec(uri)?.[1];
      deleted.push({
        videoId,
        ...(when && isDate(when) ? { deletedAt: new Date(when).toISOString() } : {}),
        ...(channelId ? { channelId } : {}),
      });
    }
  });
  return { entries, deleted };
}

/**
 * The externalId of a video notification: YouTube notifies on upload and on each title or description
 * change, and may deliver one notification twice, so (videoId, updated) names one notification.
 */
export function videoExternalId(entry: Pick<YoutubeVideoEntry, 'videoId' | 'updated'>): string {
  return `${entry.videoId}@${entry.updated}`;
}

export interface YoutubeExtraction {
  /** Each signal with the video it is about, for the per-video index. */
  signals: { signal: SocialSignal; videoId: string; channelId: string }[];
  deleted: YoutubeDeletedEntry[];
  skipped: Record<string, number>;
}

/**
 * Which entries are customer interactions: a video of a channel the tenant watches is `content` by
 * that channel's owner. The brand's own uploads are the brand speaking; channels the tenant does not
 * watch (any more) are acknowledged and ignored.
 */
export function extractYoutubeSignals(feed: YoutubeFeed, tenant: Tenant): YoutubeExtraction {
  const own = new Set(tenant.accounts.youtube ?? []);
  const watched = new Set(tenant.watched?.youtube ?? []);
  const skipped: Record<string, number> = {};
  const skip = (reason: string) => (skipped[reason] = (skipped[reason] ?? 0) + 1);
  const signals: YoutubeExtraction['signals'] = [];
  for (const entry of feed.entries) {
    if (own.has(entry.channelId)) {
      skip('own-account');
      continue;
    }
    if (!watched.has(entry.channelId)) {
      skip('channel-not-watched');
      continue;
    }
    signals.push({
      videoId: entry.videoId,
      channelId: entry.channelId,
      signal: {
        channel: 'youtube',
        kind: 'content',
        externalId: videoExternalId(entry),
        author: { externalId: entry.channelId, ...(entry.authorName ? { name: entry.authorName } : {}) },
        ...(entry.title ? { text: entry.title } : {}),
        postId: entry.videoId,
        occurredAt: new Date(entry.updated).toISOString(),
      },
    });
  }
  return { signals, deleted: feed.deleted, skipped };
}

export interface YoutubeFeedPorts extends RecordInteractionPorts {
  videos: YoutubeVideoIndex;
}

export interface YoutubeFeedResult {
  results: RecordResult[];
  removed: number;
  skipped: Record<string, number>;
}

/**
 * Applies one notification.
 * 1. note each signal's externalId under its video first (so a later delete finds every notification
 *    of the video, even one whose recording was interrupted); a video already deleted is skipped, so a
 *    late notification cannot bring its title back;
 * 2. record the new interactions and publish InteractionRecorded (redelivery is a no-op);
 * 3. deleted entries: mark the video deleted and erase the title of each of its interactions.
 */
export async function applyYoutubeFeed(ports: YoutubeFeedPorts, ctx: RecordContext, extraction: YoutubeExtraction): Promise<YoutubeFeedResult> {
  const skipped = { ...extraction.skipped };
  const live: SocialSignal[] = [];
  for (const { signal, videoId, channelId } of extraction.signals) {
    const video = await ports.videos.remember(ctx.tenantId, videoId, channelId, signal.externalId);
    if (video.deletedAt) skipped['video-deleted'] = (skipped['video-deleted'] ?? 0) + 1;
    else live.push(signal);
  }
  const results = await recordSocialInteractions(ports, ctx, live);
  let removed = 0;
  for (const deletion of extraction.deleted) {
    const at = deletion.deletedAt ?? ports.clock.now().toISOString();
    const externalIds = await ports.videos.markDeleted(ctx.tenantId, deletion.videoId, at);
    for (const externalId of externalIds) {
      const amended = await amendInteraction(ports, ctx.tenantId, { channel: 'youtube', externalId }, { kind: 'remove', at });
      if (amended) removed += 1;
    }
  }
  return { results, removed, skipped };
}
