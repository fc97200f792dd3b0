/** Steady tagging load for fault tests: N lanes of sequential keep-alive requests, recording every answer. */
import http from 'node:http';
import { postJson } from './http-client.js';

export interface LoadRecord {
  at: number;
  status: number;
  version?: string;
  error?: string;
}

const TEXTS = [
  'Barack Obama met Angela Merkel in Berlin.',
  'Microsoft opened an office in London near the river Thames.',
  'Serena Williams beat Maria Sharapova at Wimbledon on Saturday.',
  'The United Nations met in New York to discuss the crisis in Syria.',
];

export function startLoad(url: string, lanes = 4, maxRequests = 200_000): { stop(): Promise<LoadRecord[]> } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: lanes });
  const records: LoadRecord[] = [];
  let running = true;
  const lane = async (n: number) => {
    for (let i = 0; running && records.length < maxRequests; i++) {
      const at = Date.now();
      try {
        const res = await postJson(url, '/v1/entities', { text: TEXTS[(n + i) % TEXTS.length] }, agent);
        records.push({ at, status: res.status, version: (res.json as { model?: { version?: string } })?.model?.version });
      } catch (err) {
        records.push({ at, status: 0, error: (err as Error).message });
      }
    }
  };
  const done = Promise.all(Array.from({ length: lanes }, (_, n) => lane(n)));
  return {
    async stop() {
      running = false;
      await done;
      agent.destroy();
      return records;
    },
  };
}
