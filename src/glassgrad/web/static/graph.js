// The network as an SVG: neurons in columns, one line per weight (width ∝ |w| or |∂L/∂w|, colour = sign),
// the loss on the right. On 2-D data every neuron is its picture over the input plane: what it outputs (left
// square) and the δ it receives (right square), as TensorFlow Playground draws the first and nobody the second.
// A walkthrough step highlights its neuron and the links its numbers travel along.
// The SVG is built once per network shape (layer sizes, input names, pictures or not); each frame of Play then
// only sets attributes, texts and the pictures' pixels: rebuilding its ~450 elements every frame cost the browser
// most of a frame in style, layout and paint.

import { diverging, paintGrid, unpack } from './colours.js';
import { set, write } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';
const XHTML = 'http://www.w3.org/1999/xhtml';
const W = 640, H = 360, LEFT = 50, RIGHT = 560, LOSS_X = 612;

function el(name, attrs, parent) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

export function short(v) {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(1) : String(Number(v.toPrecision(3)));
}

function positions(sizes) {
  const columns = sizes.length;
  const widest = Math.max(...sizes);
  const gap = Math.min(44, (H - 50) / Math.max(widest, 1));
  const radius = Math.max(3, Math.min(11, gap * 0.38));
  const pos = sizes.map((n, l) => {
    const x = columns === 1 ? W / 2 : LEFT + (RIGHT - LEFT) * (l / (columns - 1));
    return Array.from({ length: n }, (_, k) => ({ x, y: H / 2 + (k - (n - 1) / 2) * gap }));
  });
  return { pos, radius, picture: Math.min(32, gap - 6) };
}

// One layer's pictures, decoded once per state: outputs and δ as (units × ny × nx) Float32Arrays.
export function decodePictures(neurons) {
  if (!neurons) return null;
  return {
    ...neurons,
    layers: neurons.layers.map((l) => ({
      ...l, outputs: unpack(l.outputs), deltas: l.deltas === null ? null : unpack(l.deltas),
    })),
  };
}

function picture(parent, x, y, size, attrs) {  // a square for one neuron's picture; its canvas is painted per frame
  const fo = el('foreignObject', { x: x - size / 2, y: y - size / 2, width: size, height: size, ...attrs }, parent);
  const canvas = document.createElementNS(XHTML, 'canvas');
  canvas.setAttribute('class', 'picture');
  fo.appendChild(canvas);
  el('rect', { x: x - size / 2, y: y - size / 2, width: size, height: size, class: 'frame' }, parent);
  return canvas;
}

// The diagram's elements for one shape, with handles on everything a frame changes.
function build(svg, sizes, names, withPictures) {
  svg.replaceChildren();
  el('rect', { x: 0, y: 0, width: W, height: H, fill: 'transparent' }, svg);
  const { pos, radius, picture: size } = positions(sizes);
  const diagram = { links: [], neurons: [], onLink: null };
  const linksGroup = el('g', {}, svg);
  const hits = el('g', {}, svg);
  for (let l = 1; l < sizes.length; l += 1) {
    for (let k = 0; k < sizes[l]; k += 1) {
      for (let j = 0; j < sizes[l - 1]; j += 1) {
        const from = pos[l - 1][j], to = pos[l][k];
        const id = `${l}-${k}-${j}`;
        const line = el('line', { id: `link-${id}`, class: 'link', x1: from.x, y1: from.y, x2: to.x, y2: to.y },
          linksGroup);
        diagram.links.push({ id, l, k, j, line });
        const hit = el('line', {
          class: 'link-hit', 'data-layer': l, 'data-row': k, 'data-col': j, x1: from.x, y1: from.y, x2: to.x, y2: to.y,
        }, hits);
        hit.addEventListener('click', () => diagram.onLink(l, k, j));
      }
    }
  }
  const lossY = H / 2;
  pos[pos.length - 1].forEach((p) => el('line', { x1: p.x, y1: p.y, x2: LOSS_X - 16, y2: lossY, stroke: '#94a3b8' },
    linksGroup));
  diagram.loss = el('g', { class: 'loss-node', id: 'node-loss' }, svg);
  el('rect', { x: LOSS_X - 16, y: lossY - 13, width: 32, height: 26, rx: 5 }, diagram.loss);
  el('text', { x: LOSS_X, y: lossY + 4 }, diagram.loss).textContent = 'L';
  diagram.lossValue = el('text', { x: LOSS_X, y: lossY + 26, class: 'val' }, diagram.loss);
  pos.forEach((column, l) => {
    el('text', { x: column[0] ? column[0].x : 0, y: 14, class: 'layer-label' }, svg).textContent =
      l === 0 ? 'input' : l === pos.length - 1 ? 'output' : `layer ${l}`;
    column.forEach((p, k) => {
      const g = el('g', { class: 'neuron', id: `node-${l}-${k}` }, svg);
      const neuron = { l, k, g, a: null, delta: null, value: null };
      const at = { 'data-layer': l, 'data-unit': k };
      if (withPictures && l === 0) {
        neuron.a = picture(g, p.x, p.y, size, { ...at, class: 'pic-a' });
      } else if (withPictures) {
        neuron.a = picture(g, p.x - size / 2 - 1, p.y, size, { ...at, class: 'pic-a' });
        neuron.delta = picture(g, p.x + size / 2 + 1, p.y, size, { ...at, class: 'pic-delta' });
      } else {
        el('circle', { cx: p.x, cy: p.y, r: radius }, g);
      }
      if (withPictures || radius >= 6) {
        if (l === 0 && names) {
          el('text', { x: p.x - (withPictures ? size / 2 : radius) - 4, y: p.y + 3, class: 'input-name' }, g)
            .textContent = names[k];
        }
        neuron.value = el('text', { x: p.x, y: (withPictures ? p.y - size / 2 : p.y - radius) - 3, class: 'val' }, g);
      }
      diagram.neurons.push(neuron);
    });
  });
  if (withPictures) {
    el('text', { x: pos[1] ? pos[1][0].x : W / 2, y: H - 6, class: 'layer-label' }, svg).textContent =
      'each neuron: its output a | its δ, over the input plane';
  }
  return diagram;
}

const diagrams = new WeakMap();  // svg → its diagram, and the shape it was built for

// values: {`${layer},${unit}`: text} shown above neurons; selected, hovered: link ids `${l}-${k}-${j}`; highlight: {nodes: Set, links: Set, loss: bool};
// pictures: decodePictures(state.neurons) or null; names: the network's inputs
export function drawGraph(svg, { sizes, layers, showGrads, values, highlight, selected, hovered, pictures, names,
  onLink }) {
  const withPictures = Boolean(pictures) && positions(sizes).picture >= 12;
  const shape = JSON.stringify([sizes, names, withPictures]);
  let diagram = diagrams.get(svg);
  if (!diagram || diagram.shape !== shape) {
    diagram = build(svg, sizes, names, withPictures);
    diagram.shape = shape;
    diagrams.set(svg, diagram);
  }
  diagram.onLink = onLink;
  const pick = (layer) => (showGrads ? layer.weight_grad : layer.weight) || layer.weight.map((r) => r.map(() => 0));
  const shown = layers.map(pick);
  let biggest = 1e-12;
  shown.forEach((m) => m.forEach((row) => row.forEach((v) => { biggest = Math.max(biggest, Math.abs(v)); })));
  for (const { id, l, k, j, line } of diagram.links) {
    const v = shown[l - 1][k][j];
    let cls = 'link';
    if (highlight.links.has(id)) cls += ' path';
    if (selected === id) cls += ' selected';
    if (hovered === id) cls += ' hovered';
    set(line, 'class', cls);
    set(line, 'stroke', v >= 0 ? 'var(--pos)' : 'var(--neg)');
    set(line, 'stroke-width', (0.6 + 4.5 * Math.abs(v) / biggest).toFixed(2));
    set(line, 'stroke-opacity', (0.25 + 0.75 * Math.abs(v) / biggest).toFixed(2));
  }
  set(diagram.loss, 'class', 'loss-node' + (highlight.loss ? ' active' : ''));
  write(diagram.lossValue, values.loss === undefined ? '' : values.loss);
  const cell = pictures ? pictures.nx * pictures.ny : 0;
  for (const { l, k, g, a, delta, value } of diagram.neurons) {
    set(g, 'class', 'neuron' + (highlight.nodes.has(`${l},${k}`) ? ' active' : ''));
    const text = values[`${l},${k}`];
    write(value, text === undefined ? '' : text);
    if (!withPictures) continue;
    const pics = pictures.layers[l];
    paintGrid(a, pics.outputs, k * cell, pictures.nx, pictures.ny, scaled(pics.output_scale));
    if (delta) paintGrid(delta, pics.deltas, k * cell, pictures.nx, pictures.ny, scaled(pics.delta_scale));
  }
}

function scaled(scale) {  // the pictures' colours: full colour at the layer's largest |value|
  const s = scale > 0 ? scale : 1;
  return (v) => diverging(v / s);
}
