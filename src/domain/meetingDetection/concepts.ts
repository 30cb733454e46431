/**
 * Concept tagging for the model: every language's lexicon (languages/*.ts) merged per concept, so
 * a message in any language, or in a mix of them, reads as a sequence such as
 * SUGGEST MEET WHEN "?". Built once at module load.
 */
import { LANGUAGES } from './languages';
import type { Concept } from './languages/shared';

const CONCEPT_PATTERNS: [Concept, RegExp][] = (() => {
  const byConcept = new Map<Concept, string[]>();
  for (const rules of LANGUAGES) {
    for (const [concept, source] of Object.entries(rules.lexicon) as [Concept, string][]) {
      byConcept.set(concept, [...(byConcept.get(concept) ?? []), source]);
    }
  }
  // Word edges: the tagged phrase must not be part of a longer word ("call" in "recall").
  return [...byConcept.entries()].map(([c, sources]) => [c, new RegExp(`(?<![a-z0-9'])(?:${sources.join('|')})(?![a-z0-9'])`, 'g')]);
})();

export interface ConceptHit {
  /** Character offset in the input. */
  at: number;
  /** Character offset just after the hit. */
  end: number;
  concept: string;
}

/** Concepts in order of appearance; "?" marks a question. Input: the model's tokens joined by spaces. */
export function conceptHits(tokenText: string): ConceptHit[] {
  const hits: ConceptHit[] = [];
  for (const [concept, re] of CONCEPT_PATTERNS) for (const m of tokenText.matchAll(re)) hits.push({ at: m.index ?? 0, end: (m.index ?? 0) + m[0].length, concept });
  for (const m of tokenText.matchAll(/\?/g)) hits.push({ at: m.index ?? 0, end: (m.index ?? 0) + 1, concept: '?' });
  hits.sort((a, b) => a.at - b.at || a.concept.localeCompare(b.concept));
  return hits;
}
