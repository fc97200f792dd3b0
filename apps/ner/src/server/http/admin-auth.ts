/**
 * Admin routes need `Authorization: Bearer <token>`. Both sides are hashed before a constant-time compare,
 * so neither the content nor the length of the configured token leaks through response timing.
 * Without a configured token the admin routes are off (403), never open.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from './http-error.js';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected));
}

export function requireAdmin(adminToken: string | undefined): RequestHandler {
  const expected = adminToken && adminToken.length > 0 ? adminToken : undefined;
  return (req, _res, next) => {
    if (!expected) {
      throw new HttpError(403, 'training_disabled', 'admin routes are off: start the server with NER_ADMIN_TOKEN set to enable training over HTTP');
    }
    const header = req.headers.authorization ?? '';
    const match = /^Bearer (.+)$/i.exec(header);
    if (!match || !tokenMatches(match[1], expected)) {
      throw new HttpError(401, 'unauthorized', 'missing or wrong admin token: send "Authorization: Bearer <NER_ADMIN_TOKEN>"', {
        'WWW-Authenticate': 'Bearer realm="window-ner admin"',
      });
    }
    next();
  };
}
