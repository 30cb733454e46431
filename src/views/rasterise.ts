/**
 * SVG to PNG on the server, with resvg (a Rust renderer shipped as a prebuilt native binary inside its
 * npm packages: no browser, no build step). The fonts are the repository's own (assets/fonts, DejaVu
 * Sans), not the machine's: a server without fonts would draw the chart's shapes without its words,
 * and one with other fonts would draw different pictures.
 */
import path from 'node:path';
import { renderAsync } from '@resvg/resvg-js';

const FONTS_DIR = path.resolve(__dirname, '..', '..', 'assets', 'fonts');
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => path.join(FONTS_DIR, f));

/** Rasterised on libuv's thread pool: ≈40 ms of native work a chart that must not hold the event loop (acks, sends). */
export async function svgToPng(svg: string): Promise<Buffer> {
  return (await renderAsync(svg, { background: '#ffffff', font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: 'DejaVu Sans' } })).asPng();
}
