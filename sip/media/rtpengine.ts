import { NgClient, NgError, type NgReply } from './ng-client';
import { placeholderAnswerSdp } from './placeholder-sdp';

// The media side of a call, through rtpengine's NG protocol, with the flags of the recorded app
// (test/support/drachtio/recordings/flows/*.txt): offer with the caller's SDP, answer under the to-tag
// "b2b-<from-tag>" (first with a placeholder for the announcement, then with the callee's SDP), play media to the caller,
// delete at teardown. Every command is bounded by the NG client's timeout.

/** Identifies one anchored call in rtpengine: the caller's Call-ID and From tag. */
export interface MediaCall {
  readonly callId: string;
  readonly fromTag: string;
}

export interface MediaControl {
  /** Anchors the caller's offer; returns the SDP to offer the callee. */
  offer(call: MediaCall, callerSdp: string): Promise<string>;
  /** Opens the caller-facing side for early media; returns the SDP of the 183. */
  answerEarly(call: MediaCall, callerSdp: string): Promise<string>;
  /** Completes the anchoring with the callee's answer; returns the SDP of the caller's 200. */
  answer(call: MediaCall, calleeSdp: string): Promise<string>;
  /** Plays a file to the caller; returns its duration in ms (rtpengine reports no end of playback). */
  play(call: MediaCall, file: string): Promise<number>;
  /** Frees the call's ports. A call rtpengine does not know is not an error. */
  delete(call: MediaCall): Promise<void>;
  close(): void;
}

export class MediaError extends Error {
  override name = 'MediaError';
}

const REPLACE = ['origin', 'session-connection'];

export function createRtpengineMedia(options: { host: string; port: number; timeoutMs?: number }): MediaControl {
  const client = new NgClient(options);
  let version = 0;
  const command = async (name: string, args: Record<string, string | string[]>): Promise<NgReply> => {
    let reply: NgReply;
    try {
      reply = await client.send(name, args);
    } catch (error) {
      throw new MediaError((error as NgError).message);
    }
    if (reply.result !== 'ok') throw new MediaError(`rtpengine ${name}: ${String(reply['error-reason'] ?? reply.result)}`);
    return reply;
  };
  const sdpOf = (reply: NgReply, name: string): string => {
    if (typeof reply.sdp !== 'string') throw new MediaError(`rtpengine ${name} returned no SDP`);
    return reply.sdp;
  };
  const base = (call: MediaCall) => ({ 'call-id': call.callId, 'from-tag': call.fromTag });
  const answerWith = async (call: MediaCall, sdp: string) =>
    sdpOf(await command('answer', { ...base(call), 'to-tag': `b2b-${call.fromTag}`, replace: REPLACE, sdp }), 'answer');

  return {
    async offer(call, callerSdp) {
      return sdpOf(await command('offer', { ...base(call), replace: REPLACE, sdp: callerSdp }), 'offer');
    },
    async answerEarly(call, callerSdp) {
      version += 1;
      return answerWith(call, placeholderAnswerSdp(callerSdp, version));
    },
    answer: answerWith,
    async play(call, file) {
      const reply = await command('play media', { ...base(call), file });
      const duration = reply.duration;
      if (typeof duration !== 'number' || duration < 0) throw new MediaError(`rtpengine play media gave no duration for ${file}`);
      return duration;
    },
    async delete(call) {
      try {
        await command('delete', base(call));
      } catch (error) {
        if (/unknown call|call-id not found/i.test((error as Error).message)) return;
        throw error;
      }
    },
    close: () => client.close(),
  };
}
