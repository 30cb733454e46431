/**
 * Detector speed: µs per message for the whole pipeline (normalise, rules, features, model), on
 * the training corpus's person messages, after a warm-up. Prints one line per run and the median.
 *
 *   npm run bench:deflection
 */
import { detectMeetingProposal } from '../src/domain/meetingDetection';
import { loadTrainingCorpus, toDetectionInput } from './deflection/corpus';

const RUNS = 5;

function main(): void {
  const messages = loadTrainingCorpus().map(toDetectionInput);
  // Warm-up: the committed model loads on first use, and the JIT settles.
  for (const m of messages) detectMeetingProposal(m);
  const perMessage: number[] = [];
  let fired = 0;
  for (let run = 1; run <= RUNS; run++) {
    fired = 0;
    const start = process.hrtime.bigint();
    for (const m of messages) if (detectMeetingProposal(m).isProposal) fired++;
    const us = Number(process.hrtime.bigint() - start) / 1000 / messages.length;
    perMessage.push(us);
    console.log(`run ${run}: ${messages.length} messages, ${us.toFixed(1)} µs/message`);
  }
  const median = [...perMessage].sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
  // Slowest single message (best of 3 timings each, so a GC pause is not blamed on one message).
  let worst = 0;
  for (const m of messages) {
    let best = Infinity;
    for (let k = 0; k < 3; k++) {
      const start = process.hrtime.bigint();
      detectMeetingProposal(m);
      best = Math.min(best, Number(process.hrtime.bigint() - start) / 1000);
    }
    worst = Math.max(worst, best);
  }
  console.log(`median ${median.toFixed(1)} µs/message, slowest message ${worst.toFixed(0)} µs (${fired} of ${messages.length} fire)`);
}

main();
