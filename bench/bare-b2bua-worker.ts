// The baseline of issue 15: a bare drachtio-srf B2BUA in a worker thread, no rating, no funds, no media, no
// call record. Every INVITE is bridged to the same trunk the way Solde bridges an included call
// (createB2BUA, the dialled user on the trunk's host, Max-Forwards one less), and a BYE on one leg ends the
// other. Answers the same control messages as Solde's worker, so a bench measures both the same way.
import { parentPort, workerData } from 'node:worker_threads';
import Srf from 'drachtio-srf';
import type { AppWorkerData } from './sip-app-worker';
import { answerControlMessages } from './worker-control';

const data = workerData as AppWorkerData;
const srf = new Srf();
let inProgress = 0;
const idleWaiters: Array<() => void> = [];

function ended(): void {
  inProgress -= 1;
  if (inProgress === 0) for (const wake of idleWaiters.splice(0)) wake();
}

srf.invite((req, res) => {
  inProgress += 1;
  const user = /^sips?:([^@;]+)@/.exec(req.uri)?.[1] ?? 'unknown';
  const maxForwards = Number(req.get('Max-Forwards') ?? 70);
  srf.createB2BUA(req, res, `sip:${user}@127.0.0.1:5070`, { headers: { 'Max-Forwards': String(maxForwards - 1) } })
    .then(({ uas, uac }) => {
      let open = 2;
      const hangUp = (other: Srf.Dialog) => () => { other.destroy(); open -= 1; if (open === 1) ended(); };
      uas.on('destroy', hangUp(uac));
      uac.on('destroy', hangUp(uas));
      // A BYE can arrive before createB2BUA's promise lets us listen: that dialog is already down.
      const down = (dialog: Srf.Dialog) => (dialog as unknown as { connected?: boolean }).connected === false;
      if (down(uas)) hangUp(uac)();
      else if (down(uac)) hangUp(uas)();
    }, () => ended());
});

await new Promise<void>((resolve, reject) => {
  srf.once('connect', (error: Error | null) => (error ? reject(error) : resolve()));
  srf.once('error', reject);
  srf.connect({ host: '127.0.0.1', port: data.drachtioPort, secret: data.secret });
});

answerControlMessages(parentPort!, {
  idle: () => (inProgress === 0 ? Promise.resolve() : new Promise<void>((resolve) => { idleWaiters.push(resolve); })),
  callsByPhase: (): Record<string, number> => (inProgress === 0 ? {} : { 'in progress': inProgress }),
  async stop() { srf.disconnect(); },
});
