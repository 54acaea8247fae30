/**
 * Campaign attachments locally: a folder under the data directory, written through the local gateway with a
 * signed, expiring URL that binds the key, content type and size, as S3's presigned PUT does in AWS.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join, resolve, sep } from 'node:path';
import type { AttachmentStore } from '../domain/campaigns/document.js';
import { UPLOAD_TTL_SECONDS } from '../adapters/campaigns/files.js';

export const UPLOAD_PATH = '/local-files/';

export function localAttachmentStore(dataDir: string, baseUrl: () => string) {
  const root = resolve(dataDir, 'files');
  const secret = randomBytes(32);
  const sign = (key: string, contentType: string, size: number, expires: number) =>
    createHmac('sha256', secret).update(`${key}\n${contentType}\n${size}\n${expires}`).digest('base64url');
  const pathOf = (key: string) => {
    const path = resolve(root, ...key.split('/'));
    if (!path.startsWith(root + sep)) throw new Error('attachment key outside the files folder');
    return path;
  };

  const store: AttachmentStore = {
    async uploadUrl(key, contentType, size) {
      const expires = Math.floor(Date.now() / 1000) + UPLOAD_TTL_SECONDS;
      const query = new URLSearchParams({ type: contentType, size: String(size), expires: String(expires), sig: sign(key, contentType, size, expires) });
      return {
        url: `${baseUrl()}${UPLOAD_PATH}${encodeURIComponent(key)}?${query}`,
        method: 'PUT',
        headers: { 'content-type': contentType },
        expiresAt: new Date(expires * 1000).toISOString(),
      };
    },
    async size(key) {
      try {
        return statSync(pathOf(key)).size;
      } catch {
        return undefined;
      }
    },
    async remove(key) {
      rmSync(pathOf(key), { force: true });
    },
  };

  /** The gateway's handler for PUT /local-files/<key>?type&size&expires&sig: true when it answered. */
  async function handleUpload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    if (!url.pathname.startsWith(UPLOAD_PATH)) return false;
    const refuse = (status: number, message: string) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: status === 403 ? 'forbidden' : 'bad_request', message } }));
      return true;
    };
    if (req.method !== 'PUT') return refuse(400, 'uploads are PUT requests');
    let key: string;
    try {
      key = decodeURIComponent(url.pathname.slice(UPLOAD_PATH.length));
    } catch {
      return refuse(400, 'malformed key');
    }
    const type = url.searchParams.get('type') ?? '';
    const size = Number(url.searchParams.get('size'));
    const expires = Number(url.searchParams.get('expires'));
    const given = Buffer.from(url.searchParams.get('sig') ?? '');
    const wanted = Buffer.from(sign(key, type, size, expires));
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return refuse(403, 'the upload URL is not valid');
    if (expires < Date.now() / 1000) return refuse(403, 'the upload URL has expired');
    if ((req.headers['content-type'] ?? '') !== type) return refuse(400, `content-type must be ${type}`);
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of req) {
      length += (chunk as Buffer).length;
      if (length > size) return refuse(400, `the file is larger than the ${size} bytes declared`);
      chunks.push(chunk as Buffer);
    }
    if (length !== size) return refuse(400, `the file has ${length} bytes, not the ${size} declared`);
    const path = pathOf(key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, Buffer.concat(chunks));
    res.writeHead(200).end();
    return true;
  }

  return { store, handleUpload, root: join(root) };
}
