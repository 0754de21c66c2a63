/**
 * The system-information channel between two in-memory ends, through every
 * transition of SYSINFO_TRANSITIONS:
 *
 * | transition | test |
 * | --- | --- |
 * | asked → answered, asking → answered | answered after a yes |
 * | asked → refused, asking → refused | refused |
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TransitionLog } from '@tandem/test-kit';
import { SysinfoChannel, SYSINFO_TRANSITIONS, encodeSysinfoMessage, type SysinfoEvent } from './sysinfo-channel.js';
import { TANDEM_VERSION } from './constants.js';

const log = new TransitionLog();

function pair() {
  const events: { technician: SysinfoEvent[]; customer: SysinfoEvent[] } = { technician: [], customer: [] };
  const make = (role: 'technician' | 'customer', peer: () => SysinfoChannel): SysinfoChannel => {
    const c = new SysinfoChannel({ role, isOpen: () => true, onTransition: log.record, send: async (p) => peer().receive(p) });
    c.onEvent((e) => events[role].push(e));
    return c;
  };
  const tech: SysinfoChannel = make('technician', () => customer);
  const customer: SysinfoChannel = make('customer', () => tech);
  return { tech, customer, events };
}

describe('SysinfoChannel', () => {
  it('answered after a yes', async () => {
    const p = pair();
    const id = p.tech.request();
    await Promise.resolve();
    expect(p.events.customer).toEqual([{ type: 'sysinfo-request', id }]);
    p.customer.send(id, [{ key: 'OS', value: 'Linux' }]);
    await Promise.resolve();
    expect(p.events.technician).toEqual([{ type: 'sysinfo', id, items: [{ key: 'OS', value: 'Linux' }] }]);
    // Answered once only.
    expect(() => p.customer.send(id, [])).toThrow(/no system-information request/);
  });

  it('refused', async () => {
    const p = pair();
    const id = p.tech.request();
    await Promise.resolve();
    p.customer.refuse(id, 'declined');
    await Promise.resolve();
    expect(p.events.technician).toEqual([{ type: 'sysinfo-refused', id, reason: 'declined', by: 'peer' }]);
  });

  it('refuses what the peer may not send: a request to the technician, an answer nobody asked for, bad items', () => {
    const p = pair();
    expect(() => p.tech.receive(encodeSysinfoMessage({ type: 'request', id: 1 }))).toThrow(/only the technician asks/);
    expect(() => p.tech.receive(encodeSysinfoMessage({ type: 'info', id: 7, items: [] }))).toThrow(/no request 7/);
    expect(() => p.customer.request()).toThrow(/only the technician/);
    p.tech.request();
    expect(() => p.tech.receive(new TextEncoder().encode('{"type":"info","id":1,"items":[{"key":"","value":"x"}]}'))).toThrow(/key/);
  });

  it('TANDEM_VERSION is the packages\' version', () => {
    const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    expect(TANDEM_VERSION).toBe(version);
  });

  it('takes every transition of the table', () => {
    expect(log.untaken(SYSINFO_TRANSITIONS)).toEqual([]);
  });
});
