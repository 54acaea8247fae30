/**
 * Redelivery storms. A platform that sends the same delivery several times at once (a retry racing the
 * original, a replay) makes several attempts find the record that one of them has just written and not yet
 * marked published. Publishing from each of them would put one copy of the event per attempt on the bus (the
 * consumers would apply it once, but the archive, the queues and the publish counters would not). So an
 * attempt that finds an unpublished record first waits a moment for the one that wrote it: normally that one
 * publishes within a few hundred milliseconds and the others answer as duplicates. Only a record still
 * unpublished after the wait (its writer failed or crashed: the platform's retry) is published by the attempt
 * that found it, with the same event ids, which consumers apply once.
 */

export interface PublishWait {
  attempts: number;
  intervalMs: number;
}

/** Up to 2 s: longer than a healthy publish under load, far shorter than a webhook's timeout. */
export const CONCURRENT_PUBLISH_WAIT: PublishWait = { attempts: 20, intervalMs: 100 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Waits while `stillUnpublished()` answers true, up to the wait's length. Answers true when a concurrent
 * attempt finished publishing meanwhile (nothing left to do), false when the caller must publish itself.
 */
export async function publishedByConcurrentAttempt(stillUnpublished: () => Promise<boolean>, wait: PublishWait = CONCURRENT_PUBLISH_WAIT): Promise<boolean> {
  for (let attempt = 0; attempt < wait.attempts; attempt++) {
    await sleep(wait.intervalMs);
    if (!(await stillUnpublished())) return true;
  }
  return false;
}
