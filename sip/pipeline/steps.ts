import type Srf from 'drachtio-srf';
import type { Classification } from '../../rating/contracts';
import { REFUSALS, refusalHeaders, type RefusalReason } from '../refusals';
import type { SipDeps } from '../deps';
import type { PbxSourceIndex } from '../trust/pbx-sources';
import { callKey } from './call-key';
import { attachSession, sessionOf } from './context';
import { validateInvite } from './validate-invite';
import { CallSession } from '../session/call-session';
import type { SessionServices } from '../session/services';
import { authorize, type Decision } from './authorize';
import { answerSessionTimer } from '../session/session-timer';

// The INVITE pipeline (srf.use('invite', [...])), one named step per decision. Each step either refuses
// the call with a SIP status or calls next(). Steps before the session exists answer directly; after
// it, every refusal goes through the session so the call is recorded and everything it took released.

export type Step = (req: Srf.SrfRequest, res: Srf.SrfResponse, next: (error?: unknown) => void) => void;

export interface PipelineState {
  draining: boolean;
  pbxSources: PbxSourceIndex;
  /** Sessions created but not finished, by the call key. */
  readonly live: Map<string, CallSession>;
}

export function buildPipeline(deps: SipDeps, services: SessionServices, state: PipelineState): Step[] {
  return [
    named('admitWhileRunning', (req, res, next) => (state.draining ? answer(res, 'shutting-down') : next())),
    named('validateInvite', (req, res, next) => validate(req, res, next, services, state)),
    sessionStep('trustSource', async (session, req) => {
      const accountId = state.pbxSources.accountOf(req.source_address);
      if (accountId === null) {
        session.log.warn({ source: req.source_address }, 'INVITE from an unknown source refused');
        return 'untrusted-source';
      }
      session.accountId = accountId;
      return null;
    }),
    sessionStep('identifyTenant', async (session) => {
      session.account = await deps.accounts.get(session.accountId).catch(() => null);
      return null;
    }),
    sessionStep('classifyNumber', async (session) => {
      const classification: Classification = deps.classify(session.dialled);
      session.classified(classification);
      if (classification.class !== 'INVALID') return null;
      return /incomplete|too-short/.test(classification.rule) ? 'incomplete-number' : 'invalid-number';
    }),
    sessionStep('checkSessionInterval', async (session, req) => {
      // Emergency calls are never refused: whatever interval they ask for is accepted.
      const lenient = session.classification?.class === 'EMERGENCY';
      const answer = answerSessionTimer(req, deps.config.sessionTimer, lenient);
      if (answer.kind === 'ok') {
        session.sessionTimerHeaders = answer.headers;
        return null;
      }
      const refusal = REFUSALS['session-interval-too-small'];
      void session.end({ reason: 'session-interval-too-small', status: refusal.status, phrase: refusal.phrase,
        headers: { ...refusalHeaders('session-interval-too-small'), 'Min-SE': String(deps.config.sessionTimer.minSeconds) } });
      return 'handled';
    }),
    sessionStep('rateCall', async (session) => {
      if (!session.isPaid) return null;
      const key = session.classification!.ratingKey;
      session.tariff = key === null ? null : deps.tariffs.current().lookup(key) ?? null;
      return session.tariff === null ? 'no-rate' : null;
    }),
    sessionStep('authorizeCall', (session) => authorize(session, deps.config.meterIntervalSeconds, deps.config.grantValiditySeconds)),
    named('connectCall', (req) => void sessionOf(req).connect()),
  ];
}

function validate(req: Srf.SrfRequest, res: Srf.SrfResponse, next: () => void, services: SessionServices, state: PipelineState): void {
  const receivedAtMs = services.clock.now();
  const validation = validateInvite(req);
  if (!validation.ok) return answer(res, validation.reason);
  const { facts } = validation;
  const key = callKey(facts.callId, facts.fromTag);
  if (state.live.has(key)) return answer(res, 'bad-request'); // a second INVITE for a dialog in progress
  const session = new CallSession(services, req, res, key, facts.callId, facts.fromTag, receivedAtMs);
  session.dialled = facts.dialled;
  session.extension = facts.extension;
  session.maxForwards = facts.maxForwards;
  state.live.set(key, session);
  attachSession(req, session);
  next();
}

/** A step that works on the session and returns a refusal reason, or null to go on. */
function sessionStep(name: string, decide: (session: CallSession, req: Srf.SrfRequest) => Promise<Decision>): Step {
  return named(name, (req, _res, next) => {
    const session = sessionOf(req);
    if (session.isOver) return;
    decide(session, req).then((refusal) => {
      if (session.isOver) return;
      if (refusal === null) next();
      else if (refusal !== 'handled') void session.refuse(refusal);
    }, (error: unknown) => session.fail(error));
  });
}

function answer(res: Srf.SrfResponse, reason: RefusalReason): void {
  const refusal = REFUSALS[reason];
  res.send(refusal.status, refusal.phrase, { headers: refusalHeaders(reason) });
}

function named(name: string, step: Step): Step {
  Object.defineProperty(step, 'name', { value: name });
  return step;
}
