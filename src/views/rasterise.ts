/**
 * SVG to PNG on the server, with resvg (a Rust renderer shipped as a prebuilt native binary inside its
 * npm packages: no browser, no build step). The fonts are the repository's own (assets/fonts, DejaVu
 * Sans), not the machine's: a server without fonts would draw the chart's shapes without its words,
 * and one with other fonts would draw different pictures.
 */
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';

const FONTS_DIR = path.resolve(__dirname, '..', '..', 'assets', 'fonts');
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => path.join(FONTS_DIR, f));

export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, { background: '#ffffff', font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: 'DejaVu Sans' } });
  return resvg.render().asPng();
}
