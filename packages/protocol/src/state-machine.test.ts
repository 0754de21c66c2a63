import { describe, expect, it } from 'vitest';
import { StateMachine, type Transitions } from './state-machine.js';
import { TandemError } from './errors.js';

type S = 'idle' | 'open' | 'closed';
const TABLE: Transitions<S> = { idle: ['open', 'closed'], open: ['closed'], closed: [] };

function code(fn: () => void): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TandemError);
    return (err as TandemError).code;
  }
  return undefined;
}

describe('StateMachine', () => {
  it('moves along the table and knows its final states', () => {
    const m = new StateMachine<S>({ name: 'test', initial: 'idle', transitions: TABLE });
    expect(m.state).toBe('idle');
    expect(m.final).toBe(false);
    expect(m.can('open')).toBe(true);
    m.to('open');
    expect(m.is('open', 'closed')).toBe(true);
    expect(m.can('idle')).toBe(false);
    m.to('closed');
    expect(m.final).toBe(true);
  });

  it('refuses a move the table forbids as our bug (INTERNAL), and peer input out of state as PROTOCOL', () => {
    const m = new StateMachine<S>({ name: 'test', initial: 'idle', transitions: TABLE });
    m.to('closed');
    expect(code(() => m.to('open'))).toBe('TANDEM_ERR_INTERNAL');
    expect(m.state).toBe('closed');
    expect(code(() => m.expect(['open'], 'a record'))).toBe('TANDEM_ERR_PROTOCOL');
    expect(code(() => m.expect(['closed'], 'a record'))).toBeUndefined();
  });

  it('refuses a table that names an unknown state or an unknown initial state', () => {
    const bad = { idle: ['opened'], open: [], closed: [] } as unknown as Transitions<S>;
    expect(code(() => new StateMachine<S>({ name: 'test', initial: 'idle', transitions: bad }))).toBe('TANDEM_ERR_INTERNAL');
    expect(code(() => new StateMachine<S>({ name: 'test', initial: 'gone' as S, transitions: TABLE }))).toBe('TANDEM_ERR_INTERNAL');
  });

  it('tells onTransition of every move, after it is made, and of no refused one', () => {
    const moves: string[] = [];
    const m = new StateMachine<S>({ name: 'test', initial: 'idle', transitions: TABLE, onTransition: (from, to) => moves.push(`${from} → ${to} (${m.state})`) });
    m.to('open');
    expect(code(() => m.to('idle'))).toBe('TANDEM_ERR_INTERNAL');
    m.to('closed');
    expect(moves).toEqual(['idle → open (open)', 'open → closed (closed)']);
  });
});
