/**
 * A DM or digest as Handoff posted it, kept with its outbox row (`outbox.posted`) so that a click on
 * one of its cards can refresh that card from Handoff's own copy (services/cardRefresh.ts). Deflated:
 * a digest's blocks are a few kilobytes of repetitive JSON, kept for the outbox's retention period.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { KnownBlock } from '@slack/types';

export interface PostedMessage {
  /** The conversation it is in (the DM's D… id, as chat.postMessage answered). */
  channel: string;
  /** Its notification text, kept as it was when a card in it changes. */
  text: string;
  blocks: KnownBlock[];
}

export function encodePosted(m: PostedMessage): string {
  return deflateRawSync(JSON.stringify(m), { level: 1 }).toString('base64');
}

/** Null for anything that is not an encoded PostedMessage. */
export function decodePosted(encoded: string): PostedMessage | null {
  try {
    const m = JSON.parse(inflateRawSync(Buffer.from(encoded, 'base64')).toString('utf8')) as Partial<PostedMessage>;
    return typeof m.channel === 'string' && typeof m.text === 'string' && Array.isArray(m.blocks) ? (m as PostedMessage) : null;
  } catch {
    return null;
  }
}
