/**
 * Counts event-loop turns: a ticker that only runs when the code under test gives the loop back
 * (sliced work that yields). `stop()` ends it and returns how many turns it saw.
 */
export function countLoopTurns(): { stop(): number } {
  let turns = 0;
  let ticking = true;
  const tick = () => {
    turns += 1;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    stop: () => {
      ticking = false;
      return turns;
    },
  };
}
