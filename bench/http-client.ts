/**
 * The load generator of `npm run bench:http`: raw keep-alive sockets, request bytes built once, and a response
 * parser that reads only the status line and the body length. It shares the machine's 2 cores with the server,
 * so it has to be cheap (Node's http.request cost ~2x the CPU per request, and its stalls showed up as latency).
 *
 * Two ways to load the server, both on the same pool of connections:
 * - closedLoop: every connection sends its next request as soon as the last one is answered (saturation);
 * - paced: requests start at evenly spaced times whether or not earlier ones finished (open loop), and latency
 *   is measured from the scheduled start, so a stalled server or client counts (no coordinated omission).
 *   autocannon's rate limit releases each connection's quota in a burst at the start of every second, which
 *   measures a saturated half-second rather than a steady half load.
 *
 * Connections are opened one at a time, each answering a GET /healthz before the next connect: the cluster
 * primary hands connections to workers in turn, but a burst of connects piles onto whichever worker acknowledges
 * first (seen: 14 vs 7 connections), and with keep-alive that split is the load split for the whole run.
 */
import net from 'node:net';

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  errors: number;
  timeouts: number;
  /** The first few error messages, to tell a refused connection from a slow machine. */
  errorSamples: string[];
  non2xx: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Connections used. */
  connections: number;
  /** CPU the client itself used, in cores (it competes with the server for the same cores). */
  clientCpuCores: number;
  /**
   * Paced runs: from a request's scheduled start to its bytes reaching the socket (the client's own delay, and
   * waiting for a free connection). Latency minus this is the round trip through the server and the kernel.
   */
  sendLagMs?: { p90: number; p99: number };
}

const TIMEOUT_MS = 10_000;
const MAX_CONNECTIONS = 256;
const HEADER_END = Buffer.from('\r\n\r\n');
type Done = (status: number | Error) => void;

/** One keep-alive connection carrying one request at a time. */
class Connection {
  private readonly socket: net.Socket;
  private buffered: Buffer = Buffer.alloc(0);
  private pending: { done: Done; timer: NodeJS.Timeout } | null = null;
  readonly connected: Promise<void>;
  alive = true;

  constructor(host: string, port: number, private readonly onDead: (c: Connection) => void) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.connected = new Promise((resolve, reject) => {
      this.socket.once('connect', resolve);
      this.socket.once('error', reject);
    });
    this.socket.on('data', (chunk) => this.onData(chunk));
    this.socket.on('error', (err) => this.fail(err));
    this.socket.on('close', () => this.fail(new Error('connection closed by the server')));
  }

  send(request: Buffer, done: Done): void {
    const timer = setTimeout(() => this.fail(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
    this.pending = { done, timer };
    this.socket.write(request);
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const headerEnd = this.buffered.indexOf(HEADER_END);
    if (headerEnd < 0 || !this.pending) return;
    const head = this.buffered.toString('latin1', 0, headerEnd);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    let total: number;
    if (length) total = headerEnd + 4 + Number(length[1]);
    else {
      // Chunked: complete at the terminating zero-length chunk.
      const end = this.buffered.indexOf('\r\n0\r\n\r\n', headerEnd);
      if (end < 0) return;
      total = end + 7;
    }
    if (this.buffered.length < total) return;
    this.buffered = this.buffered.subarray(total);
    const { done, timer } = this.pending;
    this.pending = null;
    clearTimeout(timer);
    if (/\r\nconnection: *close/i.test(head)) this.close();
    done(Number(head.slice(9, 12)));
  }

  private fail(err: Error): void {
    if (!this.alive) return;
    this.close();
    if (this.pending) {
      clearTimeout(this.pending.timer);
      this.pending.done(err);
      this.pending = null;
    }
  }

  close(): void {
    if (this.alive) {
      this.alive = false;
      this.onDead(this);
    }
    this.socket.destroy();
  }
}

/** Counts answers and latencies of one run. */
class Tally {
  private readonly latencies: Float64Array;
  private readonly lags: Float64Array;
  private sent = 0;
  answered = 0;
  errors = 0;
  timeouts = 0;
  non2xx = 0;
  readonly errorSamples: string[] = [];

  constructor(capacity: number) {
    this.latencies = new Float64Array(capacity);
    this.lags = new Float64Array(capacity);
  }

  /** A paced request handed to its connection `lagMs` after its scheduled start. */
  recordSend(lagMs: number): void {
    if (this.sent < this.lags.length) this.lags[this.sent++] = lagMs;
  }

  record(status: number | Error, latencyMs: number): void {
    if (status instanceof Error) {
      this.errors++;
      if (status.message.startsWith('no answer')) this.timeouts++;
      if (this.errorSamples.length < 5) this.errorSamples.push(status.message);
      return;
    }
    if (this.answered < this.latencies.length) this.latencies[this.answered] = latencyMs;
    this.answered++;
    if (status !== 200) this.non2xx++;
  }

  result(seconds: number, connections: number, cpu: NodeJS.CpuUsage): LoadResult {
    const quantiles = (values: Float64Array) => {
      const sorted = values.sort();
      const n = sorted.length;
      return (p: number) => (n === 0 ? NaN : Math.round(sorted[Math.min(n - 1, Math.floor(p * n))] * 100) / 100);
    };
    const q = quantiles(this.latencies.subarray(0, Math.min(this.answered, this.latencies.length)));
    const lag = quantiles(this.lags.subarray(0, this.sent));
    return {
      requests: this.answered + this.errors,
      requestsPerSecond: this.answered / seconds,
      errors: this.errors - this.timeouts,
      timeouts: this.timeouts,
      errorSamples: this.errorSamples,
      non2xx: this.non2xx,
      latencyMs: { p50: q(0.5), p90: q(0.9), p99: q(0.99), max: q(1 - 1e-9) },
      connections,
      clientCpuCores: Math.round(((cpu.user + cpu.system) / 1e6 / seconds) * 100) / 100,
      ...(this.sent > 0 ? { sendLagMs: { p90: lag(0.9), p99: lag(0.99) } } : {}),
    };
  }
}

export class LoadClient {
  private readonly host: string;
  private readonly port: number;
  private readonly hostHeader: string;
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();

  constructor(url: string) {
    const u = new URL(url);
    this.host = u.hostname;
    this.port = Number(u.port);
    this.hostHeader = u.host;
  }

  /** POST /v1/entities requests, serialised once. */
  entityRequests(bodies: string[]): Buffer[] {
    return bodies.map((body) =>
      Buffer.from(`POST /v1/entities HTTP/1.1\r\nHost: ${this.hostHeader}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`),
    );
  }

  /** Open connections until `count` are idle, one at a time (see the file comment). */
  async open(count: number): Promise<void> {
    const warm = Buffer.from(`GET /healthz HTTP/1.1\r\nHost: ${this.hostHeader}\r\n\r\n`);
    this.idle.splice(0, this.idle.length, ...this.idle.filter((c) => c.alive));
    while (this.idle.length < count && this.all.size < MAX_CONNECTIONS) {
      const c = this.connect();
      await c.connected;
      const status = await new Promise<number | Error>((done) => c.send(warm, done));
      if (status instanceof Error) throw new Error(`opening connection ${this.all.size}: ${status.message}`);
      if (c.alive) this.idle.push(c);
    }
  }

  private connect(): Connection {
    const c = new Connection(this.host, this.port, (dead) => this.all.delete(dead));
    this.all.add(c);
    return c;
  }

  /** Every open connection sends back to back for `seconds`; latency from send to answer. */
  async closedLoop(requests: Buffer[], seconds: number, connections: number): Promise<LoadResult> {
    await this.open(connections);
    const pool = this.idle.splice(0, connections);
    const tally = new Tally(Math.ceil(seconds * 20_000));
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    let next = 0;
    await Promise.all(
      pool.map(
        (c) =>
          new Promise<void>((finish) => {
            const loop = () => {
              if (!c.alive || performance.now() >= end) return finish();
              const sent = performance.now();
              c.send(requests[next++ % requests.length], (status) => {
                tally.record(status, performance.now() - sent);
                loop();
              });
            };
            loop();
          }),
      ),
    );
    const elapsed = (performance.now() - t0) / 1000;
    this.idle.push(...pool.filter((c) => c.alive));
    return tally.result(elapsed, pool.length, process.cpuUsage(cpu0));
  }

  /** Open loop at `rate` requests/s for `seconds`; latency from the scheduled start to the answer. */
  async paced(requests: Buffer[], rate: number, seconds: number): Promise<LoadResult> {
    // A fixed pool, opened (and spread over the workers) before the clock starts: enough for 100 ms of requests
    // in flight. Connecting during the run would hand the new connections to whichever worker is not stalled at
    // that moment and skew the split for the rest of the run (seen: 62:38); beyond the pool, requests wait.
    await this.open(Math.min(MAX_CONNECTIONS, Math.max(16, Math.ceil(rate * 0.1))));
    const total = Math.round(rate * seconds);
    const tally = new Tally(total);
    const backlog: { request: Buffer; scheduled: number }[] = [];
    let settled = 0;
    let allSettled: () => void = () => undefined;
    const finished = new Promise<void>((r) => (allSettled = r));
    const dispatch = (c: Connection, request: Buffer, scheduled: number) => {
      // The loop below sends up to 1 ms early rather than sleep for less than a timer tick; such a request's
      // latency runs from when it was sent (from its scheduled time it could come out negative), a late one's
      // from its scheduled time.
      const now = performance.now();
      const from = Math.min(now, scheduled);
      tally.recordSend(now - from);
      c.send(request, (status) => {
        tally.record(status, performance.now() - from);
        // A connection the server closed is replaced, so the pool keeps its size and the backlog drains.
        const next = c.alive ? c : this.connect();
        const waiting = backlog.shift();
        if (waiting) dispatch(next, waiting.request, waiting.scheduled);
        else this.idle.push(next);
        if (++settled === total) allSettled();
      });
    };
    const start = (request: Buffer, scheduled: number) => {
      // Oldest idle connection first: requests rotate over every connection, and so over the workers.
      let c = this.idle.shift();
      while (c && !c.alive) c = this.idle.shift();
      if (c) dispatch(c, request, scheduled);
      else backlog.push({ request, scheduled }); // every connection busy: wait for one (the wait counts)
    };
    const cpu0 = process.cpuUsage();
    const interval = 1000 / rate;
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      const scheduled = t0 + i * interval;
      const wait = scheduled - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      start(requests[i % requests.length], scheduled);
    }
    if (total > 0) await finished;
    const elapsed = (performance.now() - t0) / 1000;
    return tally.result(elapsed, this.all.size, process.cpuUsage(cpu0));
  }

  close(): void {
    for (const c of [...this.all]) c.close();
    this.idle.length = 0;
  }
}
