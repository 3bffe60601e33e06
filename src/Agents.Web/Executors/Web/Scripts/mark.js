(opts) => {
  /* helpers */
  for (const old of document.querySelectorAll('#' + OVERLAY)) old.remove();
  const vw = window.innerWidth, vh = window.innerHeight;
  const SELECTOR = [
    'a[href]', 'button', 'input:not([type=hidden])', 'textarea', 'select', 'summary', 'label[for]', '[onclick]',
    '[contenteditable=""]', '[contenteditable="true"]', '[contenteditable="plaintext-only"]', '[tabindex]:not([tabindex^="-"])',
    ...['button', 'link', 'textbox', 'searchbox', 'checkbox', 'radio', 'switch', 'tab', 'menuitem', 'menuitemcheckbox',
        'menuitemradio', 'option', 'combobox', 'slider', 'spinbutton', 'treeitem'].map(r => `[role=${r}]`),
  ].join(',');
  const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'HEAD', 'META', 'LINK', 'svg']);
  const candidates = [];
  const isCandidate = el => {
    if (el.matches(SELECTOR)) return true;
    if (getComputedStyle(el).cursor !== 'pointer') return false;
    const p = parentOf(el);
    return !p || getComputedStyle(p).cursor !== 'pointer';
  };
  const visit = node => {
    for (let el = node.firstElementChild; el; el = el.nextElementSibling) {
      if (el.id === OVERLAY || SKIP.has(el.tagName)) continue;
      if (el !== document.body && el !== document.documentElement && isCandidate(el)) candidates.push(el);
      if (el.shadowRoot) visit(el.shadowRoot);
      visit(el);
    }
  };
  visit(document);

  const visible = [];
  for (const el of candidates) {
    if (el.disabled === true) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    const x1 = Math.max(0, r.left), y1 = Math.max(0, r.top), x2 = Math.min(vw, r.right), y2 = Math.min(vh, r.bottom);
    if (x2 - x1 < 1 || y2 - y1 < 1) continue;
    const st = getComputedStyle(el);
    if (st.visibility === 'hidden' || st.visibility === 'collapse' || st.display === 'none' || parseFloat(st.opacity) === 0) continue;
    const dx = Math.min(2, (x2 - x1) / 4), dy = Math.min(2, (y2 - y1) / 4);
    const points = [[(x1 + x2) / 2, (y1 + y2) / 2], [x1 + dx, y1 + dy], [x2 - dx, y1 + dy], [x1 + dx, y2 - dy], [x2 - dx, y2 - dy]];
    const reached = points.some(([x, y]) => {
      const h = deepHit(x, y);
      if (!h) return false;
      if (containsDeep(el, h)) return true;
      const label = h.closest ? h.closest('label') : null;
      return !!label && label.control === el;
    });
    if (!reached) continue;
    visible.push({ el, x: x1, y: y1, w: x2 - x1, h: y2 - y1 });
  }

  // Keep the innermost candidates: drop every element that contains another visible candidate.
  const outer = new Set();
  for (const v of visible) for (let n = parentOf(v.el); n; n = parentOf(n)) outer.add(n);
  const kept = visible.filter(v => !outer.has(v.el));

  const items = kept.map(v => {
    const d = describe(v.el, opts.maxText);
    return { tag: d.tag, text: d.text, type: d.type, x: v.x, y: v.y, w: v.w, h: v.h };
  });

  if (opts.draw && items.length > 0) {
    const colours = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#008080', '#9a6324', '#800000', '#808000', '#000075'];
    const root = document.createElement('div');
    root.id = OVERLAY;
    root.setAttribute('aria-hidden', 'true');
    root.style.cssText = 'all:initial;position:fixed;left:0;top:0;width:0;height:0;overflow:visible;z-index:2147483647;pointer-events:none;';
    items.forEach((it, i) => {
      const c = colours[i % colours.length];
      const box = document.createElement('div');
      box.style.cssText = `all:initial;position:fixed;box-sizing:border-box;left:${it.x}px;top:${it.y}px;width:${it.w}px;height:${it.h}px;border:2px solid ${c};pointer-events:none;`;
      const tag = document.createElement('div');
      tag.textContent = String(i);
      const top = it.y >= 14 ? it.y - 14 : it.y;
      tag.style.cssText = `all:initial;position:fixed;left:${it.x}px;top:${top}px;height:14px;background:${c};color:#fff;font:bold 12px/14px monospace;padding:0 3px;pointer-events:none;white-space:nowrap;`;
      root.append(box, tag);
    });
    document.documentElement.appendChild(root);
  }
  return { width: vw, height: vh, items };
}
