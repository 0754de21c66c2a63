// Copies the shared design (packages/console/src/design.css) into the agent's
// page style sheet (packages/agent/page/style.css) between its two marker
// comments. The agent serves its page one style sheet only, so the page
// carries the design as a copy; packages/agent/page/src/style.test.ts fails
// when the copy and the original differ. Run after changing design.css:
//
//   node scripts/page-style.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const DESIGN = join(ROOT, 'packages/console/src/design.css');
const STYLE = join(ROOT, 'packages/agent/page/style.css');
/** The markers around the copy: the page's style.test.ts reads the same two lines. */
const BEGIN = '/* ==== design.css: begin (a copy of packages/console/src/design.css made by scripts/page-style.mjs; edit the original) ==== */';
const END = '/* ==== design.css: end ==== */';

const design = readFileSync(DESIGN, 'utf8');
const style = readFileSync(STYLE, 'utf8');
const begin = style.indexOf(BEGIN);
const end = style.indexOf(END);
if (begin < 0 || end < begin) {
  console.error(`${STYLE}: the marker comments are missing; put these two lines where the design goes:\n${BEGIN}\n${END}`);
  process.exit(1);
}
const next = `${style.slice(0, begin)}${BEGIN}\n${design}${END}${style.slice(end + END.length)}`;
if (next === style) console.log('page style: already up to date');
else {
  writeFileSync(STYLE, next);
  console.log(`page style: copied ${DESIGN} into ${STYLE}`);
}
