// The npm package, end to end: the package `cargo xtask package` builds (the README's one
// command; it runs wasm-pack offline with npm's wasm-opt and lists the licence texts), packed
// with `npm pack`, the tarball installed into a scratch npm project, and a page loaded there
// in headless Chromium whose module script does `import init, { mount } from "dying-relu"`.
// Passes if mount(el, "neuron", "b=0.5") builds a panel (with its canvases and the bias set),
// destroy() empties the element again, and the page logs no console error.
//
// Usage, from the repository root (after `npm ci` in tools/browser):
//   node tools/npm/check.mjs [--keep] [--pkg DIR]
// Without --pkg it runs `cargo xtask package --out <temporary directory>/pkg` first; with it,
// it checks the package already built in DIR (`cargo xtask test` passes the one it built with
// the same code). CHROMIUM overrides /usr/bin/chromium.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deadline, launchChromium, watch } from '../browser/browser.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const keep = process.argv.includes('--keep');
const pkgArg = process.argv.indexOf('--pkg');
if (pkgArg >= 0 && !process.argv[pkgArg + 1]) throw new Error('--pkg wants a directory');
const builtPkg = pkgArg >= 0 ? path.resolve(process.argv[pkgArg + 1]) : null;
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

function run(cmd, args, cwd) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  return execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
}

// The package as `cargo xtask package` writes it (README, "As an npm package").
function build(tmp) {
  if (builtPkg) return builtPkg;
  const pkg = path.join(tmp, 'pkg');
  console.log(run('cargo', ['xtask', 'package', '--out', pkg], root).trimEnd());
  return pkg;
}

// The package, packed and installed the way a site builder would get it.
async function buildAndInstall(tmp) {
  const pkg = build(tmp);
  console.log(`checking the package in ${pkg}`);
  const tarball = run('npm', ['pack', '--silent', '--pack-destination', tmp], pkg).trim().split('\n').pop();
  const project = path.join(tmp, 'project');
  await mkdir(project);
  await writeFile(path.join(project, 'package.json'),
    JSON.stringify({ name: 'scratch', private: true, type: 'module' }, null, 2));
  run('npm', ['install', '--no-audit', '--no-fund', '--offline', path.join(tmp, tarball)], project);
  const installed = path.join(project, 'node_modules', 'dying-relu');
  const meta = JSON.parse(await readFile(path.join(installed, 'package.json'), 'utf8'));
  const entry = meta.module ?? meta.main;
  const files = await readdir(installed);
  console.log(`installed dying-relu ${meta.version}: ${files.join(', ')}`);
  for (const field of ['name', 'version', 'description', 'license']) {
    if (!meta[field]) throw new Error(`package.json has no ${field}`);
  }
  if (!entry || !files.includes(entry)) throw new Error(`package.json names no entry file that exists (${entry})`);
  if (!files.some((f) => f.endsWith('.wasm'))) throw new Error('the package holds no .wasm file');
  // The licence Cargo.toml names ("MIT OR Apache-2.0") travels with the package, both texts.
  for (const license of ['LICENSE-MIT', 'LICENSE-APACHE']) {
    if (!files.includes(license)) throw new Error(`the package holds no ${license}`);
  }
  // "Try the sample" fetches sample.csv beside the host page: the package carries it.
  if (!files.includes('sample.csv')) throw new Error('the package holds no sample.csv');
  return { project, entry };
}

// The page a bundler-free site would write: an import map names the package's entry.
async function writePage(project, entry) {
  const imports = { 'dying-relu': `/node_modules/dying-relu/${entry}` };
  await writeFile(path.join(project, 'index.html'), `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dying-relu npm check</title><link rel="icon" href="data:,">
<script type="importmap">${JSON.stringify({ imports })}</script>
<script type="module" src="/main.js"></script></head>
<body><div id="host"></div></body></html>
`);
  await writeFile(path.join(project, 'main.js'), `import init, { mount } from "dying-relu";
const frames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
try {
  await init();
  const host = document.getElementById("host");
  const handle = mount(host, "neuron", "b=0.5");
  await frames();
  const mounted = {
    children: host.childElementCount,
    canvases: host.querySelectorAll("canvas").length,
    biasSet: [...host.querySelectorAll("input")].some((i) => Number(i.value) === 0.5),
  };
  handle.destroy();
  await frames();
  window.result = { mounted, after: { children: host.childElementCount } };
} catch (e) {
  window.result = { error: String((e && e.stack) || e) };
}
`);
}

function serve(dir) {
  const server = createServer(async (req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = path.join(dir, rel === '/' ? 'index.html' : rel);
    if (!file.startsWith(dir)) return res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function check(project) {
  const server = await serve(project);
  const url = `http://127.0.0.1:${server.address().port}/`;
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const problems = watch(page);
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => window.result, null, { timeout: 30_000 });
    const result = await page.evaluate(() => window.result);
    console.log(`page ${url}: ${JSON.stringify(result)}`);
    if (result.error) problems.push(`mount threw: ${result.error}`);
    else {
      if (!(result.mounted.children > 0 && result.mounted.canvases > 0)) problems.push('mount built no panel');
      if (!result.mounted.biasSet) problems.push('the query b=0.5 did not reach the bias control');
      if (result.after.children !== 0) problems.push('destroy() left elements behind');
    }
    return problems;
  } finally {
    await browser.close();
    server.close();
  }
}

deadline(15 * 60_000, 'npm check');
const tmp = await mkdtemp(path.join(os.tmpdir(), 'dying-relu-npm-'));
let problems;
try {
  const { project, entry } = await buildAndInstall(tmp);
  await writePage(project, entry);
  problems = await check(project);
} finally {
  if (keep) console.log(`kept ${tmp}`);
  else await rm(tmp, { recursive: true, force: true });
}
for (const p of problems) console.log(`FAIL ${p}`);
console.log(problems.length ? 'npm check: failed' : 'npm check: passed');
process.exit(problems.length ? 1 : 0);
