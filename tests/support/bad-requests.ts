/**
 * Generators of bad HTTP requests for the fuzz suite: every request built here must be refused with a 4xx
 * and the JSON error shape. Seeded, so a failure names a case that can be replayed.
 */
export interface BadRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string | number>;
  body?: Buffer | string;
}

export type Rand = () => number;

export function seeded(seed: number): Rand {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FuzzLimits {
  maxBodyBytes: number;
  maxTextChars: number;
  maxTexts: number;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const int = (r: Rand, n: number) => Math.floor(r() * n);
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[int(r, xs.length)];

const EMOJI = ['😀', '👩‍👩‍👧', '🇩🇪', '𝒳', 'é', '\u0301', '\u200d', '\ufeff', '中文', 'ﷺ'];
const LONE = ['\\ud800', '\\udfff', '\\ud83d', '\\ude00'];

function emojiText(r: Rand, n: number): string {
  return Array.from({ length: n }, () => pick(r, [...EMOJI, 'Berlin', ' ', 'Obama', 'x'])).join('');
}

function randomBytes(r: Rand, n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, () => int(r, 256)));
}

/** JSON whose shape or types are wrong for /v1/entities. */
const WRONG_SHAPES: ((r: Rand) => string)[] = [
  (r) => JSON.stringify({ text: pick(r, [1, -0.5, null, true, false, {}, [], ['a'], { text: 'x' }]) }),
  (r) => JSON.stringify({ texts: pick(r, ['abc', 5, null, {}, true, [1], [null], ['ok', 2], [['nested']], [{}]]) }),
  (r) => JSON.stringify({ text: 'Berlin', texts: ['Paris'], n: int(r, 9) }),
  () => '{}',
  (r) => JSON.stringify({ [pick(r, ['txt', 'Text', 'TEXT', 'text ', 'texts2', '', '😀'])]: 'Berlin' }),
  (r) => JSON.stringify({ text: 'Berlin', [pick(r, ['extra', 'model', 'lang'])]: 1 }),
  () => '{"__proto__": {"text": "Berlin"}}',
  () => '{"constructor": {"prototype": {"text": 1}}}',
  (r) => JSON.stringify(pick(r, [[], [{ text: 'x' }], 'text', 12, null, true])),
  (r) => `{"text": "a", "text": ${pick(r, ['1', 'null', '[]', '{}'])}}`,
];

/** Text that is not JSON (or not the JSON subset JSON.parse accepts). */
const MALFORMED: ((r: Rand) => string)[] = [
  () => '{"text": "Berlin",}',
  () => "{'text': 'Berlin'}",
  () => '{"text": NaN}',
  () => '{"text": "a" /* c */}',
  () => '\ufeff{"text": "Berlin"}',
  (r) => '{"text": "Berlin"'.slice(0, 1 + int(r, 16)),
  () => '{"text": "tab\there"}',
  () => '{"text": "\\x41"}',
  () => '{"text": "\\u12"}',
  (r) => `{"text": "Berlin"}${pick(r, ['x', '}', ',', '{}'])}`,
  () => 'undefined',
  () => '   ',
];

export function generate(r: Rand, limits: FuzzLimits): BadRequest {
  const post = (kind: string, body: Buffer | string, headers: Record<string, string | number> = JSON_TYPE): BadRequest => ({
    kind,
    method: 'POST',
    path: '/v1/entities',
    headers,
    body,
  });
  const roll = r();
  if (roll < 0.12) return post('random-bytes', randomBytes(r, 1 + int(r, 300)));
  if (roll < 0.2) {
    const bad = Buffer.from(pick(r, [[0xc3, 0x28], [0xff], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80], [0xc0, 0xaf], [0xe2, 0x82]]));
    const at = pick(r, ['start', 'end', 'middle']);
    const text = Buffer.from(emojiText(r, 3));
    const inner = at === 'start' ? Buffer.concat([bad, text]) : at === 'end' ? Buffer.concat([text, bad]) : Buffer.concat([text, bad, text]);
    return post(`invalid-utf8-${at}`, Buffer.concat([Buffer.from('{"text": "'), inner, Buffer.from('"}')]));
  }
  if (roll < 0.35) return post('wrong-shape', pick(r, WRONG_SHAPES)(r));
  if (roll < 0.45) return post('malformed-json', pick(r, MALFORMED)(r));
  if (roll < 0.52) {
    const lone = pick(r, LONE);
    const text = emojiText(r, 1 + int(r, 5));
    const where = pick(r, ['start', 'end', 'middle']);
    const s = where === 'start' ? `${lone}${text}` : where === 'end' ? `${text}${lone}` : `${text}${lone}${text}`;
    return r() < 0.5 ? post(`lone-surrogate-${where}`, `{"text": "${s}"}`) : post(`lone-surrogate-batch-${where}`, `{"texts": ["ok 😀", "${s}"]}`);
  }
  if (roll < 0.6) {
    const depth = pick(r, [100, 1_000, 10_000, 100_000]);
    const open = pick(r, ['[', '{"a":']);
    const close = open === '[' ? ']' : '}';
    const closed = r() < 0.5;
    const body = `{"text": ${open.repeat(depth)}1${closed ? close.repeat(depth) : ''}}`;
    return post(`deep-json-${depth}${closed ? '' : '-unclosed'}`, body);
  }
  if (roll < 0.7) {
    const type = pick(r, [
      'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml',
      'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/jsonp', 'json',
      'application/ld+json', '', '😀/json',
    ]);
    const headers: Record<string, string> = type ? { 'content-type': type } : {};
    return post(`content-type:${type || 'none'}`, '{"text": "Berlin"}', headers);
  }
  if (roll < 0.73) {
    return post('content-encoding', '{"text": "Berlin"}', { ...JSON_TYPE, 'content-encoding': pick(r, ['gzip', 'deflate', 'br', 'x-unknown']) });
  }
  if (roll < 0.76) {
    // An emoji (two UTF-16 code units) straddling the characters-per-text limit.
    const text = 'a'.repeat(limits.maxTextChars - 1) + pick(r, ['😀', '𝒳']);
    return r() < 0.5 ? post('emoji-over-char-limit', JSON.stringify({ text })) : post('emoji-over-char-limit-batch', JSON.stringify({ texts: ['ok', text] }));
  }
  if (roll < 0.78) return post('too-many-texts', JSON.stringify({ texts: Array.from({ length: limits.maxTexts + 1 + int(r, 10) }, () => 'x') }));
  if (roll < 0.785) return post('body-over-byte-limit', JSON.stringify({ text: 'y'.repeat(limits.maxBodyBytes + int(r, 1000)) }));
  if (roll < 0.8) return post('declared-length-over-limit', '{}', { ...JSON_TYPE, 'content-length': limits.maxBodyBytes + 1 });
  if (roll < 0.88) {
    const method = pick(r, ['GET', 'PUT', 'PATCH', 'DELETE']);
    const path = pick(r, ['/v1/entities', '/v1/models', '/healthz', '/readyz', '/metrics', '/openapi.json', '/v1/train', '/']);
    const m = path === '/v1/entities' || path === '/v1/train' ? method : pick(r, ['POST', 'PUT', 'PATCH', 'DELETE']);
    return { kind: `wrong-method ${m} ${path}`, method: m, path, headers: JSON_TYPE, body: '{"text":"x"}' };
  }
  if (roll < 0.95) {
    const path = pick(r, [
      '/v2/entities', '/v1/entity', '/v1/entities/x', '/%zz', '/v1/%E0%A4%A', `/${'a'.repeat(2000)}`, '/v1/jobs', '/v1//entities',
      `/${encodeURIComponent(emojiText(r, 3))}`, '/..%2f..%2fetc/passwd', '/admin', '/.env',
    ]);
    return { kind: 'unknown-route', method: pick(r, ['GET', 'POST']), path, headers: JSON_TYPE, body: '{"text":"x"}' };
  }
  // Admin routes without training configured, or with a wrong token.
  const auth = pick(r, ['', 'Bearer', 'Bearer x', 'Basic YWRtaW46YWRtaW4=', `Bearer ${emojiText(r, 2)}`]);
  const headers: Record<string, string> = { ...JSON_TYPE };
  if (auth) headers.authorization = auth;
  const route = pick(r, [['POST', '/v1/train'], ['GET', '/v1/jobs/1'], ['DELETE', '/v1/jobs/abc']] as const);
  return { kind: `admin ${route[0]} ${route[1]}`, method: route[0], path: route[1], headers, body: route[0] === 'POST' ? '{"train":"btc/btc.dev"}' : undefined };
}
