/**
 * Campaign attachments in storage: an S3 bucket in AWS (CAMPAIGN_FILES_BUCKET), written by the client with a
 * presigned PUT that binds the content type and length, so the file that lands is the one that was declared; the
 * local runtime sets a folder under its data directory instead (local/files.ts).
 */
import type { AttachmentStore } from '../../domain/campaigns/document.js';

/** A signed upload URL is good for this long. */
export const UPLOAD_TTL_SECONDS = 15 * 60;

let override: AttachmentStore | undefined;

export function setAttachmentStore(store: AttachmentStore | undefined): void {
  override = store;
}

function bucket(): string {
  const name = process.env.CAMPAIGN_FILES_BUCKET;
  if (!name) throw new Error('CAMPAIGN_FILES_BUCKET is not set');
  return name;
}

// the S3 client and presigner load on first use: only attachment requests need them
const s3Store: AttachmentStore = {
  async uploadUrl(key, contentType, size) {
    const [{ S3Client, PutObjectCommand }, { getSignedUrl }] = await Promise.all([import('@aws-sdk/client-s3'), import('@aws-sdk/s3-request-presigner')]);
    const client = new S3Client({});
    const url = await getSignedUrl(client, new PutObjectCommand({ Bucket: bucket(), Key: key, ContentType: contentType, ContentLength: size }), {
      expiresIn: UPLOAD_TTL_SECONDS,
    });
    return { url, method: 'PUT', headers: { 'content-type': contentType }, expiresAt: new Date(Date.now() + UPLOAD_TTL_SECONDS * 1000).toISOString() };
  },
  async size(key) {
    const { S3Client, HeadObjectCommand } = await import('@aws-sdk/client-s3');
    try {
      const head = await new S3Client({}).send(new HeadObjectCommand({ Bucket: bucket(), Key: key }));
      return head.ContentLength;
    } catch (error) {
      if ((error as { name?: string }).name === 'NotFound' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return undefined;
      throw error;
    }
  },
  async remove(key) {
    const { S3Client, DeleteObjectCommand } = await import('@aws-sdk/client-s3');
    await new S3Client({}).send(new DeleteObjectCommand({ Bucket: bucket(), Key: key }));
  },
};

export function attachmentStore(): AttachmentStore {
  return override ?? s3Store;
}
