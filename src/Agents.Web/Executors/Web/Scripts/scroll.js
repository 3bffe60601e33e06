(a) => {
  /* helpers */
  const scrollableFrom = start => {
    for (let n = start; n; n = parentOf(n)) {
      if (n === document.body || n === document.documentElement) return null;
      if (n.nodeType !== 1) continue;
      const st = getComputedStyle(n);
      if (/(auto|scroll|overlay)/.test(st.overflowY) && n.scrollHeight > n.clientHeight + 1) return n;
    }
    return null;
  };
  const scrollBox = box => {
    const before = box.scrollTop;
    const amount = a.amount != null ? a.amount : Math.round(box.clientHeight * 2 / 3);
    box.scrollBy({ top: a.sign * amount, left: 0, behavior: 'instant' });
    return { target: 'element', tag: box.tagName.toLowerCase(), before, after: box.scrollTop, moved: box.scrollTop - before, max: box.scrollHeight - box.clientHeight };
  };
  if (a.element) {
    const hit = deepHit(a.x, a.y);
    const box = hit ? scrollableFrom(hit) : null;
    if (box) return scrollBox(box);
  }
  const se = document.scrollingElement || document.documentElement;
  const maxY = se.scrollHeight - window.innerHeight;
  if (maxY > 0) {
    const before = window.scrollY;
    const amount = a.amount != null ? a.amount : Math.round(window.innerHeight * 2 / 3);
    window.scrollBy({ top: a.sign * amount, left: 0, behavior: 'instant' });
    return { target: 'window', tag: null, before, after: window.scrollY, moved: window.scrollY - before, max: maxY };
  }
  const centre = deepHit(window.innerWidth / 2, window.innerHeight / 2);
  const box = centre ? scrollableFrom(centre) : null;
  if (box) return scrollBox(box);
  return { target: 'window', tag: null, before: window.scrollY, after: window.scrollY, moved: 0, max: 0 };
}
