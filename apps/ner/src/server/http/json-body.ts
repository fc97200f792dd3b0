/**
 * Reads a JSON request body with strict rules, in place of express.json(), so every malformed input maps to
 * one precise 4xx: wrong content type or charset or any content-encoding -> 415, too many bytes -> 413 (checked
 * against Content-Length before reading, and while streaming), bytes that are not UTF-8 -> 400, bad JSON -> 400.
 */
import { isUtf8 } from 'node:buffer';
import type { Request, RequestHandler } from 'express';
import { HttpError } from './http-error.js';

export function jsonBody(maxBytes: number): RequestHandler {
  return (req, _res, next) => {
    readJson(req, maxBytes).then(
      (body) => {
        req.body = body;
        next();
      },
      (err: unknown) => next(err),
    );
  };
}

function checkHeaders(req: Request, maxBytes: number): void {
  const type = req.headers['content-type'];
  if (!type) throw new HttpError(415, 'unsupported_media_type', 'Content-Type must be application/json');
  const [mime, ...params] = type.split(';').map((s) => s.trim().toLowerCase());
  if (mime !== 'application/json') {
    throw new HttpError(415, 'unsupported_media_type', `Content-Type must be application/json, got "${mime.slice(0, 100)}"`);
  }
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new HttpError(415, 'unsupported_media_type', `charset must be utf-8, got "${charset.slice(0, 40)}"`);
  }
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    throw new HttpError(415, 'unsupported_media_type', 'Content-Encoding is not supported; send the body uncompressed');
  }
  const length = req.headers['content-length'];
  if (length !== undefined && Number(length) > maxBytes) throw tooLarge(maxBytes);
}

function tooLarge(maxBytes: number): HttpError {
  // Close the connection after answering: reading the rest of an oversized upload only wastes our time.
  return new HttpError(413, 'payload_too_large', `request body exceeds ${maxBytes} bytes (limits.maxBodyBytes)`, {
    Connection: 'close',
  });
}

function readJson(req: Request, maxBytes: number): Promise<unknown> {
  try {
    checkHeaders(req, maxBytes);
  } catch (err) {
    // Drain what the client sends so it can read our answer instead of a reset connection.
    req.resume();
    return Promise.reject(err);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBytes) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (err) => {
      if (failed) return;
      failed = true;
      reject(new HttpError(400, 'invalid_request', `request body could not be read: ${err.message}`));
    });
    req.on('end', () => {
      if (failed) return;
      const buf = Buffer.concat(chunks, size);
      if (buf.length === 0) return reject(new HttpError(400, 'invalid_json', 'request body is empty; expected a JSON object'));
      if (!isUtf8(buf)) return reject(new HttpError(400, 'invalid_json', 'request body is not valid UTF-8'));
      try {
        resolve(JSON.parse(buf.toString('utf8')));
      } catch (err) {
        reject(new HttpError(400, 'invalid_json', `request body is not valid JSON: ${(err as Error).message.slice(0, 200)}`));
      }
    });
  });
}
