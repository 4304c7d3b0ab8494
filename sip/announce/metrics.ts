import client from 'prom-client';
import { registry } from '../../core/metrics';

export const announcementsTotal = new client.Counter({
  name: 'solde_announcements_total', help: 'Announcements asked for, by whether the cache had them (hit) or they were assembled',
  labelNames: ['outcome'] as const, registers: [registry],
});
