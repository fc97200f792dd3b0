/**
 * Open-loop paced load: requests start at evenly spaced times (rate per second), whether or not earlier ones
 * have finished, and latency is measured from the scheduled start. autocannon's rate limit releases each
 * connection's quota in a burst at the start of every second, which measures a saturated half-second rather
 * than a steady half load; this measures the steady load the p99 target is about.
 */
import http from 'node:http';

export interface PacedResult {
  requests: number;
  requestsPerSecond: number;
  errors: number;
  timeouts: number;
  /** The first few error messages, to tell a refused connection from a slow machine. */
  errorSamples: string[];
  non2xx: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

export async function pacedLoad(url: string, bodies: string[], rate: number, seconds: number): Promise<PacedResult> {
  // Free sockets close after 4 s idle, before any server-side keep-alive timeout can race a reuse.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256, timeout: 4_000 });
  const target = new URL('/v1/entities', url);
  const latencies: number[] = [];
  let errors = 0;
  let timeouts = 0;
  const errorSamples: string[] = [];
  let non2xx = 0;
  const interval = 1000 / rate;
  const total = Math.round(rate * seconds);
  const t0 = performance.now();
  const inflight: Promise<void>[] = [];

  const send = (body: string, scheduled: number) =>
    new Promise<void>((done) => {
      const req = http.request(
        target,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: 10_000 },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode !== 200) non2xx++;
            latencies.push(performance.now() - scheduled);
            done();
          });
        },
      );
      req.on('timeout', () => {
        timeouts++;
        req.destroy(new Error('no answer within 10 s'));
      });
      req.on('error', (err) => {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(err.message);
        done();
      });
      req.end(body);
    });

  for (let i = 0; i < total; i++) {
    const scheduled = t0 + i * interval;
    const wait = scheduled - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(send(bodies[i % bodies.length], scheduled));
  }
  await Promise.all(inflight);
  const elapsed = (performance.now() - t0) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] * 100) / 100;
  return {
    requests: latencies.length + errors,
    requestsPerSecond: latencies.length / elapsed,
    errors: errors - timeouts,
    timeouts,
    errorSamples,
    non2xx,
    latencyMs: { p50: q(0.5), p90: q(0.9), p99: q(0.99), max: q(1 - 1e-9) },
  };
}
