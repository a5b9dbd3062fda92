import { accountFor, parseSweepEvent } from '../../../lib/handler/scheduled';
import { CHECKPOINT_KIND } from '../../../lib/sweep/sweep';
import { emptyTally } from '../../../lib/sweep/tally';

const scheduled = {
  version: '0',
  id: '89d1a02d-5ec7-412e-82f5-13505f849b41',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-11-23T03:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/eks-trust-guard-prod-sweep'],
  detail: {},
};

const checkpoint = {
  kind: CHECKPOINT_KIND,
  sweepId: 'big',
  account: '111122223333',
  startedAt: '2026-11-23T03:00:00.000Z',
  invocation: 2,
  phase: 'roles',
  marker: 'm',
  pages: 1,
  tally: emptyTally(),
  warnings: [],
};

describe('parseSweepEvent', () => {
  it('takes the scheduled EventBridge event, with a sweep id stable across its redeliveries', () => {
    // Act
    const request = parseSweepEvent(scheduled);

    // Assess
    expect(request).toEqual({ kind: 'scheduled', sweepId: 'scheduled-89d1a02d-5ec7-412e-82f5-13505f849b41', account: '123456789012' });
  });

  it('takes an on-demand payload with or without a sweep id, and nothing at all', () => {
    // Act
    const named = parseSweepEvent({ sweepId: 'api-2026-11-23.1' });
    const anonymous = parseSweepEvent({});
    const empty = parseSweepEvent(undefined);

    // Assess
    expect(named).toEqual({ kind: 'on-demand', sweepId: 'api-2026-11-23.1' });
    expect(anonymous).toEqual({ kind: 'on-demand' });
    expect(empty).toEqual({ kind: 'on-demand' });
  });

  it('takes its own continuation payload', () => {
    // Act
    const request = parseSweepEvent({ checkpoint });

    // Assess
    expect(request).toEqual({ kind: 'continuation', checkpoint });
  });

  it('rejects a bad sweep id, a broken checkpoint and a non-object, saying why', () => {
    // Act
    const results = [parseSweepEvent({ sweepId: 42 }), parseSweepEvent({ sweepId: 'has spaces' }), parseSweepEvent({ checkpoint: { sweepId: 'x' } }), parseSweepEvent('sweep')];

    // Assess
    expect(results).toEqual([
      { kind: 'invalid', reason: 'sweepId must be 1 to 128 letters, digits or . _ : -' },
      { kind: 'invalid', reason: 'sweepId must be 1 to 128 letters, digits or . _ : -' },
      { kind: 'invalid', reason: 'checkpoint is not a sweep checkpoint' },
      { kind: 'invalid', reason: 'the event must be a JSON object' },
    ]);
  });
});

describe('accountFor', () => {
  const context = { invokedFunctionArn: 'arn:aws:lambda:us-east-1:444455556666:function:eks-trust-guard-prod-sweep' };

  it('uses the checkpoint\'s account, then the scheduled event\'s, then the function\'s own', () => {
    // Act
    const fromCheckpoint = accountFor({ kind: 'continuation', checkpoint: checkpoint as never }, context);
    const fromEvent = accountFor({ kind: 'scheduled', sweepId: 's', account: '123456789012' }, context);
    const fromFunction = accountFor({ kind: 'on-demand' }, context);
    const unknown = accountFor({ kind: 'on-demand' }, { invokedFunctionArn: '' });

    // Assess
    expect([fromCheckpoint, fromEvent, fromFunction, unknown]).toEqual(['111122223333', '123456789012', '444455556666', undefined]);
  });
});
