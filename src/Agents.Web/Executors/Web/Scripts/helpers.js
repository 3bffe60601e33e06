// Functions the in-page scripts share: SetOfMarks pastes this file in place of each script's helpers marker comment.
const OVERLAY = '__glm4vsk_set_of_marks__';
// Realm-agnostic (elements of a frame's document fail instanceof tests against this window's classes).
const parentOf = n => n.parentElement || (n.getRootNode && n.getRootNode().host) || null;
const containsDeep = (a, b) => { for (let n = b; n; n = parentOf(n)) if (n === a) return true; return false; };
const hitIn = (root, x, y) => {
  let h = root.elementFromPoint(x, y);
  while (h && h.shadowRoot) {
    const inner = h.shadowRoot.elementFromPoint(x, y);
    if (!inner || inner === h) break;
    h = inner;
  }
  return h;
};
const deepHit = (x, y) => hitIn(document, x, y);
// Frames: a same-origin frame's document is followed; one whose document this page cannot read
// (cross-origin, sandboxed, data:) is reported as such, so the caller can decide conservatively.
const MAX_FRAME_DEPTH = 16;
const frameWindow = el => (el && (el.tagName === 'IFRAME' || el.tagName === 'FRAME' || el.tagName === 'OBJECT')) ? el.contentWindow : null;
const frameDocument = el => { try { return el.contentDocument || null; } catch (e) { return null; } };
const frameSource = el => el.getAttribute('src') || el.getAttribute('data') || (el.hasAttribute('srcdoc') ? 'srcdoc' : '') || el.tagName.toLowerCase();
// Where a frame's viewport starts in its parent's viewport (inside its border and padding).
const frameOrigin = el => {
  const r = el.getBoundingClientRect();
  const st = el.ownerDocument.defaultView.getComputedStyle(el);
  return [r.left + el.clientLeft + (parseFloat(st.paddingLeft) || 0), r.top + el.clientTop + (parseFloat(st.paddingTop) || 0)];
};
// The element at a viewport point, through shadow roots and same-origin frames: { el, sealed } where sealed
// is the frame element when the point is inside a frame that cannot be inspected.
const hitThroughFrames = (x, y) => {
  let doc = document;
  for (let depth = 0; ; depth++) {
    const h = hitIn(doc, x, y);
    if (!frameWindow(h)) return { el: h, sealed: null };
    const inner = frameDocument(h);
    if (!inner || depth >= MAX_FRAME_DEPTH) return { el: h, sealed: h };
    const [ox, oy] = frameOrigin(h);
    x -= ox; y -= oy; doc = inner;
  }
};
// The focused element, through shadow roots and same-origin frames: { el, sealed } as above; el null when
// only a document (not a field) has focus.
const focusThroughFrames = () => {
  let doc = document;
  for (let depth = 0; ; depth++) {
    let el = doc.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    if (!el) return { el: null, sealed: null };
    if (!frameWindow(el)) {
      const page = el === doc.body || el === doc.documentElement;
      return { el: page && !el.isContentEditable ? null : el, sealed: null };
    }
    const inner = frameDocument(el);
    if (!inner || depth >= MAX_FRAME_DEPTH) return { el, sealed: el };
    doc = inner;
  }
};
const squash = s => (s == null ? '' : String(s)).replace(/\s+/g, ' ').trim();
const NON_TEXT_INPUTS = ['button', 'submit', 'reset', 'checkbox', 'radio', 'file', 'image', 'range', 'color', 'hidden'];
const inputType = el => el.tagName === 'INPUT' ? String(el.type || 'text').toLowerCase() : null;
const isEditable = el => {
  if (!el || !el.tagName) return false;
  if (el.tagName === 'TEXTAREA') return !el.readOnly && !el.disabled;
  if (el.tagName === 'INPUT') return !NON_TEXT_INPUTS.includes(inputType(el)) && !el.readOnly && !el.disabled;
  if (el.isContentEditable) return true;
  const role = (el.getAttribute('role') || '').toLowerCase();
  return role === 'textbox' || role === 'searchbox' || role === 'combobox';
};
const textOf = (el, maxText) => {
  const tag = el.tagName.toLowerCase();
  const type = inputType(el);
  const aria = squash(el.getAttribute('aria-label'));
  const title = squash(el.getAttribute('title'));
  let text;
  if (tag === 'input' || tag === 'textarea') {
    if (type === 'button' || type === 'submit' || type === 'reset') text = squash(el.value) || aria || title;
    else if (type === 'image') text = squash(el.alt) || aria || title;
    else {
      const value = (type === 'password' || type === 'checkbox' || type === 'radio' || type === 'file') ? '' : squash(el.value);
      const labels = el.labels ? squash([...el.labels].map(l => l.innerText).join(' ')) : '';
      text = aria || squash(el.placeholder) || value || title || labels;
    }
  } else if (tag === 'select') {
    const o = el.selectedOptions && el.selectedOptions[0];
    text = squash(o ? o.text : '') || aria || title;
  } else {
    const img = el.querySelector ? el.querySelector('img[alt]') : null;
    text = squash(el.innerText) || aria || title || (img ? squash(img.alt) : '') || squash(el.getAttribute('placeholder'));
  }
  return text.length > maxText ? text.slice(0, Math.max(1, maxText - 1)) + '…' : text;
};
// What kind of secret a field holds: a password (type=password or a password autocomplete token), a payment
// card (any cc-* autocomplete token) or a one-time code; null for other fields.
const secretKind = el => {
  if (!el || !el.getAttribute) return null;
  if (inputType(el) === 'password') return 'password';
  const tokens = String(el.getAttribute('autocomplete') || '').toLowerCase().split(/\s+/);
  if (tokens.includes('current-password') || tokens.includes('new-password')) return 'password';
  if (tokens.some(t => t.startsWith('cc-'))) return 'payment card';
  if (tokens.includes('one-time-code')) return 'one-time code';
  return null;
};
const describe = (el, maxText, sealed) => ({
  tag: el.tagName.toLowerCase(),
  type: inputType(el),
  text: textOf(el, maxText),
  editable: isEditable(el),
  secret: secretKind(el),
  select: el.tagName === 'SELECT',
  sealedFrame: sealed ? frameSource(sealed) : null,
});
// The element at a point (through frames), a label resolved to its control: { el, hit, sealed }.
const resolveAt = (x, y) => {
  const { el: hit, sealed } = hitThroughFrames(x, y);
  let h = hit;
  if (h && !sealed && !isEditable(h) && h.tagName !== 'SELECT') {
    const label = h.closest ? h.closest('label') : null;
    if (label && label.control) h = label.control;
  }
  return { el: h, hit, sealed };
};
