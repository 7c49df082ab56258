// `npm run icons`: renders resources/icon.svg into every icon the packaged app needs, committed so
// that packaging needs no renderer: PNG sizes (Linux and the window), icon.icns (macOS), icon.ico
// (Windows). Run it again after changing the SVG.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import png2icons from 'png2icons';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const res = path.join(root, 'resources');
export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

const svg = readFileSync(path.join(res, 'icon.svg'));
const render = (size) => new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng();

mkdirSync(path.join(res, 'icons'), { recursive: true });
for (const size of PNG_SIZES) writeFileSync(path.join(res, 'icons', `${size}x${size}.png`), render(size));
const big = render(1024);
writeFileSync(path.join(res, 'icon.png'), big);
writeFileSync(path.join(res, 'icon.icns'), png2icons.createICNS(big, png2icons.BICUBIC, 0));
writeFileSync(path.join(res, 'icon.ico'), png2icons.createICO(big, png2icons.BICUBIC, 0, false, true));
console.log(`resources/: icon.png, icon.icns, icon.ico and icons/{${PNG_SIZES.join(',')}}`);
