/**
 * A raw HTTP client for tests: exact bytes and headers (fetch would fix up Content-Length, encodings and
 * invalid strings), keep-alive through an Agent, and the answer as status + headers + text + parsed JSON.
 */
import http from 'node:http';

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  agent?: http.Agent | false;
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: unknown;
}

export function request(baseUrl: string, req: RawRequest): Promise<RawResponse> {
  const url = new URL(req.path, baseUrl);
  // Frame every body explicitly: Node's client sends a GET/DELETE body unframed (no length), which the server
  // then reads as the start of the next request on the connection.
  const headers: Record<string, string | number> = { ...req.headers };
  const hasLength = Object.keys(headers).some((k) => k.toLowerCase() === 'content-length');
  if (req.body !== undefined && !hasLength) headers['content-length'] = Buffer.byteLength(req.body);
  return new Promise((resolve, reject) => {
    const r = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: req.path,
        method: req.method ?? 'GET',
        headers,
        agent: req.agent,
        timeout: req.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = undefined;
          try {
            json = JSON.parse(text);
          } catch {
            /* not JSON: json stays undefined and the caller's assertion says so */
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    r.on('timeout', () => r.destroy(new Error(`request ${req.method ?? 'GET'} ${req.path} timed out`)));
    r.on('error', reject);
    r.end(req.body);
  });
}

export function postJson(baseUrl: string, path: string, body: unknown, agent?: http.Agent): Promise<RawResponse> {
  return request(baseUrl, { method: 'POST', path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), agent });
}

/** The JSON error shape every failure must have. */
export function isErrorBody(json: unknown): json is { error: { code: string; message: string } } {
  const e = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return typeof e?.code === 'string' && typeof e.message === 'string' && e.message.length > 0;
}
