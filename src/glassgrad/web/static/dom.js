// Writes that skip themselves when nothing changed: Play redraws the page every frame, and each real write to the
// DOM makes the browser recompute style (and often layout and paint) for what it touched.

export function set(node, name, value) {
  if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}

export function write(node, text) {
  if (node && node.textContent !== text) node.textContent = text;
}
