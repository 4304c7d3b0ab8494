// The messages a benchmark's app worker answers (bench/sip-setup.ts sends them): idle, stop, phases, busy
// (event-loop utilisation), cpu (this thread's CPU time) and a V8 CPU profile of this thread alone (a
// worker's inspector is its own). Shared by Solde's worker and the bare drachtio-srf B2BUA baseline.
import { Session } from 'node:inspector/promises';
import type { MessagePort } from 'node:worker_threads';

export interface ControlledApp {
  idle(): Promise<void>;
  callsByPhase(): Record<string, number>;
  /** Stops the app and closes what it opened. */
  stop(): Promise<void>;
}

type Message = { type: 'idle' | 'stop' | 'phases' | 'busy' | 'cpu' | 'profile-start' | 'profile-stop' };

export function answerControlMessages(port: MessagePort, app: ControlledApp): void {
  const inspector = new Session();
  inspector.connect();
  let elu = performance.eventLoopUtilization();
  port.on('message', (message: Message) => {
    switch (message.type) {
      case 'profile-start':
        void inspector.post('Profiler.enable').then(() => inspector.post('Profiler.setSamplingInterval', { interval: 100 }))
          .then(() => inspector.post('Profiler.start')).then(() => port.postMessage({ type: 'profile-start' }));
        return;
      case 'profile-stop':
        void inspector.post('Profiler.stop').then(({ profile }) => port.postMessage({ type: 'profile-stop', profile }));
        return;
      case 'cpu': {
        const used = process.threadCpuUsage();
        port.postMessage({ type: 'cpu', micros: used.user + used.system });
        return;
      }
      case 'phases':
        port.postMessage({ type: 'phases', phases: app.callsByPhase() });
        return;
      case 'busy': {
        // Share of time the app's event loop was busy since the last ask: 1.0 means CPU-bound.
        const now = performance.eventLoopUtilization();
        port.postMessage({ type: 'busy', utilization: performance.eventLoopUtilization(now, elu).utilization });
        elu = now;
        return;
      }
      case 'idle':
        void app.idle().then(() => port.postMessage({ type: 'idle' }));
        return;
      case 'stop':
        void app.stop().then(() => port.postMessage({ type: 'stopped' }));
    }
  });
  port.postMessage({ type: 'ready' });
}
