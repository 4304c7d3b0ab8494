import type Srf from 'drachtio-srf';
import type { CallSession } from '../session/call-session';

// The session each INVITE's pipeline steps work on, attached to the request without touching drachtio's
// objects.

const sessions = new WeakMap<Srf.SrfRequest, CallSession>();

export function attachSession(req: Srf.SrfRequest, session: CallSession): void {
  sessions.set(req, session);
}

export function sessionOf(req: Srf.SrfRequest): CallSession {
  const session = sessions.get(req);
  if (!session) throw new Error('pipeline step ran before the session was created');
  return session;
}
