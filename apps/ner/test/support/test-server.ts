/** Start the real app on 127.0.0.1:0 for a test, and stop it afterwards. */
import { createApp, type AppOptions, type CreatedApp } from '../../src/server/app.js';
import { listen, type RunningServer } from '../../src/server/lifecycle/listen.js';
import { ModelHolder } from '../../src/server/models/model-holder.js';
import { RuleTagger } from './rule-tagger.js';

export interface TestServer extends RunningServer {
  created: CreatedApp;
  models: ModelHolder;
}

export async function startTestServer(opts: Partial<AppOptions> & { tagger?: RuleTagger | null } = {}): Promise<TestServer> {
  const models = opts.models ?? new ModelHolder();
  const tagger = opts.tagger === undefined ? new RuleTagger() : opts.tagger;
  if (tagger) models.install(tagger);
  const created = createApp({ ...opts, models });
  const running = await listen(created, { port: 0, host: '127.0.0.1' });
  return { ...running, created, models };
}
