// One colour language for the whole page: blue is positive, orange negative, white zero (weights, neuron outputs,
// δ, regression outputs); class 0 is orange and class 1 blue. And the grids the API sends, decoded and painted.

export const BLUE = [37, 99, 235];
export const ORANGE = [234, 88, 12];
export const CLASS_COLOURS = [ORANGE, BLUE, [22, 163, 74], [147, 51, 234], [219, 39, 119],
  [202, 138, 4], [8, 145, 178], [100, 116, 139], [190, 18, 60], [77, 124, 15]];

export function mix(c, t) {  // from white (t = 0) to colour c (t = 1)
  const s = Math.max(0, Math.min(1, t));
  return [Math.round(255 + (c[0] - 255) * s), Math.round(255 + (c[1] - 255) * s), Math.round(255 + (c[2] - 255) * s)];
}

export function diverging(t) {  // t in [−1, 1]: orange, white at 0, blue
  return t >= 0 ? mix(BLUE, t) : mix(ORANGE, -t);
}

export const css = (rgb) => `rgb(${rgb.join(',')})`;

// base64 of little-endian float32 (or uint8) values, as the API packs its grids (a plain loop: Uint8Array.from
// with a mapping function takes ten times as long, and Play decodes about 130 kB per frame)
export function unpack(packed, Type = Float32Array) {
  const text = atob(packed);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i);
  return new Type(bytes.buffer);
}

// The colour of each value of a grid, for the boundary: probability, classes or a regression's range.
export function boundaryColour(boundary) {
  const [lo, hi] = boundary.range;
  if (boundary.kind === 'classes') {
    const classes = unpack(boundary.classes, Uint8Array);
    return (v, i) => mix(CLASS_COLOURS[classes[i] % 10], (v - 0.3) * 0.6);
  }
  if (boundary.kind === 'probability') return (v) => diverging(2 * v - 1);
  return (v) => diverging((2 * (v - lo)) / (hi - lo) - 1);
}

const images = new WeakMap();  // canvas → its ImageData, reused frame after frame

// Paint values (row-major from the top) into a canvas of nx × ny pixels: CSS or drawImage scales it up smoothly.
export function paintGrid(canvas, values, offset, nx, ny, colour) {
  if (canvas.width !== nx) canvas.width = nx;
  if (canvas.height !== ny) canvas.height = ny;
  const ctx = canvas.getContext('2d');
  let image = images.get(canvas);
  if (!image || image.width !== nx || image.height !== ny) {
    image = ctx.createImageData(nx, ny);
    images.set(canvas, image);
  }
  for (let i = 0; i < nx * ny; i += 1) {
    const rgb = colour(values[offset + i], i);
    image.data[4 * i] = rgb[0];
    image.data[4 * i + 1] = rgb[1];
    image.data[4 * i + 2] = rgb[2];
    image.data[4 * i + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

// The grid point under a mouse event on a canvas that shows a grid: its index and its (x₁, x₂).
export function gridPoint(event, canvas, grid) {
  const box = canvas.getBoundingClientRect();
  const i = Math.min(grid.nx - 1, Math.max(0, Math.floor(((event.clientX - box.left) / box.width) * grid.nx)));
  const j = Math.min(grid.ny - 1, Math.max(0, Math.floor(((event.clientY - box.top) / box.height) * grid.ny)));
  const x1 = grid.x_min + (i * (grid.x_max - grid.x_min)) / (grid.nx - 1);
  const x2 = grid.y_max - (j * (grid.y_max - grid.y_min)) / (grid.ny - 1);
  return { index: j * grid.nx + i, x1, x2 };
}
