/**
 * SVG to PNG on the server, with resvg (a Rust renderer shipped as a prebuilt native binary inside its
 * npm packages: no browser, no build step). Text uses the machine's fonts; DejaVu Sans first, as the
 * chart asks for it (a machine without any font draws the chart's shapes without its words).
 */
import { Resvg } from '@resvg/resvg-js';

export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, { background: '#ffffff', font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } });
  return resvg.render().asPng();
}
