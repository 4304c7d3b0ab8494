// Test-side drachtio-server v0.9.4 emulation: see README.md beside this file.
export { startDrachtioServer, DrachtioServer, type DrachtioServerOptions, type BSideBehaviour, type WireRecord } from './server';
export { CallerLeg } from './caller-leg';
export { DEFAULT_OFFER_SDP, type PlaceCallOptions } from './caller-invite';
export { BLeg, DEFAULT_ANSWER_SDP, REASON_PHRASES, type BLegResponseOptions } from './b-leg';
export { SipMessage, parseSipMessage } from './sip-message';
export { sofiaVerdict, type SofiaVerdict } from './sofia-precheck';
export { DEFAULT_WAIT_MS } from './mailbox';
