/**
 * Records what the deflection service decided for every message event, as `prompted`, `failed` or
 * `ignored: <why>`, so a test asserts "nothing happened" on a decision that was made, not on a sleep.
 */
import { outcomeLabel } from '../../src/services/deflection';
import type { TestApp } from './testApp';

export function recordDeflectionOutcomes(t: TestApp): string[] {
  const outcomes: string[] = [];
  const service = t.handoff.deps.deflection;
  const onMessage = service.onMessage.bind(service);
  service.onMessage = async (...args) => {
    const result = await onMessage(...args);
    outcomes.push(outcomeLabel(result));
    return result;
  };
  return outcomes;
}
