// Through the middleware: request-chosen URLs, Host values and header values fill the render cache and the
// validator history only up to their configured byte budgets, keys and values counted (memoryUsage()).

import Koa from 'koa';
import request from 'supertest';
import { MemoryFileSource } from '../../src/engine/memory-file-source';
import { ssi } from '../../src/server/ssi-middleware';

const FILLER = 'x'.repeat(8000);
const BUDGET = 256 * 1024;

function server() {
  const source = new MemoryFileSource({
    '/plain.shtml': { content: 'plain', mtimeMs: 1000 },
    '/lang.shtml': { content: 'hello <!--#echo var="HTTP_ACCEPT_LANGUAGE" -->', mtimeMs: 1000 },
  });
  const middleware = ssi({ source, cacheSize: BUDGET, validatorHistorySize: BUDGET });
  const app = new Koa().use(middleware);
  return { middleware, agent: request(app.callback()) };
}

describe('memory bounds through the middleware', () => {
  it('distinct 8 KB query strings › the render cache holds them up to its budget; the ledger keeps one record', async () => {
    const { middleware, agent } = server();
    for (let index = 0; index < 100; index++)
      expect((await agent.get(`/plain.shtml?${index}-${FILLER}`)).status).toBe(200);
    const usage = middleware.memoryUsage();
    expect(usage.responses).toBeLessThanOrEqual(BUDGET);
    expect(usage.validators).toBeLessThanOrEqual(BUDGET);
    // Filled to the brim (the keys are counted): more than 20 keys of 8 KB each.
    expect(usage.responses).toBeGreaterThan(20 * 8000);
    // The page reads no query: one record of one variant, whatever the query strings.
    expect(usage.validators).toBeLessThan(1000);
  });

  it('distinct Host values › the render cache counts them and stays within its budget', async () => {
    const { middleware, agent } = server();
    for (let index = 0; index < 100; index++)
      await agent.get('/plain.shtml').set('Host', `h${index}.${'a'.repeat(4000)}.example`);
    const usage = middleware.memoryUsage();
    expect(usage.responses).toBeLessThanOrEqual(BUDGET);
    expect(usage.responses).toBeGreaterThan(20 * 4000);
  });

  it('distinct 8 KB header values on a page that reads the header › counted in both, within budget', async () => {
    const { middleware, agent } = server();
    for (let index = 0; index < 100; index++) {
      const reply = await agent.get(`/lang.shtml?p=${index % 4}`).set('Accept-Language', `${index}${FILLER}`);
      expect(reply.text).toBe(`hello ${index}${FILLER}`);
    }
    const usage = middleware.memoryUsage();
    expect(usage.responses).toBeLessThanOrEqual(BUDGET);
    expect(usage.validators).toBeLessThanOrEqual(BUDGET);
    // Each variant holds the value twice (in the page and as the header it read): both are counted.
    expect(usage.responses).toBeGreaterThan(10 * 16000);
  });
});
