/**
 * The soak: the app alone with every switch on, for many minutes, sampled
 * once a minute: results and latency in that minute, the worker's tensors
 * (from the result marks), and the JS heap of the page and of the
 * inference worker (CDP Runtime.getHeapUsage; the worker is reached through
 * a browser-level session, as Playwright gives no CDP session to workers).
 */
import type { Browser, CDPSession } from 'playwright-core';
import { summarizeWindow } from '../../src/engine/bench/stats';
import {
  openPage,
  pageNow,
  readMarks,
  resultMarkOf,
  startContender,
} from './contenders';
import type { LiveSettings } from './contenders';

export interface SoakSample {
  minute: number;
  results: number;
  fps: number;
  latencyP90Ms: number;
  /** The worker's live tensors after the minute's last result. */
  tensors: number;
  pageHeapMb: number;
  /** Null where the worker could not be reached. */
  workerHeapMb: number | null;
}

export interface SoakResult {
  minutes: number;
  samples: SoakSample[];
  /** Tensors after the first result and after the last. */
  tensorsFirst: number;
  tensorsLast: number;
  pageErrors: string[];
}

const MB = 2 ** 20;

export async function runSoak(
  browser: Browser,
  settings: LiveSettings,
  minutes: number,
  onSample: (sample: SoakSample) => void,
): Promise<SoakResult> {
  const { context, page, errors } = await openPage(browser, 'app');
  try {
    await startContender(page, 'app', settings);
    const pageCdp = await context.newCDPSession(page);
    const worker = await WorkerHeap.attach(browser, 'inference.worker');

    const samples: SoakSample[] = [];
    const startedAt = Date.now();
    let windowStart = await pageNow(page);
    for (let minute = 1; minute <= Math.ceil(minutes); minute++) {
      const due = startedAt + Math.min(minute, minutes) * 60_000;
      await page.waitForTimeout(Math.max(0, due - Date.now()));
      const windowEnd = await pageNow(page);
      const marks = await readMarks(page, resultMarkOf('app'));
      const summary = summarizeWindow(marks, [], {
        start: windowStart,
        end: windowEnd,
      });
      windowStart = windowEnd;
      const sample: SoakSample = {
        minute: Math.min(minute, minutes),
        results: summary.results,
        fps: summary.fps,
        latencyP90Ms: summary.latencyP90Ms,
        tensors: marks.at(-1)?.tensors ?? NaN,
        pageHeapMb: (await heapUsed(pageCdp)) / MB,
        workerHeapMb: worker === null ? null : (await worker.heapUsed()) / MB,
      };
      samples.push(sample);
      onSample(sample);
    }
    await worker?.detach();
    const marks = await readMarks(page, resultMarkOf('app'));

    return {
      minutes,
      samples,
      tensorsFirst: marks[0]?.tensors ?? NaN,
      tensorsLast: marks.at(-1)?.tensors ?? NaN,
      pageErrors: errors,
    };
  } finally {
    await context.close();
  }
}

async function heapUsed(session: CDPSession): Promise<number> {
  const usage = await session.send('Runtime.getHeapUsage');

  return usage.usedSize;
}

/**
 * A worker's heap through a browser-level CDP session: attached without
 * flattening, so commands go through Target.sendMessageToTarget.
 */
class WorkerHeap {
  #nextId = 1;
  readonly #pending = new Map<number, (result: unknown) => void>();

  private constructor(
    private readonly session: CDPSession,
    private readonly sessionId: string,
  ) {
    session.on('Target.receivedMessageFromTarget', (event) => {
      if (event.sessionId !== this.sessionId) return;
      const message = JSON.parse(event.message) as {
        id?: number;
        result?: unknown;
        error?: unknown;
      };
      if (message.id === undefined) return;
      this.#pending.get(message.id)?.(message.result ?? message.error);
      this.#pending.delete(message.id);
    });
  }

  /** The first worker whose URL contains `urlPart`, or null. */
  static async attach(
    browser: Browser,
    urlPart: string,
  ): Promise<WorkerHeap | null> {
    const session = await browser.newBrowserCDPSession();
    const { targetInfos } = await session.send('Target.getTargets');
    const target = targetInfos.find(
      (info) => info.type === 'worker' && info.url.includes(urlPart),
    );
    if (!target) return null;
    const { sessionId } = await session.send('Target.attachToTarget', {
      targetId: target.targetId,
      flatten: false,
    });

    return new WorkerHeap(session, sessionId);
  }

  /** Bytes used by the worker's JS heap; NaN when it does not answer. */
  async heapUsed(): Promise<number> {
    const id = this.#nextId++;
    const answer = new Promise<unknown>((resolve) => {
      this.#pending.set(id, resolve);
      setTimeout(() => resolve(null), 10_000);
    });
    await this.session.send('Target.sendMessageToTarget', {
      sessionId: this.sessionId,
      message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }),
    });
    const result = (await answer) as { usedSize?: number } | null;

    return result?.usedSize ?? NaN;
  }

  async detach(): Promise<void> {
    await this.session.detach();
  }
}
