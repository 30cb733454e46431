/**
 * Block Kit limit validator used by the fake Slack Web API.
 *
 * Real Slack rejects over-limit payloads (chat.* with `invalid_blocks`, views.* with
 * `invalid_arguments`), so a test suite that never checks limits lets bugs ship that only
 * show up in production. Errors are returned in Slack's own wording and shape,
 * `[ERROR] <reason> [json-pointer:<path>]`, so they can go straight into
 * `response_metadata.messages`.
 *
 * Limits (checked 2025 against the Slack reference and the JSDoc of @slack/types 3.2):
 * - docs.slack.dev/reference/block-kit/blocks/*: 50 blocks per message, 100 per modal/home;
 *   section text 3000, fields <= 10 x 2000; header text 150; context <= 10 elements;
 *   actions <= 25 elements; block_id 255; input label/hint 2000; image alt_text/title 2000.
 * - docs.slack.dev/reference/block-kit/block-elements/*: action_id 255; button text 75,
 *   value 2000, url 3000; plain_text_input min/max_length <= 3000; placeholder 150;
 *   static selects <= 100 options/option groups; checkboxes/radio <= 10 options; overflow <= 5.
 * - docs.slack.dev/reference/block-kit/composition-objects/option-object: text 75,
 *   value 150, description 75. (@slack/types 3.2 JSDoc still says value 75; the current
 *   reference page says 150, which we follow.)
 * - docs.slack.dev/reference/views/modal-views: title/submit/close 24 (plain_text), submit
 *   required with input blocks, callback_id 255, private_metadata 3000, external_id 255.
 */
import type { AnyBlock, HomeView, ModalView } from '@slack/types';

export type SurfaceKind = 'message' | 'modal' | 'home';

/** A message surface: either the blocks array or anything carrying `blocks` (e.g. postMessage args). */
export type MessageSurface = AnyBlock[] | { blocks?: AnyBlock[] };

export const LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  blockId: 255,
  actionId: 255,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  markdownText: 12000,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  accessibilityLabel: 75,
  placeholder: 150,
  inputLength: 3000,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  selectOptions: 100,
  choiceOptions: 10,
  overflowOptions: 5,
  inputLabel: 2000,
  inputHint: 2000,
  imageAltText: 2000,
  imageTitle: 2000,
  viewTitle: 24,
  viewButton: 24,
  callbackId: 255,
  privateMetadata: 3000,
  externalId: 255,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
} as const;

// Block types known to @slack/types 3.2 (KnownBlock).
const BLOCK_TYPES = new Set([
  'actions',
  'alert',
  'card',
  'carousel',
  'container',
  'context',
  'context_actions',
  'data_table',
  'divider',
  'file',
  'header',
  'image',
  'input',
  'markdown',
  'rich_text',
  'section',
  'table',
  'task_card',
  'plan',
  'video',
]);

const SELECTS = [
  'static_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'external_select',
  'multi_static_select',
  'multi_users_select',
  'multi_conversations_select',
  'multi_channels_select',
  'multi_external_select',
];
const PICKERS = ['datepicker', 'datetimepicker', 'timepicker'];
// Which elements each container accepts (ActionsBlockElement, SectionBlockAccessory, InputBlockElement).
const ACTIONS_ELEMENTS = new Set(['button', 'checkboxes', 'overflow', 'radio_buttons', 'workflow_button', 'rich_text_input', ...SELECTS, ...PICKERS]);
const ACCESSORY_ELEMENTS = new Set(['button', 'checkboxes', 'image', 'overflow', 'radio_buttons', 'workflow_button', ...SELECTS, ...PICKERS]);
const INPUT_ELEMENTS = new Set([
  'checkboxes',
  'email_text_input',
  'file_input',
  'number_input',
  'plain_text_input',
  'radio_buttons',
  'rich_text_input',
  'url_text_input',
  ...SELECTS,
  ...PICKERS,
]);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects errors while walking one surface; block_ids must be unique across the whole surface. */
class Walk {
  readonly errors: string[] = [];
  readonly blockIds = new Set<string>();

  error(path: string, reason: string): void {
    this.errors.push(`[ERROR] ${reason} [json-pointer:${path}]`);
  }

  /** Optional string with a max length. */
  string(path: string, value: unknown, max: number): void {
    if (value === undefined) return;
    if (typeof value !== 'string') return this.error(path, 'must be a string');
    if (value.length > max) this.error(path, `must be less than ${max + 1} characters`);
  }

  /** Optional array with a max item count; returns the items for further checks. */
  array(path: string, value: unknown, max: number, min = 0): unknown[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.error(path, 'must be an array');
      return [];
    }
    if (value.length < min) this.error(path, `must provide at least ${min} items`);
    if (value.length > max) this.error(path, `no more than ${max} items allowed`);
    return value;
  }

  /** A text object: right type, non-empty, within the limit. */
  text(path: string, value: unknown, opts: { max: number; types?: string[]; required?: boolean }): void {
    const types = opts.types ?? ['plain_text'];
    if (value === undefined) {
      if (opts.required) this.error(path, 'missing required field');
      return;
    }
    if (!isObject(value)) return this.error(path, 'must be a text object');
    if (typeof value.type !== 'string' || !types.includes(value.type)) {
      this.error(`${path}/type`, `must be one of [${types.join(', ')}]`);
    }
    if (typeof value.text !== 'string') return this.error(`${path}/text`, 'must be a string');
    if (value.text.length === 0) this.error(`${path}/text`, 'must be more than 0 characters');
    if (value.text.length > opts.max) this.error(`${path}/text`, `must be less than ${opts.max + 1} characters`);
  }
}

export function validateSurface(kind: 'message', payload: MessageSurface): string[];
export function validateSurface(kind: 'modal', payload: ModalView): string[];
export function validateSurface(kind: 'home', payload: HomeView): string[];
export function validateSurface(kind: SurfaceKind, payload: unknown): string[];
export function validateSurface(kind: SurfaceKind, payload: unknown): string[] {
  const walk = new Walk();
  if (kind === 'message') {
    const blocks = Array.isArray(payload) ? payload : isObject(payload) ? payload.blocks : undefined;
    checkBlocks(walk, '/blocks', blocks, LIMITS.messageBlocks);
  } else {
    checkView(walk, kind, payload);
  }
  return walk.errors;
}

function checkView(walk: Walk, kind: 'modal' | 'home', view: unknown): void {
  if (!isObject(view)) return walk.error('/view', 'must be an object');
  if (view.type !== kind) walk.error('/view/type', `must be "${kind}"`);
  if (view.blocks === undefined) walk.error('/view/blocks', 'missing required field');
  checkBlocks(walk, '/view/blocks', view.blocks, LIMITS.viewBlocks);
  walk.string('/view/callback_id', view.callback_id, LIMITS.callbackId);
  walk.string('/view/private_metadata', view.private_metadata, LIMITS.privateMetadata);
  walk.string('/view/external_id', view.external_id, LIMITS.externalId);
  if (kind !== 'modal') return;
  walk.text('/view/title', view.title, { max: LIMITS.viewTitle, required: true });
  walk.text('/view/submit', view.submit, { max: LIMITS.viewButton });
  walk.text('/view/close', view.close, { max: LIMITS.viewButton });
  const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObject(b) && b.type === 'input');
  if (hasInput && view.submit === undefined) walk.error('/view/submit', 'submit is required when an input block is present');
}

function checkBlocks(walk: Walk, path: string, blocks: unknown, max: number): void {
  walk.array(path, blocks, max).forEach((block, i) => checkBlock(walk, `${path}/${i}`, block));
}

function checkBlock(walk: Walk, path: string, block: unknown): void {
  if (!isObject(block)) return walk.error(path, 'must be an object');
  if (typeof block.type !== 'string' || !BLOCK_TYPES.has(block.type)) {
    return walk.error(`${path}/type`, `unsupported block type "${String(block.type)}"`);
  }
  checkBlockId(walk, `${path}/block_id`, block.block_id);
  const actionIds = new Set<string>(); // action_ids must be unique within their block
  switch (block.type) {
    case 'section':
      return checkSection(walk, path, block, actionIds);
    case 'header':
      return walk.text(`${path}/text`, block.text, { max: LIMITS.headerText, required: true });
    case 'context':
      return checkContext(walk, path, block);
    case 'actions':
      return checkActions(walk, path, block, actionIds);
    case 'input':
      return checkInput(walk, path, block, actionIds);
    case 'image':
      return checkImageBlock(walk, path, block);
    case 'markdown':
      return walk.string(`${path}/text`, block.text, LIMITS.markdownText);
    default:
      return; // other block types: only the common checks
  }
}

function checkBlockId(walk: Walk, path: string, blockId: unknown): void {
  if (blockId === undefined) return;
  walk.string(path, blockId, LIMITS.blockId);
  if (typeof blockId !== 'string') return;
  if (walk.blockIds.has(blockId)) walk.error(path, `duplicate block_id "${blockId}"`);
  walk.blockIds.add(blockId);
}

function checkSection(walk: Walk, path: string, block: Json, actionIds: Set<string>): void {
  if (block.text === undefined && block.fields === undefined) {
    walk.error(path, 'section requires text or fields');
  }
  walk.text(`${path}/text`, block.text, { max: LIMITS.sectionText, types: ['plain_text', 'mrkdwn'] });
  walk
    .array(`${path}/fields`, block.fields, LIMITS.sectionFields, 1)
    .forEach((field, i) => walk.text(`${path}/fields/${i}`, field, { max: LIMITS.sectionFieldText, types: ['plain_text', 'mrkdwn'] }));
  if (block.accessory !== undefined) {
    checkElement(walk, `${path}/accessory`, block.accessory, ACCESSORY_ELEMENTS, actionIds);
  }
}

function checkContext(walk: Walk, path: string, block: Json): void {
  if (block.elements === undefined) walk.error(`${path}/elements`, 'missing required field');
  walk.array(`${path}/elements`, block.elements, LIMITS.contextElements, 1).forEach((el, i) => {
    const elPath = `${path}/elements/${i}`;
    if (isObject(el) && el.type === 'image') return checkImageElement(walk, elPath, el);
    walk.text(elPath, el, { max: LIMITS.sectionText, types: ['plain_text', 'mrkdwn'] });
  });
}

function checkActions(walk: Walk, path: string, block: Json, actionIds: Set<string>): void {
  if (block.elements === undefined) walk.error(`${path}/elements`, 'missing required field');
  walk.array(`${path}/elements`, block.elements, LIMITS.actionsElements, 1).forEach((el, i) => checkElement(walk, `${path}/elements/${i}`, el, ACTIONS_ELEMENTS, actionIds));
}

function checkInput(walk: Walk, path: string, block: Json, actionIds: Set<string>): void {
  walk.text(`${path}/label`, block.label, { max: LIMITS.inputLabel, required: true });
  walk.text(`${path}/hint`, block.hint, { max: LIMITS.inputHint });
  if (block.element === undefined) return walk.error(`${path}/element`, 'missing required field');
  checkElement(walk, `${path}/element`, block.element, INPUT_ELEMENTS, actionIds);
}

function checkImageBlock(walk: Walk, path: string, block: Json): void {
  if (typeof block.alt_text !== 'string') walk.error(`${path}/alt_text`, 'missing required field');
  walk.string(`${path}/alt_text`, block.alt_text, LIMITS.imageAltText);
  walk.text(`${path}/title`, block.title, { max: LIMITS.imageTitle });
  walk.string(`${path}/image_url`, block.image_url, LIMITS.url);
  if (block.image_url === undefined && block.slack_file === undefined) {
    walk.error(path, 'image requires image_url or slack_file');
  }
}

function checkImageElement(walk: Walk, path: string, el: Json): void {
  if (typeof el.alt_text !== 'string') walk.error(`${path}/alt_text`, 'missing required field');
  walk.string(`${path}/alt_text`, el.alt_text, LIMITS.imageAltText);
  walk.string(`${path}/image_url`, el.image_url, LIMITS.url);
}

/** An interactive element inside a block; `allowed` is the set its container accepts. */
function checkElement(walk: Walk, path: string, el: unknown, allowed: Set<string>, actionIds: Set<string>): void {
  if (!isObject(el)) return walk.error(path, 'must be an object');
  if (typeof el.type !== 'string' || !allowed.has(el.type)) {
    return walk.error(`${path}/type`, `unsupported element type "${String(el.type)}" here`);
  }
  if (el.type === 'image') return checkImageElement(walk, path, el);
  checkActionId(walk, `${path}/action_id`, el.action_id, actionIds);
  walk.text(`${path}/placeholder`, el.placeholder, { max: LIMITS.placeholder });
  if (el.confirm !== undefined) checkConfirm(walk, `${path}/confirm`, el.confirm);
  if (el.type === 'button') return checkButton(walk, path, el);
  if (el.type === 'plain_text_input') return checkTextInput(walk, path, el);
  if (el.type === 'overflow') return checkOptions(walk, `${path}/options`, el.options, LIMITS.overflowOptions, true);
  if (el.type === 'checkboxes' || el.type === 'radio_buttons') {
    return checkOptions(walk, `${path}/options`, el.options, LIMITS.choiceOptions, true);
  }
  if (el.type === 'static_select' || el.type === 'multi_static_select') return checkStaticSelect(walk, path, el);
}

function checkActionId(walk: Walk, path: string, actionId: unknown, actionIds: Set<string>): void {
  if (actionId === undefined) return;
  walk.string(path, actionId, LIMITS.actionId);
  if (typeof actionId !== 'string') return;
  if (actionIds.has(actionId)) walk.error(path, `duplicate action_id "${actionId}" in block`);
  actionIds.add(actionId);
}

function checkButton(walk: Walk, path: string, el: Json): void {
  walk.text(`${path}/text`, el.text, { max: LIMITS.buttonText, required: true });
  walk.string(`${path}/value`, el.value, LIMITS.buttonValue);
  walk.string(`${path}/url`, el.url, LIMITS.url);
  walk.string(`${path}/accessibility_label`, el.accessibility_label, LIMITS.accessibilityLabel);
  if (el.style !== undefined && el.style !== 'primary' && el.style !== 'danger') {
    walk.error(`${path}/style`, 'must be one of [primary, danger]');
  }
}

function checkTextInput(walk: Walk, path: string, el: Json): void {
  for (const key of ['min_length', 'max_length'] as const) {
    const value = el[key];
    if (value !== undefined && (typeof value !== 'number' || value > LIMITS.inputLength)) {
      walk.error(`${path}/${key}`, `must be a number no greater than ${LIMITS.inputLength}`);
    }
  }
}

function checkStaticSelect(walk: Walk, path: string, el: Json): void {
  if (el.options === undefined && el.option_groups === undefined) {
    walk.error(path, 'static select requires options or option_groups');
  }
  checkOptions(walk, `${path}/options`, el.options, LIMITS.selectOptions, false);
  walk.array(`${path}/option_groups`, el.option_groups, LIMITS.selectOptions, 1).forEach((group, i) => {
    const groupPath = `${path}/option_groups/${i}`;
    if (!isObject(group)) return walk.error(groupPath, 'must be an object');
    walk.text(`${groupPath}/label`, group.label, { max: LIMITS.optionText, required: true });
    checkOptions(walk, `${groupPath}/options`, group.options, LIMITS.selectOptions, false);
  });
}

/** Option objects; radio buttons and checkboxes may use mrkdwn text, menus may not. */
function checkOptions(walk: Walk, path: string, options: unknown, max: number, allowMrkdwn: boolean): void {
  const types = allowMrkdwn ? ['plain_text', 'mrkdwn'] : ['plain_text'];
  walk.array(path, options, max, 1).forEach((opt, i) => {
    const optPath = `${path}/${i}`;
    if (!isObject(opt)) return walk.error(optPath, 'must be an object');
    walk.text(`${optPath}/text`, opt.text, { max: LIMITS.optionText, types, required: true });
    walk.string(`${optPath}/value`, opt.value, LIMITS.optionValue);
    walk.text(`${optPath}/description`, opt.description, { max: LIMITS.optionDescription, types });
    walk.string(`${optPath}/url`, opt.url, LIMITS.url);
  });
}

function checkConfirm(walk: Walk, path: string, confirm: unknown): void {
  if (!isObject(confirm)) return walk.error(path, 'must be an object');
  walk.text(`${path}/title`, confirm.title, { max: LIMITS.confirmTitle });
  walk.text(`${path}/text`, confirm.text, { max: LIMITS.confirmText, types: ['plain_text', 'mrkdwn'], required: true });
  walk.text(`${path}/confirm`, confirm.confirm, { max: LIMITS.confirmButton });
  walk.text(`${path}/deny`, confirm.deny, { max: LIMITS.confirmButton });
}
