import type Srf from 'drachtio-srf';

// Sending a response on the caller's INVITE transaction, as a promise. drachtio-srf reports a response
// it could not send (the transaction is gone: the caller canceled) with a plain string, not an Error.

export function sendResponse(res: Srf.SrfResponse, status: number, phrase: string, opts: { headers?: Record<string, string>; body?: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    try {
      res.send(status, phrase, opts, (error: unknown) => {
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else resolve();
      });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/** A final response that may come too late (transaction already closed): failures are reported, not thrown. */
export async function sendFinal(res: Srf.SrfResponse, status: number, phrase: string, headers: Record<string, string>): Promise<string | null> {
  if (res.finalResponseSent) return 'final response already sent';
  try {
    await sendResponse(res, status, phrase, { headers });
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
