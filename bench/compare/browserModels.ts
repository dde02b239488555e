/**
 * The browser-worker column of the per-model timings: bench/pages/models.html
 * starts a worker set up as the app's, which times every model on the
 * clip's first frame and leaves the answer for us to read.
 */
import type { Browser } from 'playwright-core';
import type { BackendInfo } from '../../src/engine/config';
import type { ModelsReply } from '../pages/modelsProtocol';
import type { ModelTime } from './modelTimes';

export interface BrowserModelTimes {
  backend: BackendInfo;
  times: ModelTime[];
}

export async function timeModelsInBrowser(
  browser: Browser,
  benchOrigin: string,
  runs: number,
  timeoutMs = 15 * 60_000,
): Promise<BrowserModelTimes> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${benchOrigin}/models.html?runs=${runs}&warmups=2`);
    const handle = await page.waitForFunction(() => window.benchModels, null, {
      timeout: timeoutMs,
      polling: 1000,
    });
    const reply = (await handle.jsonValue()) as ModelsReply;
    if (reply.type === 'error') {
      throw new Error(`The per-model worker failed: ${reply.message}`);
    }

    return { backend: reply.backend, times: reply.times };
  } finally {
    await context.close();
  }
}
