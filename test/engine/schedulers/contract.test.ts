/** Every scheduler configuration the registry can build runs the shared scheduler contract. */
import { createScheduler, type SchedulerSettings } from '../../../src/engine/schedulers/registry';
import type { Scheduler } from '../../../src/engine/schedulers/scheduler';
import { describeSchedulerContract } from '../../contracts/schedulerContract';

function factory(settings: SchedulerSettings): () => Scheduler {
  return () => {
    const result = createScheduler(settings, 0);
    if (!result.ok) throw new Error(result.error);
    return result.value;
  };
}

const ladder = { maxBudget: 27, minBudget: 1 };
const stopping = { stopsNonFinite: true, stops: true };
const promotion = { stopsNonFinite: false, stops: true };

describeSchedulerContract('fifo', factory({ type: 'fifo', maxBudget: 27, options: {} }), { stopsNonFinite: false, stops: false });
describeSchedulerContract('median', factory({ type: 'median', maxBudget: 27, options: { minTrials: 3, warmupSteps: 2 } }), stopping);
describeSchedulerContract('asha (stopping)', factory({ type: 'asha', ...ladder, options: { eta: 3, mode: 'stopping' } }), stopping);
describeSchedulerContract('asha (promotion)', factory({ type: 'asha', ...ladder, options: { eta: 3, mode: 'promotion' } }), promotion);
describeSchedulerContract('asha eta 2, max not a power', factory({ type: 'asha', maxBudget: 20, minBudget: 2, options: { eta: 2 } }), stopping);
describeSchedulerContract('sha', factory({ type: 'sha', ...ladder, options: { eta: 3 } }), promotion);
describeSchedulerContract('sha with initial_trials', factory({ type: 'sha', maxBudget: 16, minBudget: 1, options: { eta: 2, initialTrials: 12 } }), promotion);
describeSchedulerContract('hyperband (async, stopping)', factory({ type: 'hyperband', ...ladder, options: { eta: 3, async: true } }), stopping);
describeSchedulerContract('hyperband (async, promotion)', factory({ type: 'hyperband', ...ladder, options: { eta: 3, async: true, mode: 'promotion' } }), promotion);
describeSchedulerContract('hyperband (sync)', factory({ type: 'hyperband', ...ladder, options: { eta: 3, async: false } }), promotion);
