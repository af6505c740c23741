/**
 * How an item image leaves the server: never cached by a shared browser or proxy (`private, no-store`), never
 * sniffed into another type, and an SVG under a policy that lets it run nothing and load nothing even if opened on
 * its own (docs/security.md, "Images in items").
 */
import type { FastifyReply } from 'fastify';

export const SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'";

export function sendImage(reply: FastifyReply, image: { mediaType: string; bytes: Uint8Array }) {
  reply.header('cache-control', 'private, no-store').header('x-content-type-options', 'nosniff').header('content-disposition', 'inline');
  if (image.mediaType === 'image/svg+xml') reply.header('content-security-policy', SVG_CSP);
  return reply.type(image.mediaType).send(Buffer.from(image.bytes.buffer, image.bytes.byteOffset, image.bytes.byteLength));
}
