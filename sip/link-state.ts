// Whether Solde has its link to drachtio-server, for readiness (/ready): inbound mode, up from a
// successful 'connect' until the socket fails, closes or drachtio-srf starts reconnecting; outbound mode
// (drachtio-server connects to Solde for each call), up once Solde listens.
import type Srf from 'drachtio-srf';
import type { DrachtioConfig } from './deps';

export interface SipLink {
  up(): boolean;
}

export function trackSipLink(srf: Srf, drachtio: DrachtioConfig): SipLink {
  let up = false;
  const on = srf.on.bind(srf) as (event: string, listener: (...args: unknown[]) => void) => void;
  if (drachtio.mode === 'inbound') {
    on('connect', (error) => { up = !error; });
    for (const event of ['close', 'reconnecting', 'error']) on(event, () => { up = false; });
  } else {
    // A call's connection closing in outbound mode says nothing about the listener.
    on('listening', () => { up = true; });
  }
  return { up: () => up };
}
