import { describe, expect, it } from 'vitest';
import { advance, callText, spokenDuration, type CallRecord } from './call-log.ts';

const call = (direction: CallRecord['direction']): CallRecord => ({
  id: 'wacid.1',
  direction,
  state: direction === 'USER_INITIATED' ? 'RINGING' : 'CALLING',
  outcome: null,
  durationSeconds: null,
  startTime: null,
  endTime: null,
  bizOpaqueCallbackData: null,
});
const terminate = (durationSeconds: number) => ({ kind: 'terminate' as const, durationSeconds, startTime: null, endTime: null });

describe('the call log', () => {
  it('reads as a person says it', () => {
    expect(spokenDuration(192)).toBe('3 min 12 s');
    expect(spokenDuration(45)).toBe('45 s');
    expect(spokenDuration(3725)).toBe('1 h 2 min 5 s');
    expect(callText(advance(call('USER_INITIATED'), terminate(192)))).toBe('Call, 3 min 12 s, answered');
    expect(callText(advance(call('USER_INITIATED'), terminate(0)))).toBe('Missed call');
    expect(callText(advance(call('BUSINESS_INITIATED'), terminate(0)))).toBe('Call, not answered');
  });

  it('follows our call through its statuses; a declined one stays declined when it ends', () => {
    let ours = call('BUSINESS_INITIATED');
    ours = advance(ours, { kind: 'status', status: 'RINGING' });
    expect(callText(ours)).toBe('Call, ringing');
    ours = advance(ours, { kind: 'status', status: 'REJECTED' });
    expect(callText(advance(ours, terminate(0)))).toBe('Call declined');
    const picked = advance(advance(call('BUSINESS_INITIATED'), { kind: 'connect' }), { kind: 'status', status: 'ACCEPTED' });
    expect(callText(picked)).toBe('Call, in progress');
    // Picked up and put down within the second: answered all the same.
    expect(callText(advance(picked, terminate(0)))).toBe('Call, 0 s, answered');
  });

  it('never goes back: a late status after the end, or RINGING after ACCEPTED, changes nothing', () => {
    const ended = advance(call('BUSINESS_INITIATED'), terminate(30));
    expect(advance(ended, { kind: 'status', status: 'RINGING' })).toEqual(ended);
    expect(advance(ended, terminate(0))).toEqual(ended);
    const accepted = advance(call('BUSINESS_INITIATED'), { kind: 'status', status: 'ACCEPTED' });
    expect(advance(accepted, { kind: 'status', status: 'RINGING' }).state).toBe('ACCEPTED');
  });
});
