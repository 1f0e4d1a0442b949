// The playground page: builds a network through the API, walks its backward pass, trains it, keeps the URL current.

import { api } from './api.js';
import { gridPoint, unpack } from './colours.js';
import { set, write } from './dom.js';
import { decodePictures, drawGraph, short } from './graph.js';
import { drawBoundary, drawLegend, drawLoss, drawNorms } from './plots.js';
import { decode, encode } from './urlstate.js';

const $ = (id) => document.getElementById(id);
const app = {
  options: null, lessons: {}, lesson: '', sid: null, state: null, data: null,
  walk: null, cursor: -1, selected: null, playing: false, busy: 0,
  pictures: null, boundary: null, hovered: null, derivation: null, frames: 0,
};
const FEATURE_NAMES = { x1: 'x₁', x2: 'x₂', x1sq: 'x₁²', x2sq: 'x₂²', x1x2: 'x₁x₂', sinx1: 'sin x₁', sinx2: 'sin x₂' };
const RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];  // TensorFlow Playground's menu
const PER_FRAME = [1, 2, 5, 10, 25];

// ------------------------------------------------------------------------------------------------ helpers
function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c instanceof Node ? c : String(c));
  return node;
}

const fmt = (v) => (Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v));
const num = (v, key) => h('span', { class: 'num', 'data-value': String(v), ...(key ? { 'data-key': key } : {}) }, fmt(v));

function showError(error) {
  const box = $('error');
  box.textContent = error ? String(error.message || error) : '';
  box.hidden = !error;
}

async function busy(task) {
  app.busy += 1;
  document.body.classList.add('busy');
  try {
    showError(null);
    return await task();
  } catch (e) {
    showError(e);
    return undefined;
  } finally {
    app.busy -= 1;
    if (!app.busy) document.body.classList.remove('busy');
  }
}

function fillSelect(select, values, labels = values) {
  select.replaceChildren(...values.map((v, i) => h('option', { value: v }, labels[i])));
}

// ------------------------------------------------------------------------------------------------ the form
function defaultConfig() {
  return {
    dataset: 'moons', samples: 200, noise: 0.1, hidden: [8, 8], activations: ['tanh', 'tanh', 'sigmoid'],
    loss: 'bce', optimizer: 'adam', lr: 0.03, batch_size: 16, bias: true, seed: 0, data: null, weights: null,
    features: ['x1', 'x2'], regularization: 'none', regularization_rate: 0, test_fraction: 0,
  };
}

function outputFor(dataset, loss) {  // the loss a dataset needs: regressions mse, blobs one output per class
  if (app.options.regression_datasets.includes(dataset)) return 'mse';
  if (dataset === 'blobs') return 'cross_entropy';
  return loss === 'mse' || loss === 'cross_entropy' ? 'bce' : loss;
}

function renderFeatures(chosen) {
  const box = $('features');
  box.querySelectorAll('label').forEach((l) => l.remove());
  app.options.features.forEach((f) => {
    const input = h('input', { type: 'checkbox', 'data-feature': f });
    input.checked = chosen.includes(f);
    box.append(h('label', { class: 'check' }, input, FEATURE_NAMES[f]));
  });
}

function outputActivation(loss) {
  return loss === 'bce' ? 'sigmoid' : 'identity';
}

function parseHidden() {
  const text = $('hidden').value.trim();
  if (!text) return [];
  return text.split(/[\s,]+/).filter(Boolean).map((s) => Number(s));
}

function renderActivationSelects(activations) {
  const box = $('activations');
  const layers = parseHidden().length + 1;
  const current = activations || [...box.querySelectorAll('select')].map((s) => s.value);
  box.replaceChildren();
  for (let i = 0; i < layers; i += 1) {
    const last = i === layers - 1;
    const select = h('select', { 'data-layer': i + 1 });
    fillSelect(select, app.options.activations);
    select.value = activations ? current[i] : (last ? outputActivation($('loss').value) : (current[i] && i < current.length - 1 ? current[i] : 'tanh'));
    box.append(h('label', {}, last ? 'output activation' : `layer ${i + 1} activation`, select));
  }
}

function writeForm(config) {
  const datasets = [...app.options.datasets];
  const labels = [...datasets];
  if (config.data) { datasets.push('lesson'); labels.push('(lesson data)'); }
  if (app.state && app.state.data_source.startsWith('upload')) { datasets.push('csv'); labels.push('(uploaded CSV)'); }
  fillSelect($('dataset'), datasets, labels);
  $('dataset').value = config.data ? 'lesson' : (app.state && app.state.data_source.startsWith('upload') ? 'csv' : config.dataset);
  $('samples').value = config.samples;
  $('noise').value = config.noise;
  $('hidden').value = config.hidden.join(', ');
  $('loss').value = config.loss;
  $('optimizer').value = config.optimizer;
  $('lr').value = config.lr;
  $('batch').value = config.batch_size;
  $('seed').value = config.seed;
  $('bias').checked = config.bias;
  renderFeatures(config.features || ['x1', 'x2']);
  $('features').disabled = !config.features;
  $('regularization').value = config.regularization;
  $('reg-rate').value = String(config.regularization_rate);
  $('test-fraction').value = String(config.test_fraction);
  $('test-fraction-shown').textContent = `${Math.round(100 * config.test_fraction)}%`;
  renderActivationSelects(config.activations);
}

function readForm() {
  const hidden = parseHidden();
  const choice = $('dataset').value;
  const lesson = app.lessons[app.lesson];
  const config = {
    ...defaultConfig(),
    dataset: app.options.datasets.includes(choice) ? choice : (app.state ? app.state.config.dataset : 'moons'),
    samples: Number($('samples').value), noise: Number($('noise').value), hidden,
    activations: [...$('activations').querySelectorAll('select')].map((s) => s.value),
    loss: $('loss').value, optimizer: $('optimizer').value, lr: Number($('lr').value),
    batch_size: Number($('batch').value), seed: Number($('seed').value), bias: $('bias').checked,
    features: app.options.datasets.includes(choice)
      ? [...$('features').querySelectorAll('input:checked')].map((i) => i.dataset.feature) : null,
    regularization: $('regularization').value, regularization_rate: Number($('reg-rate').value),
    test_fraction: Number($('test-fraction').value),
  };
  if (choice === 'lesson' && lesson) {
    config.data = lesson.config.data;
    const same = JSON.stringify(hidden) === JSON.stringify(lesson.config.hidden) && config.bias === lesson.config.bias;
    config.weights = same ? lesson.config.weights : null;
  }
  return config;
}

// ------------------------------------------------------------------------------------------------ state
function updateUrl() {
  if (!app.state) return;
  const hash = encode({
    config: app.state.config, lesson: app.state.config.data ? app.lesson : '',
    example: Number($('example').value) || 0, steps: app.state.step, perFrame: Number($('per-frame').value),
  });
  history.replaceState(null, '', hash);
}

function updateLinks() {
  const example = Number($('example').value) || 0;
  set($('download'), 'href', api.downloadUrl(app.sid));
  set($('export-md'), 'href', api.explanationUrl(app.sid, example, 'markdown'));
  set($('export-json'), 'href', api.explanationUrl(app.sid, example, 'json'));
}

function take(state) {  // a new state: its grids decoded once
  app.state = state;
  app.pictures = decodePictures(state.neurons);
  app.boundary = state.boundary ? unpack(state.boundary.values) : null;
}

async function adopt(state, { refetchData = true } = {}) {
  take(state);
  app.sid = state.session_id;
  if (refetchData) app.data = await api.data(app.sid);
  $('example').max = String(app.data.x.length - 1);
  if (Number($('example').value) > app.data.x.length - 1) $('example').value = '0';
  app.walk = null;
  app.selected = null;
  $('weight-panel').hidden = true;
  if (app.cursor >= 0) await loadWalk();
  render();
}

async function loadWalk() {
  app.walk = await api.walkthrough(app.sid, Number($('example').value) || 0);
  app.cursor = Math.min(app.cursor, app.walk.steps.length - 1);
}

async function build() {
  const config = readForm();
  const keepUpload = $('dataset').value === 'csv' && app.sid;
  const state = keepUpload ? await api.reconfigure(app.sid, config) : await api.create(config);
  app.cursor = -1;
  await adopt(state);
}

async function trained(result) {  // a train reply: its state, with the walk and the hovered link's numbers for it
  take(result.state);
  app.walk = null;
  if (app.cursor >= 0 && !app.playing) await loadWalk();
  if (app.hovered) await loadDerivation();
}

async function train(request) {
  await trained(await api.train(app.sid, request));
  render();
}

async function replay(steps) {  // a shared link: retrain the same number of steps, in bounded chunks
  const limit = app.options.limits.steps_per_request;  // a request may also stop early, at its time limit
  while (app.state.step < steps) await train({ steps: Math.min(limit, steps - app.state.step) });
}

// ------------------------------------------------------------------------------------------------ render
function graphValues() {
  const values = {};
  if (!app.walk || app.cursor < 0) return values;
  app.walk.x.forEach((v, j) => { values[`0,${j}`] = short(v); });
  app.walk.steps.slice(0, app.cursor + 1).forEach((s) => {
    if (s.kind === 'loss') values.loss = short(s.values.L);
    else if (s.phase === 'forward') values[`${s.layer},${s.unit}`] = `a=${short(s.values.a)}`;
    else values[`${s.layer},${s.unit}`] = `δ=${short(s.values.delta)}`;
  });
  return values;
}

function highlightOf(step) {
  const hl = { nodes: new Set(), links: new Set(), loss: false };
  if (!step) return hl;
  const sizes = app.state.sizes;
  if (step.kind === 'loss') {
    hl.loss = true;
    return hl;
  }
  hl.nodes.add(`${step.layer},${step.unit}`);
  if (step.phase === 'forward') {
    for (let j = 0; j < sizes[step.layer - 1]; j += 1) hl.links.add(`${step.layer}-${step.unit}-${j}`);
  } else if (step.layer < sizes.length - 1) {
    for (let m = 0; m < sizes[step.layer + 1]; m += 1) hl.links.add(`${step.layer + 1}-${m}-${step.unit}`);
  } else {
    hl.loss = true;
  }
  return hl;
}

function termsTable(terms, sumLabel, sumValue, sumKey) {
  const table = h('table', { class: 'terms' });
  table.append(h('tr', {}, h('th', {}, ''), h('th', { class: 'num' }, 'factors'), h('th', { class: 'num' }, 'value')));
  terms.forEach((t) => {
    const factors = h('td', { class: 'num' });
    t.factors.forEach((f, i) => { if (i) factors.append(' × '); factors.append(num(f)); });
    if (t.penalty !== null && t.penalty !== undefined) factors.append(' + ', num(t.penalty, 'penalty'));
    table.append(h('tr', { class: 'term' }, h('td', {}, t.label), factors, h('td', { class: 'num' }, num(t.value))));
  });
  if (sumLabel) {
    table.append(h('tr', { class: 'sum' }, h('td', {}, sumLabel), h('td', {}, ''),
      h('td', { class: 'num' }, num(sumValue, sumKey))));
  }
  return table;
}

function valuesLine(pairs) {
  const line = h('div', { class: 'values' });
  pairs.forEach(([label, v, key]) => line.append(h('span', {}, h('b', {}, `${label} = `), num(v, key))));
  return line;
}

function renderStep() {
  const panel = $('step-panel');
  const step = app.walk && app.cursor >= 0 ? app.walk.steps[app.cursor] : null;
  if (!step) {  // the hint, written once (not again on every frame of Play)
    if (panel.dataset.hint) return;
    panel.replaceChildren(h('p', { class: 'hint' }, 'Press Step ▶ to run the forward pass neuron by neuron, then the ' +
      'backward pass. Click any link to see how its weight\'s gradient is computed.'));
    panel.dataset.hint = '1';
    return;
  }
  delete panel.dataset.hint;
  const head = h('h4', { id: 'step-title' }, `${app.cursor + 1}/${app.walk.steps.length} · ${step.title}`);
  const parts = [head, h('div', { class: 'formula' }, step.formula)];
  const v = step.values;
  if (step.kind === 'loss' && step.phase === 'forward') {
    parts.push(termsTable(step.terms), valuesLine([['y', v.y, 'y'], ['L', v.L, 'L']]));
  } else if (step.kind === 'loss') {
    parts.push(termsTable(step.terms));
  } else if (step.phase === 'forward') {
    parts.push(termsTable(step.terms, 'z = Σ', v.z, 'z'), valuesLine([['z', v.z, 'z'], ['a', v.a, 'a']]));
  } else {
    const meet = step.terms.length > 1 ? `∂L/∂a = sum of ${step.terms.length} paths` : '∂L/∂a';
    parts.push(termsTable(step.terms, meet, v.upstream, 'upstream'),
      valuesLine([['∂L/∂a', v.upstream, 'upstream'], ['∂a/∂z', v.local, 'local'], ['δ = ∂L/∂a·∂a/∂z', v.delta, 'delta']]),
      h('h4', {}, 'Gradients of this neuron\'s incoming links'), termsTable(step.grads));
  }
  panel.replaceChildren(...parts);
}

function render() {
  const s = app.state;
  if (!s) return;
  write($('stats-step'), String(s.step));
  write($('stats-epoch'), String(s.epoch));
  const percent = (v) => (v === null ? '–' : `${(100 * v).toFixed(1)}%`);
  write($('stats-loss'), s.loss === null ? '–' : fmt(s.loss));
  write($('stats-test-loss'), s.test_loss === null ? '–' : fmt(s.test_loss));
  write($('stats-accuracy'), percent(s.accuracy));
  write($('stats-test-accuracy'), percent(s.test_accuracy));
  write($('stats-penalty'), s.penalty === null ? '–' : fmt(s.penalty));
  write($('data-source'), `(${s.data_source}, ${s.train_rows + s.test_rows} rows` +
    (s.test_rows ? `: ${s.train_rows} training, ${s.test_rows} test)` : ')'));
  const step = app.walk && app.cursor >= 0 ? app.walk.steps[app.cursor] : null;
  drawGraph($('graph'), {
    sizes: s.sizes, layers: s.layers, showGrads: $('show-grads').checked, values: graphValues(),
    highlight: highlightOf(step), selected: app.selected, pictures: app.pictures,
    hovered: app.hovered && `${app.hovered.layer}-${app.hovered.row}-${app.hovered.col}`,
    names: s.config.features ? s.config.features.map((f) => FEATURE_NAMES[f]) : s.inputs,
    onLink: (l, k, j) => busy(() => showWeight(l, k, j)),
  });
  renderStep();
  drawBoundary($('boundary'), s.boundary, app.boundary, app.data, s.classes);
  drawLegend($('boundary-legend'), s.boundary, s.classes);
  drawLoss($('loss-curve'), s.losses, s.history, s.step);
  drawNorms($('grad-norms'), s.layers);
  renderCard();
  $('step-prev').disabled = app.cursor < 0;
  if (!app.playing) updateUrl();  // history.replaceState costs ~4 ms: once when Play pauses, not every frame
  updateLinks();
}

async function showWeight(layer, row, col) {
  const example = Number($('example').value) || 0;
  const d = await api.weight(app.sid, layer, row, col, example);
  app.selected = `${layer}-${row}-${col}`;
  const ok = d.rel_error < 1e-6;
  const sweep = h('table', { class: 'terms' }, h('tr', {}, h('th', { class: 'num' }, 'step h'),
    h('th', { class: 'num' }, 'central'), h('th', { class: 'num' }, 'forward'), h('th', { class: 'num' }, 'rel. error')));
  d.sweep.forEach((r) => sweep.append(h('tr', {}, h('td', { class: 'num' }, r.h.toExponential(0)),
    h('td', { class: 'num' }, num(r.central)), h('td', { class: 'num' }, num(r.forward)),
    h('td', { class: 'num' }, r.rel_error.toExponential(1)))));
  const panel = $('weight-panel');
  panel.replaceChildren(
    h('h4', {}, `Weight w[${layer}]${row + 1},${col + 1} — example #${example}`),
    h('div', { class: 'formula' }, d.formula),
    termsTable(d.factors, d.penalty ? 'product of the chain' : 'product', d.factors.reduce((a, f) => a * f.value, 1),
      'product'),
    ...(d.penalty ? [termsTable([d.penalty], 'sum of both paths', d.value, 'sum')] : []),
    valuesLine([['backward gave', d.engine_grad, 'engine'], ['central difference', d.central_difference, 'central']]),
    h('p', { class: ok ? 'ok' : 'bad' }, `relative error ${d.rel_error.toExponential(2)} ${ok ? '✓' : '✗'}`),
    h('details', {}, h('summary', {}, 'finite differences at other step sizes (too large: truncation; too small: round-off)'), sweep),
    h('details', {}, h('summary', {}, `gg.explain's derivation of ∂L/∂W${layer}[${d.row}, ${d.col}], factored where paths meet`),
      h('pre', { class: 'formula' }, d.explain || '')),
  );
  panel.hidden = false;
  render();
}

// ------------------------------------------------------------------------------------------------ hovering
// A hovered link: its weight and the last step's gradient from the state, and its derivation for the chosen
// example from the engine, fetched again after every training frame while the pointer stays on it.
async function loadDerivation() {
  const { layer, row, col } = app.hovered;
  app.derivation = await api.weight(app.sid, layer, row, col, Number($('example').value) || 0);
}

function renderCard() {
  const card = $('link-card');
  const hv = app.hovered;
  if (!hv || !app.state || hv.layer > app.state.layers.length) {
    if (!card.hidden) card.hidden = true;
    return;
  }
  const layer = app.state.layers[hv.layer - 1];
  if (hv.row >= layer.weight.length || hv.col >= layer.weight[0].length) {
    card.hidden = true;
    return;
  }
  const name = `w[${hv.layer}]${hv.row + 1},${hv.col + 1}`;
  const parts = [h('h4', {}, `${name} after step ${app.state.step}`),
    valuesLine([['w', layer.weight[hv.row][hv.col], 'card-weight'],
      ...(layer.weight_grad ? [['∂L/∂w of the last step\'s batch', layer.weight_grad[hv.row][hv.col], 'card-grad']] : [])])];
  const d = app.derivation;
  if (d && d.layer === hv.layer && d.row === hv.row && d.col === hv.col) {
    const chain = d.factors.map((f) => fmt(f.value)).join(' · ');
    parts.push(h('div', { class: 'formula' }, d.formula),
      h('div', { class: 'formula' }, `for example #${d.example}: = (${chain})` +
        (d.penalty ? ` + ${fmt(d.penalty.value)}   [${d.penalty.label}]` : '')),
      valuesLine([['= ∂L/∂w for this example', d.engine_grad, 'card-derivation']]));
  }
  card.dataset.step = String(app.state.step);
  card.replaceChildren(...parts);
  card.hidden = false;
}

function hoverGraph(event) {
  const hit = event.target.closest && event.target.closest('.link-hit');
  const pic = event.target.closest && event.target.closest('foreignObject');
  if (pic) showNeuron(event, pic);
  if (!hit) {
    if (app.hovered) { app.hovered = null; render(); }
    return;
  }
  const target = { layer: Number(hit.dataset.layer), row: Number(hit.dataset.row), col: Number(hit.dataset.col) };
  const same = app.hovered && ['layer', 'row', 'col'].every((k) => app.hovered[k] === target[k]);
  if (same) return;
  app.hovered = target;
  render();
  busy(async () => { await loadDerivation(); renderCard(); });
}

function showNeuron(event, fo) {
  const pics = app.pictures;
  if (!pics) return;
  const layer = Number(fo.dataset.layer), unit = Number(fo.dataset.unit);
  const at = gridPoint(event, fo.firstChild, pics);
  const cell = pics.nx * pics.ny;
  const l = pics.layers[layer];
  const a = l.outputs[unit * cell + at.index];
  const out = $('neuron-readout');
  const where = `(x₁, x₂) = (${fmt(at.x1)}, ${fmt(at.x2)})`;
  if (l.deltas === null) {
    out.textContent = `input ${unit + 1} at ${where}: ${fmt(a)}`;
  } else {
    const d = l.deltas[unit * cell + at.index];
    out.textContent = `layer ${layer}, neuron ${unit + 1} at ${where}: a = ${fmt(a)}, δ = ${fmt(d)}`;
    out.dataset.delta = String(d);
  }
  Object.assign(out.dataset, { layer: String(layer), unit: String(unit), x1: String(at.x1), x2: String(at.x2),
    a: String(a) });
}

function hoverBoundary(event) {
  const b = app.state && app.state.boundary;
  if (!b) return;
  const at = gridPoint(event, $('boundary'), b);
  const v = app.boundary[at.index];
  const out = $('boundary-readout');
  const what = b.kind === 'probability' ? 'ŷ = P(class 1)' : b.kind === 'classes'
    ? `class ${unpack(b.classes, Uint8Array)[at.index]} wins with p` : 'ŷ';
  out.textContent = `at (x₁, x₂) = (${fmt(at.x1)}, ${fmt(at.x2)}): ${what} = ${fmt(v)}`;
  Object.assign(out.dataset, { x1: String(at.x1), x2: String(at.x2), value: String(v) });
}

// ------------------------------------------------------------------------------------------------ wiring
async function step(delta) {
  if (!app.walk) await loadWalk();
  app.cursor = Math.max(-1, Math.min(app.walk.steps.length - 1, app.cursor + delta));
  render();
}

// Play: one request per frame (that many steps, then everything redrawn), as fast as the browser paints. The
// next frame's request goes out as soon as this frame's numbers are in (the hovered link's derivation included),
// so the server trains while the page draws; after Pause, the request in flight is still shown. The speed shown
// is measured over the last second.
async function play() {
  app.playing = true;
  $('train-play').disabled = true;
  $('train-pause').disabled = false;
  const request = () => {
    const reply = api.train(app.sid, { steps: Number($('per-frame').value) });
    reply.catch(() => {});  // awaited below; a failure is shown there, not reported as unhandled meanwhile
    return reply;
  };
  let since = performance.now(), frames = 0, steps = app.state.step, pending = request();
  while (pending) {
    const ok = await busy(async () => {
      const reply = pending;
      pending = null;
      await trained(await reply);
      if (app.playing) pending = request();
      render();
      return true;
    });
    if (!ok) break;
    frames += 1;
    app.frames += 1;
    document.body.dataset.frames = String(app.frames);
    const seconds = (performance.now() - since) / 1000;
    if (seconds >= 1) {
      const speed = $('stats-speed');
      speed.textContent = `${((app.state.step - steps) / seconds).toFixed(1)} steps/s, ${(frames / seconds).toFixed(1)} frames/s`;
      since = performance.now();
      frames = 0;
      steps = app.state.step;
    }
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
  pause();
}

function pause() {
  app.playing = false;
  $('train-play').disabled = false;
  $('train-pause').disabled = true;
  updateUrl();
  if (app.cursor >= 0) busy(async () => { await loadWalk(); render(); });
}

function loadLesson(id) {
  app.lesson = id;
  const lesson = app.lessons[id];
  $('lesson-text').hidden = !lesson;
  if (lesson) $('lesson-text').textContent = `${lesson.title}: ${lesson.text}` + (lesson.article ? ` (article ${lesson.article})` : '');
  return lesson ? structuredClone(lesson.config) : defaultConfig();
}

function wire() {
  $('hidden').addEventListener('change', () => renderActivationSelects());
  $('dataset').addEventListener('change', () => {  // regressions need mse; blobs has three classes
    const choice = $('dataset').value;
    $('features').disabled = !app.options.datasets.includes(choice);
    if (!app.options.datasets.includes(choice)) return;
    const wanted = outputFor(choice, $('loss').value);
    if (wanted !== $('loss').value) {
      $('loss').value = wanted;
      $('loss').dispatchEvent(new Event('change'));
    }
  });
  $('test-fraction').addEventListener('input', () => {
    $('test-fraction-shown').textContent = `${Math.round(100 * Number($('test-fraction').value))}%`;
  });
  $('graph').addEventListener('mousemove', hoverGraph);
  $('graph').addEventListener('mouseleave', () => { app.hovered = null; render(); });
  $('boundary').addEventListener('mousemove', hoverBoundary);
  $('per-frame').addEventListener('change', updateUrl);
  $('loss').addEventListener('change', () => {
    const selects = $('activations').querySelectorAll('select');
    selects[selects.length - 1].value = outputActivation($('loss').value);
  });
  $('build').addEventListener('click', () => busy(build));
  $('lesson').addEventListener('change', () => busy(async () => {
    const config = loadLesson($('lesson').value);
    app.state = null;
    writeForm(config);
    $('example').value = '0';
    await build();
  }));
  $('step-next').addEventListener('click', () => busy(() => step(1)));
  $('step-prev').addEventListener('click', () => busy(() => step(-1)));
  $('step-first').addEventListener('click', () => { app.cursor = -1; render(); });
  $('step-backward').addEventListener('click', () => busy(async () => {
    if (!app.walk) await loadWalk();
    app.cursor = app.walk.steps.findIndex((s) => s.phase === 'backward');
    render();
  }));
  $('example').addEventListener('change', () => busy(async () => {
    app.walk = null;
    if (app.cursor >= 0) await loadWalk();
    $('weight-panel').hidden = true;
    render();
  }));
  $('show-grads').addEventListener('change', render);
  $('train-play').addEventListener('click', play);
  $('train-pause').addEventListener('click', () => { app.playing = false; });
  $('train-step').addEventListener('click', () => busy(() => train({ steps: 1 })));
  $('train-epoch').addEventListener('click', () => busy(() => train({ epochs: 1 })));
  $('train-reset').addEventListener('click', () => busy(async () => adopt(await api.reset(app.sid), { refetchData: false })));
  $('csv-upload').addEventListener('click', () => busy(async () => {
    const file = $('csv-file').files[0];
    if (!file) throw new Error('choose a CSV file first');
    app.cursor = -1;
    await adopt(await api.upload(app.sid, file, $('csv-target').value.trim()));
    app.lesson = '';
    $('lesson').value = '';
    writeForm(app.state.config);
    render();
  }));
  $('share').addEventListener('click', async () => {
    updateUrl();
    try {
      await navigator.clipboard.writeText(location.href);
      $('share').textContent = 'Link copied';
    } catch {
      $('share').textContent = 'Copy the address bar';
    }
    setTimeout(() => { $('share').textContent = 'Share link'; }, 1500);
  });
}

async function init() {
  app.options = await api.options();
  app.options.lessons.forEach((l) => { app.lessons[l.id] = l; });
  fillSelect($('loss'), app.options.losses);
  fillSelect($('optimizer'), app.options.optimizers);
  fillSelect($('regularization'), app.options.regularizations, app.options.regularizations.map((r) => (r === 'none' ? 'none' : r.toUpperCase())));
  fillSelect($('reg-rate'), RATES.map(String));
  fillSelect($('per-frame'), PER_FRAME.map(String));
  const lessonSelect = $('lesson');
  app.options.lessons.forEach((l) => lessonSelect.append(h('option', { value: l.id }, l.title)));
  wire();
  const shared = decode(location.hash);
  const base = loadLesson(app.lessons[shared.lesson] ? shared.lesson : '');
  lessonSelect.value = app.lesson;
  const config = { ...base, ...shared.overrides };
  if (JSON.stringify(config.hidden) !== JSON.stringify(base.hidden) || config.bias !== base.bias) config.weights = null;
  writeForm(config);
  $('example').value = String(shared.example);
  $('per-frame').value = String(PER_FRAME.includes(shared.perFrame) ? shared.perFrame : 1);
  await build();
  if (shared.steps > 0) await replay(shared.steps);
  document.body.dataset.ready = '1';
}

busy(init);
