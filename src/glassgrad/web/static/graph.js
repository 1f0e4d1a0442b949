// The network as an SVG: neurons in columns, one line per weight (width ∝ |w| or |∂L/∂w|, colour = sign),
// the loss on the right. A walkthrough step highlights its neuron and the links its numbers travel along.

const NS = 'http://www.w3.org/2000/svg';
const W = 640, H = 300, LEFT = 40, RIGHT = 560, LOSS_X = 612;

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
  const gap = Math.min(40, (H - 50) / Math.max(widest, 1));
  const radius = Math.max(3, Math.min(11, gap * 0.38));
  const pos = sizes.map((n, l) => {
    const x = columns === 1 ? W / 2 : LEFT + (RIGHT - LEFT) * (l / (columns - 1));
    return Array.from({ length: n }, (_, k) => ({ x, y: H / 2 + (k - (n - 1) / 2) * gap }));
  });
  return { pos, radius };
}

// values: {`${layer},${unit}`: text} shown under neurons; highlight: {nodes: Set, links: Set, loss: bool}
export function drawGraph(svg, { sizes, layers, showGrads, values, highlight, selected, onLink }) {
  svg.replaceChildren();
  el('rect', { x: 0, y: 0, width: W, height: H, fill: 'transparent' }, svg);
  const { pos, radius } = positions(sizes);
  const pick = (layer) => (showGrads ? layer.weight_grad : layer.weight) || layer.weight.map((r) => r.map(() => 0));
  const magnitudes = layers.flatMap((layer) => pick(layer).flat().map(Math.abs));
  const biggest = Math.max(1e-12, ...magnitudes);
  const links = el('g', {}, svg);
  const hits = el('g', {}, svg);
  layers.forEach((layer, i) => {
    const l = i + 1;
    const values = pick(layer);
    values.forEach((row, k) => row.forEach((v, j) => {
      const from = pos[l - 1][j], to = pos[l][k];
      const id = `${l}-${k}-${j}`;
      const cls = ['link'];
      if (highlight.links.has(id)) cls.push('path');
      if (selected === id) cls.push('selected');
      el('line', {
        id: `link-${id}`, class: cls.join(' '), x1: from.x, y1: from.y, x2: to.x, y2: to.y,
        stroke: v >= 0 ? 'var(--pos)' : 'var(--neg)', 'stroke-width': (0.6 + 4.5 * Math.abs(v) / biggest).toFixed(2),
        opacity: (0.25 + 0.75 * Math.abs(v) / biggest).toFixed(2),
      }, links);
      const hit = el('line', {
        class: 'link-hit', 'data-layer': l, 'data-row': k, 'data-col': j,
        x1: from.x, y1: from.y, x2: to.x, y2: to.y,
      }, hits);
      el('title', {}, hit).textContent =
        `w[${l}]${k + 1},${j + 1} = ${short(layer.weight[k][j])}` +
        (layer.weight_grad ? `, ∂L/∂w = ${short(layer.weight_grad[k][j])}` : '') + ' (click for its derivation)';
      hit.addEventListener('click', () => onLink(l, k, j));
    }));
  });
  const out = pos[pos.length - 1];
  const lossY = H / 2;
  out.forEach((p) => el('line', { x1: p.x, y1: p.y, x2: LOSS_X - 16, y2: lossY, stroke: '#94a3b8' }, links));
  const lossNode = el('g', { class: 'loss-node' + (highlight.loss ? ' active' : ''), id: 'node-loss' }, svg);
  el('rect', { x: LOSS_X - 16, y: lossY - 13, width: 32, height: 26, rx: 5 }, lossNode);
  el('text', { x: LOSS_X, y: lossY + 4 }, lossNode).textContent = 'L';
  if (values.loss !== undefined) el('text', { x: LOSS_X, y: lossY + 26, class: 'val' }, lossNode).textContent = values.loss;
  pos.forEach((column, l) => {
    el('text', { x: column[0] ? column[0].x : 0, y: 14, class: 'layer-label' }, svg).textContent =
      l === 0 ? 'input' : l === pos.length - 1 ? 'output' : `layer ${l}`;
    column.forEach((p, k) => {
      const g = el('g', { class: 'neuron' + (highlight.nodes.has(`${l},${k}`) ? ' active' : ''), id: `node-${l}-${k}` }, svg);
      el('circle', { cx: p.x, cy: p.y, r: radius }, g);
      const text = values[`${l},${k}`];
      if (text !== undefined && radius >= 6) {
        el('text', { x: p.x, y: p.y - radius - 3, class: 'val' }, g).textContent = text;
      }
    });
  });
}
